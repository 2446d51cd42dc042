"""Lexical alignment: exact expectations on the sample articles, properties on generated pairs."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.align import AlignConfig, align_lexical, coverage
from retold.model import Passage, Span
from retold.text import normalize, tokens

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"
PRETEXT = "not to withdraw from the country under the pretext that there was a request from Baghdad"
CONFIG = AlignConfig()


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def whole(text: str) -> list[Span]:
    return [Span(0, len(text))]


def align(a: str, b: str, config: AlignConfig = CONFIG) -> list[Passage]:
    return align_lexical(a, whole(a), b, whole(b), config)


def word_span(text: str, offset: int = 0) -> Span:
    """From the first word's start to the last word's end, as alignment reports it."""
    found = tokens(text, offset)
    return Span(int(found.starts[0]), int(found.ends[-1]))


def n_words(text: str) -> int:
    return len(tokens(text))


# 001 is the Newsweek article inside a blog page: paragraphs 2-18 (split on blank
# lines) are the article, 0-1 the blog's headline and photo caption, 19- its comment form.
RAW_001 = seed("001")
PARAGRAPHS = RAW_001.split("\n\n")
HEADER = "\n\n".join(PARAGRAPHS[:2]) + "\n\n"
ARTICLE = "\n\n".join(PARAGRAPHS[2:19])
FOOTER = "\n\n" + "\n\n".join(PARAGRAPHS[19:])
assert HEADER + ARTICLE + FOOTER == RAW_001


# --- constructed cases from the real paragraphs of 001 -------------------------------


def test_exact_copy_is_one_verbatim_passage_over_the_whole_body() -> None:
    passages = align(RAW_001, RAW_001)
    assert passages == [Passage(word_span(RAW_001), word_span(RAW_001), "verbatim", 1.0)]
    assert coverage(passages, whole(RAW_001), "a") > 0.99
    assert coverage(passages, whole(RAW_001), "b") > 0.99


def test_copy_with_boilerplate_and_other_whitespace_covers_exactly_the_article() -> None:
    respaced = ARTICLE.replace("\n\n", " ").replace("\xa0", " ").replace(", ", ",  ")
    page = HEADER + respaced + FOOTER
    passages = align(ARTICLE, page)
    assert passages == [Passage(word_span(ARTICLE), word_span(respaced, offset=len(HEADER)), "verbatim", 1.0)]
    # The same with the page's boilerplate left out of its body, as cleaning would.
    body = [Span(len(HEADER), len(HEADER) + len(respaced))]
    assert align_lexical(ARTICLE, whole(ARTICLE), page, body) == passages
    assert coverage(passages, body, "b") > 0.99
    assert coverage(passages, whole(page), "b") < 0.8


def test_boilerplate_outside_the_body_is_never_aligned() -> None:
    # Both pages carry the same comment form; only the article is body.
    body = [Span(len(HEADER), len(HEADER) + len(ARTICLE))]
    passages = align_lexical(RAW_001, body, RAW_001, body)
    assert passages == [Passage(word_span(ARTICLE, len(HEADER)), word_span(ARTICLE, len(HEADER)), "verbatim", 1.0)]
    # With every byte as body the shared comment form is aligned too.
    assert align(RAW_001, RAW_001)[0].a_span.end > body[0].end


def test_body_in_pieces_with_inline_boilerplate_in_between() -> None:
    # Paragraph 9 ends in an inline prompt; leave it out of one side's body.
    prompt = "NEWSWEEK SUBSCRIPTION OFFERS >"
    cut = RAW_001.index(prompt)
    start, end = len(HEADER), len(HEADER) + len(ARTICLE)
    body = [Span(start, cut), Span(cut + len(prompt), end)]
    clean = ARTICLE.replace(prompt, "")
    passages = align_lexical(RAW_001, body, clean, whole(clean))
    assert [p.kind for p in passages] == ["verbatim"]
    assert passages[0].b_span == word_span(clean)
    # The passage runs across the prompt in 001, but coverage counts body characters only.
    assert coverage(passages, body, "a") > 0.99


def test_deleted_paragraph_and_replaced_words_give_passages_around_the_edits() -> None:
    deleted = PARAGRAPHS[11]  # Defense Secretary Lloyd Austin ... (56 words)
    assert deleted.startswith("Defense Secretary")
    edited = ARTICLE.replace("\n\n" + deleted, "")
    edited = edited.replace("were sticking to their deal", "were keeping their agreement")
    edited = edited.replace("offered little insight", "offered scant insight")
    passages = align(ARTICLE, edited)

    before = ARTICLE[: ARTICLE.index(deleted)]
    after_a = ARTICLE.index(PARAGRAPHS[12])
    after_b = edited.index(PARAGRAPHS[12])
    assert [(p.a_span, p.b_span, p.kind) for p in passages] == [
        (word_span(before), word_span(before), "verbatim"),
        (word_span(ARTICLE[after_a:], after_a), word_span(edited[after_b:], after_b), "edited"),
    ]
    # 5 of the ~200 words after the deletion differ.
    assert 0.95 < passages[1].score < 1.0
    assert passages[0].score == 1.0


def test_a_repeated_paragraph_is_aligned_once() -> None:
    paragraph = PARAGRAPHS[7]  # "We affirm that the weapons ..." (58 words)
    twice = paragraph + "\n\n" + paragraph
    once = align(twice, paragraph)
    assert once == [Passage(word_span(paragraph), word_span(paragraph), "verbatim", 1.0)]
    # The same from the other side: passages overlap in neither document.
    assert [p.kind for p in align(paragraph, twice)] == ["verbatim"]


def test_exact_copy_with_a_long_refrain_stays_one_passage() -> None:
    # A 31-word refrain after every paragraph: its n-grams are too frequent to seed
    # (16 > max_seed_df) and the refrain is far longer than max_gap, yet the copy is exact.
    refrain = (
        "Follow us on Facebook and Twitter for more news from the region every day of the week, "
        "and subscribe to our newsletter to receive the best of our reporting in your inbox"
    )
    page = f"\n\n{refrain}\n\n".join(PARAGRAPHS[2:19])
    passages = align(page, page.replace("\n\n", "\n"))
    assert [(p.kind, p.a_span) for p in passages] == [("verbatim", word_span(page))]


# --- the sample articles --------------------------------------------------------------


def test_spun_rewrite_gives_a_few_short_passages_not_the_article() -> None:
    raw_000 = seed("000")
    passages = align(raw_000, RAW_001)
    assert 1 <= len(passages) <= 6
    assert coverage(passages, whole(raw_000), "a") < 0.5
    assert coverage(passages, whole(RAW_001), "b") < 0.3
    for p in passages:
        assert n_words(raw_000[p.a_span.start : p.a_span.end]) <= 60
        assert n_words(RAW_001[p.b_span.start : p.b_span.end]) <= 60
    # 000 repeats the 'pretext' quotation; it is aligned once, at the occurrence whose
    # surroundings ("the commission said the Iraqi government has yet to deny") match.
    holding = [p for p in passages if PRETEXT in raw_000[p.a_span.start : p.a_span.end]]
    assert len(holding) == 1
    assert holding[0].a_span.start > raw_000.index(PRETEXT)
    assert PRETEXT in RAW_001[holding[0].b_span.start : holding[0].b_span.end]


def test_shared_statement_of_000_and_002_is_a_verbatim_passage() -> None:
    raw_000, raw_002 = seed("000"), seed("002")
    passages = align(raw_000, raw_002)
    statement = re.compile(r"We affirm that the weapons of the honorable resistance.*?December 31, 2021")
    in_a, in_b = statement.search(raw_000), statement.search(raw_002)
    assert in_a is not None and in_b is not None
    assert raw_000.find(in_a.group()) >= 0 and raw_002.find(in_b.group()) >= 0
    found = [
        p
        for p in passages
        if p.a_span.start <= in_a.start() and in_a.end() <= p.a_span.end
        if p.b_span.start <= in_b.start() and in_b.end() <= p.b_span.end
    ]
    assert len(found) == 1 and found[0].kind == "verbatim"
    # Also shared, in other words around it: the '42 days' line and the 'pretext' quotation.
    assert any("42 days separate us" in raw_000[p.a_span.start : p.a_span.end] for p in passages)
    assert any(PRETEXT in raw_000[p.a_span.start : p.a_span.end] for p in passages)


@pytest.mark.parametrize("pair", [("003", "004"), ("000", "003"), ("001", "004"), ("002", "003")])
def test_independent_reports_share_no_passage(pair: tuple[str, str]) -> None:
    assert align(seed(pair[0]), seed(pair[1])) == []


def test_output_is_sorted_non_overlapping_and_deterministic() -> None:
    raw_000 = seed("000")
    first = align(raw_000, RAW_001)
    assert first == align(raw_000, RAW_001)
    assert first == sorted(first, key=lambda p: p.a_span.start)
    for side in ("a_span", "b_span"):
        spans = sorted(getattr(p, side) for p in first)
        assert all(x.end <= y.start for x, y in itertools.pairwise(spans))


@pytest.mark.parametrize("pair", [("000", "001"), ("000", "002"), ("001", "002")])
def test_swapping_the_documents_mirrors_the_passages(pair: tuple[str, str]) -> None:
    a, b = seed(pair[0]), seed(pair[1])
    forward = {(p.a_span, p.b_span, p.kind, p.score) for p in align(a, b)}
    backward = {(p.b_span, p.a_span, p.kind, p.score) for p in align(b, a)}
    assert forward == backward


# --- edge cases and validation --------------------------------------------------------


def test_empty_and_short_texts() -> None:
    assert align("", "") == []
    assert align("one two three", "one two three") == []
    assert align_lexical(RAW_001, [], RAW_001, whole(RAW_001)) == []
    assert coverage([], [], "a") == 0.0


def test_coverage_counts_body_characters_once() -> None:
    passages = [
        Passage(Span(0, 10), Span(50, 60), "verbatim", 1.0),
        Passage(Span(5, 20), Span(0, 5), "edited", 0.5),
    ]
    body = [Span(0, 10), Span(15, 40)]
    assert coverage(passages, body, "a") == pytest.approx((10 + 5) / 35)
    assert coverage(passages, [Span(0, 100)], "b") == pytest.approx(15 / 100)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed_ngram": 0}, "seed_ngram"),
        ({"max_gap": -1}, "max_gap"),
        ({"seed_ngram": 5, "min_words": 4}, "min_words"),
        ({"max_seed_df": 0}, "max_seed_df"),
        ({"gap_per_word": -0.5}, "gap_per_word"),
        ({"gap_per_word": float("nan")}, "gap_per_word"),
    ],
)
def test_config_is_validated(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AlignConfig(**kwargs)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="side"):
        coverage([], [], "c")
    with pytest.raises(ValueError, match="outside"):
        align_lexical("short", [Span(0, 50)], "short", whole("short"))
    with pytest.raises(ValueError, match="overlap"):
        align_lexical(RAW_001, [Span(0, 100), Span(50, 200)], RAW_001, whole(RAW_001))


def test_body_spans_are_read_in_text_order() -> None:
    middle = RAW_001.index(PARAGRAPHS[10])
    body = [Span(middle, len(RAW_001)), Span(0, middle)]
    assert align_lexical(RAW_001, body, RAW_001, whole(RAW_001)) == align(RAW_001, RAW_001)


# --- properties on generated pairs ----------------------------------------------------

# Words of the samples, split into three disjoint vocabularies: words only side a's
# filler uses, words only side b's filler uses, and words of the shared segments. With
# disjoint vocabularies the true passages are unambiguous.
VOCABULARY = sorted({w for p in SEEDS.glob("*.txt") for w in tokens(p.read_text(encoding="utf-8")).words})
ONLY_A, ONLY_B, SHARED = VOCABULARY[0::3], VOCABULARY[1::3], VOCABULARY[2::3]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", ", ", ". ", " — ", " (", ") ", "“", "” "]


def render(words: list[str], rng: random.Random) -> tuple[str, list[Span]]:
    """Raw text of ``words`` with random case and punctuation, and each word's span."""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for word in words:
        sep = rng.choice(SEPARATORS) if parts else rng.choice(["", "  ", "\n"])
        form = word.upper() if rng.random() < 0.1 else word.title() if rng.random() < 0.2 else word
        parts += [sep, form]
        pos += len(sep)
        spans.append(Span(pos, pos + len(form)))
        pos += len(form)
    parts.append(rng.choice(["", ".", "\n"]))
    return "".join(parts), spans


