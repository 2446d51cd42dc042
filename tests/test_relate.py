"""Labels and direction on constructed cases built from the sample articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import retold
from retold import Document

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
# A spinner's thesaurus: common words swapped for near-synonyms, as content farms do.
SYNONYMS = {
    "warning": "caution",
    "official": "representative",
    "remain": "stay",
    "after": "following",
    "scheduled": "planned",
    "expressing": "voicing",
    "disappointment": "frustration",
    "promised": "pledged",
    "country": "nation",
    "reports": "accounts",
    "suggesting": "indicating",
    "leading": "prominent",
    "groups": "factions",
    "similar": "comparable",
    "meeting": "session",
    "little": "scant",
    "exactly": "precisely",
    "said": "stated",
    "fixed": "set",
    "relationship": "partnership",
    "declared": "proclaimed",
    "tensions": "frictions",
    "emerged": "arisen",
    "especially": "particularly",
    "received": "obtained",
    "direct": "immediate",
    "support": "backing",
    "message": "communication",
    "reinforced": "strengthened",
    "response": "reply",
    "unchanged": "the same",
    "weekend": "week's end",
    "insight": "information",
    "phase": "stage",
    "carried": "reported",
    "sticking": "holding",
    "deal": "agreement",
    "credited": "recognised",
    "ultimately": "eventually",
    "large": "big",
}


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def article_001() -> str:
    """001's article paragraphs, without the blog's furniture."""
    raw = seed("001")
    start = raw.index("Defying a warning")
    end = raw.index("Leave a Reply")
    return raw[start:end].strip()


def spin(text: str) -> str:
    return re.sub(r"\b\w+\b", lambda m: SYNONYMS.get(m.group(), m.group()), text)


def relation(text_a: str, text_b: str, date_a: str | None = None, date_b: str | None = None) -> retold.Comparison:
    return retold.compare(
        Document("a", text_a, "a.txt", date=date_a),
        Document("b", text_b, "b.txt", date=date_b),
    )


def test_exact_copy_is_a_duplicate_dated_source_first() -> None:
    text = article_001()
    result = relation(text, text, "2021-11-20", "2021-11-22")
    assert result.pair is not None
    assert (result.pair.label, result.pair.source) == ("duplicate", "a")


def test_copy_with_boilerplate_added_is_a_duplicate() -> None:
    text = article_001()
    wrapped = "Share this:\n\nClick to share on Twitter\n\n" + text + "\n\nLeave a Reply\n\nConnecting to %s"
    result = relation(text, wrapped)
    assert result.pair is not None and result.pair.label == "duplicate"


def test_synonym_spun_copy_is_a_rewrite_of_the_original() -> None:
    text = article_001()
    spun = spin(text)
    assert spun != text
    result = relation(text, spun, "2021-11-20", None)
    assert result.pair is not None
    assert result.pair.label in ("rewrite", "reprint")
    assert result.pair.scores.aligned_b > 0.9


def test_condensed_copy_comes_from_the_full_article() -> None:
    paragraphs = article_001().split("\n\n")
    condensed = "\n\n".join(paragraphs[::2])
    result = relation(article_001(), condensed)
    assert result.pair is not None
    assert result.pair.label == "reprint"
    assert result.pair.source == "a"
    assert any("lies inside" in reason for reason in result.pair.reasons)


def test_the_samples_rewrite_is_found_with_its_source() -> None:
    result = retold.compare(next(SEEDS.glob("000_*.txt")), next(SEEDS.glob("001_*.txt")))
    assert result.pair is not None
    assert result.pair.label == "rewrite"
    assert result.pair.source.startswith("001")
    kinds = {p.kind for p in result.pair.passages}
    assert "reworded" in kinds
    raw_000 = seed("000")
    spun_sentence = raw_000.index("a collection of Iraqi paramilitary groups")
    assert any(p.a_span.start <= spun_sentence < p.a_span.end for p in result.pair.passages)


def test_shared_quotation_only_is_partial_without_a_source() -> None:
    quote = (
        "“We affirm that the weapons of the honorable resistance, which have been much discussed in recent days, "
        "and some have insisted on entangling them in recent political rivalries, will be ready to dismember the "
        "occupation as soon as the time comes,” the statement said."
    )
    a = seed("003").split("https://media")[0].strip() + "\n\n" + quote
    b = seed("004") + "\n\n" + quote
    result = relation(a, b, "2021-12-28", "2021-12-13")
    assert result.pair is not None
    assert (result.pair.label, result.pair.source) == ("partial", None)


@pytest.mark.parametrize(("left", "right"), [("003", "004"), ("001", "003"), ("002", "004")])
def test_independent_reports_are_not_reuse(left: str, right: str) -> None:
    result = relation(seed(left), seed(right))
    assert result.pair is None
