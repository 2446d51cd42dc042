"""The clean stage: rules, headline and metadata, corpus recurrence, span invariants."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.clean import (
    RECURRING_REASON,
    apply_recurring,
    clean_document,
    find_recurring_lines,
    line_fingerprints,
)
from retold.clean.metadata import iso_date, parse_date
from retold.clean.rules import match_line, plain_text
from retold.config import CleanConfig
from retold.model import CleanDocument, Document, Span

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"
EXPECTED: dict[str, Any] = json.loads((ROOT / "tests" / "data" / "seeds_expected.json").read_text("utf-8"))
CONFIG = CleanConfig()


def seed_document(key: str, **metadata: str) -> Document:
    path = SEEDS / EXPECTED["documents"][key]["file"]
    return Document(id=key, text=path.read_text("utf-8"), path=str(path), **metadata)


def inside(span: Span, spans: tuple[Span, ...]) -> bool:
    return any(s.contains(span) for s in spans)


def touches(span: Span, spans: tuple[Span, ...]) -> bool:
    return any(s.start < span.end and span.start < s.end for s in spans)


def occurrences(raw: str, excerpt: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in re.finditer(re.escape(excerpt), raw)]


def assert_well_formed(raw: str, cleaned: CleanDocument) -> None:
    """Spans in bounds, trimmed, sorted, disjoint, covering every non-blank character once;
    body spans hold no blank line, and a line is only ever cut between body and boilerplate."""
    tagged = sorted([(s, "body") for s in cleaned.body] + [(b.span, "bp") for b in cleaned.boilerplate])
    assert [s for s, kind in tagged if kind == "body"] == list(cleaned.body)
    assert [b.span for b in cleaned.boilerplate] == sorted(b.span for b in cleaned.boilerplate)
    covered = np.zeros(len(raw), dtype=np.int64)
    previous: tuple[Span, str] | None = None
    for span, kind in tagged:
        assert 0 <= span.start < span.end <= len(raw)
        text = raw[span.start : span.end]
        assert text == text.strip() and text, (span, text)
        covered[span.start : span.end] += 1
        if kind == "body":
            assert not re.search(r"\n\s*\n", text), text
        if previous is not None:
            prev_span, prev_kind = previous
            assert prev_span.end <= span.start
            if "\n" not in raw[prev_span.end : span.start]:
                assert "bp" in (prev_kind, kind), "a line was split into two body spans"
        previous = (span, kind)
    for b in cleaned.boilerplate:
        assert b.reason
    assert covered.max(initial=0) <= 1
    uncovered = "".join(ch for ch, c in zip(raw, covered, strict=True) if c == 0)
    assert not uncovered.strip(), repr(uncovered)


# --- acceptance on the samples ------------------------------------------------------------

DOC_KEYS = sorted(EXPECTED["documents"])


@pytest.mark.parametrize("key", DOC_KEYS)
def test_seed_boilerplate_lines_lie_in_one_boilerplate_span(key: str) -> None:
    doc = seed_document(key)
    cleaned = clean_document(doc, CONFIG)
    for item in EXPECTED["documents"][key]["boilerplate"]:
        start = doc.text.find(item["excerpt"])
        assert start >= 0, item
        wanted = Span(start, start + len(item["excerpt"]))
        holders = [b for b in cleaned.boilerplate if b.span.contains(wanted)]
        assert len(holders) == 1, item
        assert holders[0].reason == item["reason"], (item, holders[0])


@pytest.mark.parametrize("key", DOC_KEYS)
def test_seed_body_sentences_stay_body(key: str) -> None:
    doc = seed_document(key)
    cleaned = clean_document(doc, CONFIG)
    bp = tuple(b.span for b in cleaned.boilerplate)
    for excerpt in EXPECTED["documents"][key]["body"]:
        found = occurrences(doc.text, excerpt)
        assert found, excerpt
        for span in found:
            assert inside(span, cleaned.body), excerpt
            assert not touches(span, bp), excerpt
    for excerpt in EXPECTED["documents"][key]["not_body"]:
        found = occurrences(doc.text, excerpt)
        assert found, excerpt
        for span in found:
            assert not touches(span, cleaned.body), excerpt


@pytest.mark.parametrize("key", DOC_KEYS)
def test_seed_spans_are_well_formed(key: str) -> None:
    doc = seed_document(key)
    assert_well_formed(doc.text, clean_document(doc, CONFIG))


@pytest.mark.parametrize("key", ["000", "002"])
@pytest.mark.parametrize("from_reader", [False, True])
def test_rewrites_keep_every_paragraph_after_the_title_line(key: str, from_reader: bool) -> None:
    expected = EXPECTED["documents"][key]
    doc = seed_document(key, **(expected["reader"] if from_reader else {}))
    cleaned = clean_document(doc, CONFIG)
    first_newline = doc.text.index("\n")
    assert [b.reason for b in cleaned.boilerplate] == ["title line"]
    assert cleaned.boilerplate[0].span.end <= first_newline
    pos = first_newline + 1
    paragraphs = 0
    for paragraph in re.split(r"\n\s*\n", doc.text[pos:]):
        stripped = paragraph.strip()
        if stripped:
            start = doc.text.index(stripped, pos)
            assert Span(start, start + len(stripped)) in cleaned.body, stripped[:60]
            paragraphs += 1
            pos = start + len(stripped)
    assert len(cleaned.body) == paragraphs
    assert cleaned.title == expected["titles"][0]
    assert cleaned.date == expected["date"]


@pytest.mark.parametrize("key", DOC_KEYS)
def test_seed_metadata(key: str) -> None:
    expected = EXPECTED["documents"][key]
    cleaned = clean_document(seed_document(key), CONFIG)
    assert cleaned.title in expected["titles"]
    assert cleaned.date == expected["date"]
    assert cleaned.outlet == expected["outlet_from_text"]
    assert cleaned.byline == expected["byline_from_text"]
    assert cleaned.doc_id == key


def test_title_lines_are_boilerplate_and_exact() -> None:
    for key, title in [
        ("001", "Babylon the Great Will Remain in Iraq Despite Militia Warning"),
        ("003", "Iraqi Resistance Vows To Expel All Remaining US Forces From The Country"),
        ("004", "Iraq Announces End of US Combat Mission, but US Says Troops Not Leaving"),
    ]:
        doc = seed_document(key)
        cleaned = clean_document(doc, CONFIG)
        assert cleaned.title == title
        titles = [b for b in cleaned.boilerplate if b.reason == "title line"]
        assert len(titles) == 1
        assert " ".join(doc.text[titles[0].span.start : titles[0].span.end].split()) == title
    # 001's original headline sits under the blog's own; it is furniture, not body.
    doc = seed_document("001")
    headline = "Pentagon Says ‘U.S. Forces Will Remain in Iraq’ Despite Militia Warning for Dec. 31"
    start = doc.text.index(headline)
    assert any(
        b.reason == "headline" and b.span == Span(start, start + len(headline))
        for b in clean_document(doc, CONFIG).boilerplate
    )


def test_inline_prompt_is_cut_from_its_sentence() -> None:
    doc = seed_document("001")
    cleaned = clean_document(doc, CONFIG)
    prompt = "NEWSWEEK SUBSCRIPTION OFFERS >"
    start = doc.text.index(prompt)
    bp = [b for b in cleaned.boilerplate if b.reason == "subscription prompt"]
    assert [b.span for b in bp] == [Span(start, start + len(prompt))]
    sentence_end = doc.text.rindex("is in order.", 0, start) + len("is in order.")
    assert any(s.end == sentence_end for s in cleaned.body)


def test_comment_section_tail_is_all_boilerplate() -> None:
    doc = seed_document("001")
    cleaned = clean_document(doc, CONFIG)
    tail = doc.text.index("Leave a Reply")
    assert all(s.end <= tail for s in cleaned.body)
    assert max(b.span.end for b in cleaned.boilerplate) == len(doc.text.rstrip())


def test_reader_metadata_wins() -> None:
    doc = seed_document(
        "004", title="  Given Title ", date="2021-12-10T08:00:00Z", outlet="Peoples Dispatch", byline="Staff"
    )
    cleaned = clean_document(doc, CONFIG)
    assert (cleaned.title, cleaned.date, cleaned.outlet, cleaned.byline) == (
        "Given Title",
        "2021-12-10",
        "Peoples Dispatch",
        "Staff",
    )
    # The headline line is still furniture even when the reader's title differs from it.
    assert cleaned.boilerplate[0].reason == "title line"


def test_unparseable_reader_date_falls_back_to_the_header() -> None:
    cleaned = clean_document(seed_document("004", date="sometime"), CONFIG)
    assert cleaned.date == "2021-12-13"


def test_seeds_have_no_corpus_boilerplate() -> None:
    docs = [seed_document(k) for k in DOC_KEYS]
    cleaned = [clean_document(d, CONFIG) for d in docs]
    recurring = find_recurring_lines(
        ((d.id, line_fingerprints(d, c, CONFIG)) for d, c in zip(docs, cleaned, strict=True)), CONFIG
    )
    assert recurring.dtype == np.uint64
    assert recurring.size == 0


# --- edge cases ---------------------------------------------------------------------------


def test_empty_text() -> None:
    for text in ["", "   ", "\n\n \r\n\u00a0\n"]:
        cleaned = clean_document(Document(id="e", text=text, path="e.txt"), CONFIG)
        assert cleaned == CleanDocument(doc_id="e", body=(), boilerplate=())


def test_text_without_newlines() -> None:
    text = "  One sentence without any newline, and no title either.  "
    cleaned = clean_document(Document(id="x", text=text, path="x.txt"), CONFIG)
    assert cleaned.boilerplate == ()
    assert cleaned.body == (Span(2, len(text) - 2),)
    assert cleaned.title is None


def test_date_header_alone() -> None:
    text = " date 2021-11-23 A Headline With Nothing Under It"
    cleaned = clean_document(Document(id="h", text=text, path="h.txt"), CONFIG)
    assert cleaned.body == ()
    assert [b.reason for b in cleaned.boilerplate] == ["title line"]
    assert (cleaned.title, cleaned.date) == ("A Headline With Nothing Under It", "2021-11-23")


def test_short_first_line_alone_is_body_not_title() -> None:
    cleaned = clean_document(Document(id="s", text="Only Three Words Here", path="s.txt"), CONFIG)
    assert cleaned.title is None
    assert len(cleaned.body) == 1


def test_comment_heading_before_any_prose_does_not_eat_the_article() -> None:
    text = "Comments\n\nThe minister said on Tuesday that the talks would resume next week in Geneva.\n"
    cleaned = clean_document(Document(id="c", text=text, path="c.txt"), CONFIG)
    assert [b.reason for b in cleaned.boilerplate] == ["comment form"]
    assert len(cleaned.body) == 1


def test_crlf_and_paragraph_extension() -> None:
    text = (
        "Title Of The Piece Here\r\n\r\nBody sentence one is here.\r\nStill the same paragraph.\r\n\r\n"
        "Articles by: **Jane\r\nDoe**\r\n"
    )
    doc = Document(id="r", text=text, path="r.txt")
    cleaned = clean_document(doc, CONFIG)
    assert_well_formed(text, cleaned)
    assert cleaned.body_text(text) == "Body sentence one is here.\r\nStill the same paragraph."
    assert cleaned.boilerplate[-1].reason == "author line"
    assert text[cleaned.boilerplate[-1].span.start : cleaned.boilerplate[-1].span.end] == "Articles by: **Jane\r\nDoe**"


# --- the rule table -----------------------------------------------------------------------

RULE_CASES = [
    ("Leave a Comment", "comment form"),
    ("3 Comments", "comment form"),
    ("Notify me of new comments via email.", "comment form"),
    ("Your email address will not be published. Required fields are marked *", "comment form"),
    ("Subscribe now for unlimited access", "subscription prompt"),
    ("Sign up for our daily newsletter", "newsletter prompt"),
    ("Share this:", "share prompt"),
    ("Share | Tweet | Email", "share prompt"),
    ("Follow us on Telegram for updates", "follow prompt"),
    ("Become a member of the Daily Planet", "membership prompt"),
    ("Support our journalism today", "membership prompt"),
    ("The views expressed in this article are those of the author.", "disclaimer"),
    ("© 2021 Example Media. All rights reserved.", "copyright notice"),
    ("This article was originally published on Example News.", "source note"),
    ("Photo: Reuters / Jane Doe", "photo caption"),
    ("A soldier at a checkpoint in Mosul. JOHN SMITH/AFP VIA GETTY IMAGES", "photo caption"),
    ("Troops arrive at the base (Photo: AP)", "photo credit"),
    ("Photo courtesy of the ministry", "photo credit"),
    ("https://example.com/a/b?c=d", "URL line"),
    ("www.example.com", "URL line"),
    ("[Facebook](#) | [Twitter](#)", "link-only line"),
    ("Continue reading", "read more link"),
    ("Related: More coverage of the withdrawal", "related links"),
    ("Tags: Iraq, Pentagon, militias", "keyword line"),
    ("Filed under: World News", "category line"),
    ("Politics, Iraq, Pentagon, Defense, Middle East", "keyword line"),
    ("By Jane Doe and John Smith", "byline"),
    ("Written by J. R. Smith, Reuters", "byline"),
    ("The Daily Planet, 3 March 2022", "dateline header"),
    ("Published: March 3, 2022", "dateline header"),
    ("Updated Dec. 3, 2022 | 10:32 am EST", "dateline header"),
    ("* * *", "separator line"),
    ("publications@example.org", "contact line"),
]

PROSE_CASES = [
    "By the end of the year, all combat troops will leave.",
    "Subscribers in the province were told to expect delays.",
    "He said the US/UK deal was off",
    "Comments from the ministry were not immediately available.",
    "Paris, London, Berlin, Rome and Madrid all agreed.",
    "On Thursday, December 9, 2021, the ministry said it would act.",
    "On Thursday, December 9, 2021",
    "December 13, 2021 was a turning point for the mission.",
    "December 13, 2021 was the day",
    "Share prices fell sharply after the announcement of the withdrawal plan.",
    "Support for the deal has grown among lawmakers.",
    "The photo, taken in 2019, shows the base before the attack.",
    "Related talks are due in Geneva next week.",
    "Source material for the report was provided by the ministry.",
]


@pytest.mark.parametrize(("line", "reason"), RULE_CASES)
def test_rule_table_names_the_furniture(line: str, reason: str) -> None:
    hit = match_line(line, plain_text(line))
    assert hit is not None, line
    assert hit.rule.name == reason


@pytest.mark.parametrize("line", PROSE_CASES)
def test_rule_table_leaves_prose_alone(line: str) -> None:
    assert match_line(line, plain_text(line)) is None


def test_plain_text() -> None:
    assert plain_text("  **Region:** [Middle East](#)\u00a0 and  *more*  ") == "Region: Middle East and more"


def test_dates() -> None:
    assert parse_date("Global Research, December 13, 2021") == "2021-12-13"
    assert parse_date("[Peoples Dispatch](#) 10 December 2021") == "2021-12-10"
    assert parse_date("Dec. 3rd, 2021") == "2021-12-03"
    assert parse_date("February 30, 2021 or 2021-03-01") == "2021-03-01"
    assert parse_date("no date here") is None
    assert iso_date("2021-11-23") == "2021-11-23"
    assert iso_date("13 December 2021") == "2021-12-13"
    assert iso_date("") is None


# --- corpus recurrence --------------------------------------------------------------------

FOOTER = "The Valley Ledger is an independent newspaper serving readers since 1911"


def _vocabulary(size: int = 400) -> list[str]:
    rng = random.Random(0)
    found: set[str] = set()
    while len(found) < size:
        found.add("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))))
    return sorted(found)


_VOCABULARY = _vocabulary()


def synthetic_article(seed: int, footer: str | None = FOOTER) -> str:
    rng = random.Random(seed)
    title = " ".join(w.capitalize() for w in rng.sample(_VOCABULARY, 5))
    paragraphs = []
    for _ in range(8):
        words = rng.choices(_VOCABULARY, k=rng.randint(12, 20))
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join([title, *paragraphs, *([footer] if footer else [])]) + "\n"


def run_corpus(
    texts: list[str], config: CleanConfig = CONFIG
) -> tuple[list[Document], list[CleanDocument], np.ndarray]:
    docs = [Document(id=f"d{i}", text=t, path=f"d{i}.txt") for i, t in enumerate(texts)]
    first = [clean_document(d, config) for d in docs]
    recurring = find_recurring_lines(
        ((d.id, line_fingerprints(d, c, config)) for d, c in zip(docs, first, strict=True)), config
    )
    assert recurring.dtype == np.uint64 and np.all(np.diff(recurring.astype(np.float64)) >= 0)
    return (
        docs,
        [apply_recurring(d, c, recurring, config) for d, c in zip(docs, first, strict=True)],
        recurring,
    )


def footer_span(text: str) -> Span:
    start = text.index(FOOTER)
    return Span(start, start + len(FOOTER))


def test_shared_footer_of_distinct_articles_is_boilerplate() -> None:
    docs, cleaned, recurring = run_corpus([synthetic_article(i) for i in range(10)])
    assert recurring.size == 1
    for doc, c in zip(docs, cleaned, strict=True):
        assert_well_formed(doc.text, c)
        assert [b.reason for b in c.boilerplate] == ["title line", RECURRING_REASON]
        assert c.boilerplate[-1].span == footer_span(doc.text)
        assert len(c.body) == 8


def test_copies_of_one_article_stay_body() -> None:
    docs, cleaned, recurring = run_corpus([synthetic_article(7)] * 5)
    assert recurring.size == 0
    for doc, c in zip(docs, cleaned, strict=True):
        assert [b.reason for b in c.boilerplate] == ["title line"]
        assert c.body[-1] == footer_span(doc.text)
        assert len(c.body) == 9


def test_copies_among_distinct_articles() -> None:
    texts = [synthetic_article(i) for i in range(10)] + [synthetic_article(99)] * 5
    docs, cleaned, _ = run_corpus(texts)
    for doc, c in zip(docs, cleaned, strict=True):
        assert [b.reason for b in c.boilerplate] == ["title line", RECURRING_REASON]
        assert len(c.body) == 8, doc.id


def test_recurrence_thresholds() -> None:
    # Two holders are fewer than recurring_min_docs (3).
    _, _, recurring = run_corpus([synthetic_article(i) for i in range(2)])
    assert recurring.size == 0
    # Lines shorter than recurring_min_chars are too generic to be evidence.
    short = "Short line"
    _, _, recurring = run_corpus([synthetic_article(i, footer=short) for i in range(10)])
    assert recurring.size == 0
    # A stricter config needs more holders.
    _, _, recurring = run_corpus([synthetic_article(i) for i in range(10)], CleanConfig(recurring_min_docs=11))
    assert recurring.size == 0


def test_many_holders_are_sampled() -> None:
    _, cleaned, recurring = run_corpus([synthetic_article(i) for i in range(150)])
    assert recurring.size == 1
    assert all(c.boilerplate[-1].reason == RECURRING_REASON for c in cleaned)


def test_recurrence_api_edges() -> None:
    assert find_recurring_lines([], CONFIG).size == 0
    assert find_recurring_lines([("a", np.zeros(0, dtype=np.uint64))] * 4, CONFIG).size == 0
    doc = Document(id="a", text=synthetic_article(1), path="a.txt")
    cleaned = clean_document(doc, CONFIG)
    fingerprints = line_fingerprints(doc, cleaned, CONFIG)
    assert fingerprints.dtype == np.uint64 and fingerprints.size == 9
    assert np.array_equal(fingerprints, np.unique(fingerprints))
    assert apply_recurring(doc, cleaned, np.zeros(0, dtype=np.uint64), CONFIG) is cleaned
    with pytest.raises(ValueError, match="does not belong"):
        line_fingerprints(Document(id="b", text="", path="b.txt"), cleaned, CONFIG)


# --- properties ---------------------------------------------------------------------------

_LINES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\u00a0\t",
            "Leave a Reply",
            "Connecting to %s",
            "Read More",
            "https://example.com/x",
            "By Jane Doe",
            "Global Research, December 13, 2021",
            "US, troops, train, Asad, Air, Base, Iraq",
            "Articles by: **Jane",
            "Doe**",
            "*",
            " date 2021-11-23 A Title",
            "A Headline In Title Case Here",
            "The minister said on Tuesday that the talks would resume next week in Geneva.",
            "It is in order.NEWSWEEK SUBSCRIPTION OFFERS >  and more text",
            "x SUBSCRIBE NOW > y SIGN UP > z Read more »",
            "Featured image: a photo (Photo credit: AP)",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINES, max_size=14), crlf=st.booleans())
def test_spans_are_well_formed(lines: list[str], crlf: bool) -> None:
    text = ("\r\n" if crlf else "\n").join(lines)
    doc = Document(id="p", text=text, path="p.txt")
    cleaned = clean_document(doc, CONFIG)
    assert_well_formed(text, cleaned)
    assert clean_document(doc, CONFIG) == cleaned
    fingerprints = line_fingerprints(doc, cleaned, CONFIG)
    again = apply_recurring(doc, cleaned, fingerprints[::2], CONFIG)
    assert_well_formed(text, again)
    assert set(cleaned.boilerplate) <= set(again.boilerplate)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_spans_are_well_formed_on_any_text(text: str) -> None:
    assert_well_formed(text, clean_document(Document(id="t", text=text, path="t.txt"), CONFIG))


def test_a_shared_wire_paragraph_stays_body() -> None:
    # A paragraph of prose that several unrelated articles carry is shared text (a wire
    # paragraph, a quoted statement): what retold reports as reuse, not an outlet's furniture.
    seed = next((Path(__file__).resolve().parents[1] / "examples" / "seeds").glob("001_*.txt"))
    wire = next(line for line in seed.read_text(encoding="utf-8").splitlines() if line.startswith("The statement also"))
    texts = []
    for i in range(6):
        paragraphs = synthetic_article(i).split("\n\n")
        texts.append("\n\n".join([*paragraphs[:4], wire, *paragraphs[4:]]))
    docs, cleaned, recurring = run_corpus(texts)
    assert recurring.size == 1  # the footer alone
    for doc, c in zip(docs, cleaned, strict=True):
        start = doc.text.index(wire)
        assert any(s.start <= start and start + len(wire) <= s.end for s in c.body), doc.id
        assert c.boilerplate[-1].span == footer_span(doc.text)
