"""Sentence segmentation: hard cases by example, offsets and coverage as properties."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.model import Span
from retold.sentences import sentences

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"
WORD_CHAR = re.compile(r"[^\W_]")


def split(text: str, body: list[Span] | None = None, **kwargs: int) -> list[str]:
    spans = sentences(text, body if body is not None else [Span(0, len(text))], **kwargs)
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones on Dec. 31. They talked.",
            ["Mr. Smith met Dr. Jones on Dec. 31.", "They talked."],
        ),
        (
            "U.S. forces will remain in Iraq. The U.S. Army said so at 5 p.m. on Friday.",
            ["U.S. forces will remain in Iraq.", "The U.S. Army said so at 5 p.m. on Friday."],
        ),
        ("He lives in the U.S. The next day he left.", ["He lives in the U.S.", "The next day he left."]),
        ("Resolution No. 5 passed. Fig. 2 shows it.", ["Resolution No. 5 passed.", "Fig. 2 shows it."]),
        ("John F. Kennedy spoke. Acme Inc. agreed.", ["John F. Kennedy spoke.", "Acme Inc. agreed."]),
        (
            "It cost $3.5 million. Really? Yes! Wow…  Fine.",
            ["It cost $3.5 million.", "Really?", "Yes!", "Wow…", "Fine."],
        ),
        # Closing quotes stay with their sentence; a quote ending in "!" inside a sentence does not end it.
        (
            "“We affirm it,” the statement said. “Stop!” he said. He left.",
            ["“We affirm it,” the statement said.", "“Stop!” he said.", "He left."],
        ),
        ('She said: "It is over." Then she left.', ['She said: "It is over."', "Then she left."]),
        # Blank lines and headline lines break; hard-wrapped lines continuing in lower case do not.
        (
            "Headline Without A Stop\nThe body starts here and is wrapped\nacross lines.\n\nNew paragraph",
            ["Headline Without A Stop", "The body starts here and is wrapped\nacross lines.", "New paragraph"],
        ),
        # A caption glued to the next text by scraping.
        (
            "A caption ends years later.SPECIALIST DEREK MUSTARD",
            ["A caption ends years later.", "SPECIALIST DEREK MUSTARD"],
        ),
        # Punctuation-only pieces are not sentences.
        ("First.\n\n”\n\n*\n\nSecond.", ["First.", "Second."]),
    ],
)
def test_hard_cases(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_no_sentence_crosses_a_body_span_boundary() -> None:
    text = "One sentence runs on and on NEWSWEEK OFFERS > and ends here. Next one."
    cut = text.index("NEWSWEEK")
    after = text.index("and ends")
    body = [Span(0, cut - 1), Span(after, len(text))]
    assert split(text, body) == ["One sentence runs on and on", "and ends here.", "Next one."]


def test_long_unpunctuated_text_is_cut_at_white_space() -> None:
    text = " ".join(["word"] * 400)  # 1,999 characters, no punctuation
    pieces = sentences(text, [Span(0, len(text))], max_chars=600)
    assert len(pieces) == 4
    assert all(len(p) <= 600 for p in pieces)
    assert all(text[p.start : p.end].strip("word ") == "" for p in pieces)
    with pytest.raises(ValueError, match="max_chars"):
        sentences(text, [Span(0, len(text))], max_chars=0)


def test_sample_article() -> None:
    (path,) = SEEDS.glob("000_*.txt")
    raw = path.read_text(encoding="utf-8")
    found = split(raw)
    assert (
        "Despite local militias’ warnings, a Pentagon official told The Washington Newsday that US forces "
        "will remain in Iraq after combat operations cease on December 31." in found
    )
    # "U.S.-Iraq" and "U.S. soldiers" stay inside their sentence.
    assert any(
        s.startswith("“The United States will honor") and s.endswith("McNulty told The Washington Newsday.")
        for s in found
    )
    assert "This is a condensed version of the information." in found


def test_bad_body_spans_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        sentences("short", [Span(0, 10)])
    with pytest.raises(ValueError, match="overlap"):
        sentences("some text here", [Span(0, 8), Span(4, 12)])


# --- properties -------------------------------------------------------------------------

PIECES = [
    "word",
    "Word",
    "U.S.",
    "Dec.",
    "Mr.",
    "No. 5",
    "e.g.",
    "3.5",
    ".",
    "!",
    "?",
    "…",
    "...",
    "“",
    "”",
    '"',
    "'",
    "’",
    ")",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "\xa0",
    "é",
    "中文",
]


@st.composite
def texts_and_bodies(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=80)))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    bounds = [0, *cuts, len(text)]
    # Every other interval between cuts is body.
    body = [Span(s, e) for k, (s, e) in enumerate(itertools.pairwise(bounds)) if k % 2 == 0 and e > s]
    return text, body


@settings(max_examples=150, deadline=None)
@given(texts_and_bodies(), st.integers(5, 60))
def test_sentences_lie_in_the_body_sorted_disjoint_trimmed(case: tuple[str, list[Span]], max_chars: int) -> None:
    text, body = case
    found = sentences(text, body, max_chars=max_chars)
    for s in found:
        assert any(b.contains(s) for b in body)
        piece = text[s.start : s.end]
        assert piece == piece.strip() and piece
        assert WORD_CHAR.search(piece)
    assert all(x.end <= y.start for x, y in itertools.pairwise(found))
    # No word character of the body is lost.
    for b in body:
        for k in range(b.start, b.end):
            if WORD_CHAR.match(text[k]):
                assert any(s.start <= k < s.end for s in found), (text, k)