def check_invariants(a: str, b: str, passages: list[Passage]) -> None:
    for p in passages:
        for span, raw in ((p.a_span, a), (p.b_span, b)):
            assert 0 <= span.start < span.end <= len(raw)
        assert 0.0 < p.score <= 1.0
        if p.kind == "verbatim":
            assert p.score == 1.0
            assert normalize(a[p.a_span.start : p.a_span.end]) == normalize(b[p.b_span.start : p.b_span.end])
        else:
            assert normalize(a[p.a_span.start : p.a_span.end]) != normalize(b[p.b_span.start : p.b_span.end])
    assert passages == sorted(passages, key=lambda p: (p.a_span.start, p.b_span.start))
    for side in ("a_span", "b_span"):
        spans = sorted(getattr(p, side) for p in passages)
        assert all(x.end <= y.start for x, y in itertools.pairwise(spans))


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(
    rng_seed=st.integers(0, 2**32 - 1),
    segments=st.lists(st.integers(2 * CONFIG.min_words, 80), min_size=1, max_size=3),
    fillers=st.lists(st.integers(CONFIG.max_gap + 1, 120), min_size=8, max_size=8),
    shuffle=st.booleans(),
)
def test_inserted_shared_segments_are_found_with_exact_boundaries(
    rng_seed: int, segments: list[int], fillers: list[int], shuffle: bool
) -> None:
    rng = random.Random(rng_seed)
    shared = [rng.choices(SHARED, k=n) for n in segments]
    order_b = list(range(len(shared)))
    if shuffle:
        rng.shuffle(order_b)  # segments may appear in another order in b

    def splice(vocab: list[str], order: list[int], filler_lengths: list[int]) -> tuple[list[str], list[int]]:
        words: list[str] = []
        where = [0] * len(shared)
        for k, seg in enumerate(order):
            words += rng.choices(vocab, k=filler_lengths[k])
            where[seg] = len(words)
            words += shared[seg]
        words += rng.choices(vocab, k=filler_lengths[-1])
        return words, where

    words_a, at_a = splice(ONLY_A, list(range(len(shared))), fillers[:4])
    words_b, at_b = splice(ONLY_B, order_b, fillers[4:])
    a, spans_a = render(words_a, rng)
    b, spans_b = render(words_b, rng)
    passages = align(a, b)
    check_invariants(a, b, passages)
    assert len(passages) == len(shared)
    for k, seg in enumerate(shared):
        (found,) = [p for p in passages if p.a_span.start < spans_a[at_a[k]].end <= p.a_span.end]
        assert found.kind == "verbatim"
        # Boundaries within one word of the truth (with disjoint filler, exactly on it).
        for got, first, spans in ((found.a_span, at_a[k], spans_a), (found.b_span, at_b[k], spans_b)):
            starts, ends = [s.start for s in spans], [s.end for s in spans]
            assert got.start in starts and got.end in ends
            assert abs(starts.index(got.start) - first) <= 1
            assert abs(ends.index(got.end) - (first + len(seg) - 1)) <= 1


@PROPERTY_SETTINGS
@given(
    rng_seed=st.integers(0, 2**32 - 1),
    vocabulary_size=st.integers(2, 60),
    pieces=st.lists(
        st.tuples(st.sampled_from(["a", "b", "both", "edited"]), st.integers(1, 40)), min_size=1, max_size=12
    ),
)
def test_invariants_hold_on_repetitive_text_with_chance_matches(
    rng_seed: int, vocabulary_size: int, pieces: list[tuple[str, int]]
) -> None:
    # A small shared vocabulary: chance matches, repeats and crossing copies everywhere.
    rng = random.Random(rng_seed)
    vocab = SHARED[:vocabulary_size]
    words_a: list[str] = []
    words_b: list[str] = []
    for where, length in pieces:
        piece = rng.choices(vocab, k=length)
        if where in ("a", "both", "edited"):
            words_a += piece
        if where in ("b", "both"):
            words_b += piece
        if where == "edited":
            words_b += [rng.choice(vocab) if rng.random() < 0.1 else w for w in piece]
    a, _ = render(words_a, rng)
    b, _ = render(words_b, rng)
    passages = align(a, b)
    check_invariants(a, b, passages)
    assert passages == align(a, b)
