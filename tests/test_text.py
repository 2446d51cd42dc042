"""Text normalisation: NFKC + case folding + punctuation/whitespace-insensitive words,
and tokens whose raw offsets map back into the text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.text import _normalized_view, code_points, content_hash, normalize, normalized_code_points, tokens, words

SEEDS = sorted((Path(__file__).resolve().parents[1] / "examples" / "seeds").glob("*.txt"))
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]

# A broad alphabet: Latin with special case folds, compatibility forms (full-width,
# ligatures, half-width kana, super/subscripts), Greek (final sigma, iota subscript),
# Cyrillic, CJK, Hangul jamo, Arabic and Hebrew (RTL, with vowel marks), Devanagari,
# combining marks, exotic spaces and invisible format characters, punctuation, digits
# of several scripts and emoji (with skin-tone modifier and ZWJ).
TRICKY = list(
    "aZzéÉßẞİıſﬁﬂﬀＡｚ０９①²½™ǅ"
    "ΑαΣσςΐᾳ\u0345ДдЁёЖж"
    "中国語日本ｶﾞﾟカ한글\u1100\u1161\u11a8"
    "مرحبا\u064e\u0650שָׁלוֹם\u05b8"
    "हि\u094dन\u1025\u102e\u0b92\u0bd7"
    "\u0301\u0308\u0323\u0307\u0327"
    "\u00a0\u2009\u202f\u3000\u200b\u200c\u200d\u00ad\u200f\u2028\t\n\r "
    ".,;:!?'\"“”‘’–—-_/()[]&%#@"
    "0123456789١٢٣"
    "😀👍🏽"
)
BROAD = st.text(st.one_of(st.sampled_from(TRICKY), st.characters()), max_size=40)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- exact normalisation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("U.S.  Forces’ – ‘Remain’", "u s forces remain"),
        ("ＵＳ　Ｆｏｒｃｅｓ，ＲＥＭＡＩＮ！", "us forces remain"),  # full-width letters, space, punctuation
        ("２０２１年１１月", "2021年11月"),  # full-width digits next to CJK
        ("ﬁnancial ﬂows", "financial flows"),  # ligatures
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("ẞ", "ss"),
        ("Οδυσσεύς", "οδυσσεύσ"),  # final sigma folds to sigma
        ("ОДНАЖДЫ в Москве", "однажды в москве"),
        ("  \t\n ", ""),
        ("—“!?”—", ""),
        ("snake_case-word", "snake case word"),  # underscores separate words
        ("a\u00a0b\u2009c\u3000d\u202fe", "a b c d e"),  # NBSP, thin, ideographic, narrow NBSP
        ("① ² ½", "1 2 1 2"),
        ("ǅemal", "džemal"),
        ("ｶﾞｿﾘﾝ", "ガソリン"),  # half-width kana and voiced mark compose
        ("الولايات المتحدة", "الولايات المتحدة"),
        ("Biden's 42-day plan, 12/31/2021.", "biden s 42 day plan 12 31 2021"),
    ],
)
def test_normalize_exact(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_combining_accents_and_precomposed_give_same_words() -> None:
    precomposed = "Café Noël à Zürich, São Paulo, Dvořák"
    decomposed = unicodedata.normalize("NFD", precomposed)
    assert decomposed != precomposed
    assert words(decomposed) == words(precomposed) == ["café", "noël", "à", "zürich", "são", "paulo", "dvořák"]
    assert content_hash(decomposed) == content_hash(precomposed)


def test_full_width_equals_ascii() -> None:
    assert normalize("ＨＥＬＬＯ ｗｏｒｌｄ １２３") == normalize("hello WORLD 123") == "hello world 123"


def test_content_hash_ignores_case_punctuation_spacing_and_form() -> None:
    a = "“US Forces Will Remain in Iraq,” the Pentagon says."
    b = "us forces will remain in iraq   the PENTAGON says"
    c = unicodedata.normalize("NFKD", a.upper())
    assert content_hash(a) == content_hash(b) == content_hash(c)
    assert content_hash(a) != content_hash("US Forces Will Leave Iraq, the Pentagon says.")


@given(BROAD)
@PROPERTY
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert words(once) == words(text)


@given(
    st.text(
        st.one_of(
            st.characters(codec="latin-1"),
            st.sampled_from("ΑαΣσςάέήίόύώΪΫДдЁёЙйŁłŐőŞşȘșĞğ"),
            st.sampled_from("\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0323\u0327\u0328 "),
        ),
        max_size=40,
    )
)
@PROPERTY
def test_unicode_forms_give_same_words(text: str) -> None:
    # Latin, Greek and Cyrillic with combining accents: NFC, NFD, NFKC and NFKD agree.
    expected = words(text)
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert words(unicodedata.normalize(form, text)) == expected


@given(BROAD)
@PROPERTY
def test_normalize_is_case_and_whitespace_insensitive(text: str) -> None:
    n = normalize(text)
    assert n == n.strip()
    assert "  " not in n
    assert normalize(text.upper()) == normalize(n.upper())
    assert normalize(" \u00a0".join(text.split())) == normalize(text.replace("\u00a0", " "))


# --- scripts with marks, compositions and invisible characters ---------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("हिन्दी समाचार", ["हिन्दी", "समाचार"]),  # Devanagari vowel signs and virama
        ("தமிழ்", ["தமிழ்"]),  # Tamil
        ("สวัสดี", ["สวัสดี"]),  # Thai
        ("كَتَبَ", ["كتب"]),  # Arabic with harakat should match the unvocalised word, not split it
        ("Bundes\u00adregierung", ["bundesregierung"]),  # soft hyphen (&shy;) is invisible
        ("İstanbul", ["i̇stanbul"]),  # capital dotted I folds to i + U+0307
    ],
)
def test_marks_inside_words_do_not_split_them(raw: str, expected: list[str]) -> None:
    assert len(words(raw)) == len(expected)


@pytest.mark.parametrize(
    "raw",
    [
        "\u1025\u102e",  # Myanmar U+1025 + U+102E, NFC: U+1026
        "\u0b92\u0bd7",  # Tamil U+0B92 + U+0BD7, NFC: U+0B94
        "\u30abﾞ",  # full-width KA + half-width voiced mark, NFKC: ガ
    ],
)
def test_words_agree_with_nfkc_of_whole_text(raw: str) -> None:
    assert words(raw) == words(unicodedata.normalize("NFKC", raw))


# --- tokens and raw offsets ------------------------------------------------------------


def test_tokens_exact_offsets() -> None:
    text = "U.S.  Forces’ – ‘Remain’"
    t = tokens(text)
    assert t.words == ["u", "s", "forces", "remain"]
    assert t.starts.tolist() == [0, 2, 6, 17]
    assert t.ends.tolist() == [1, 3, 12, 23]
    assert [text[a:b] for a, b in zip(t.starts.tolist(), t.ends.tolist(), strict=True)] == [
        "U",
        "S",
        "Forces",
        "Remain",
    ]
    assert t.starts.dtype == np.int64 and t.ends.dtype == np.int64
    assert len(t) == 4


def test_tokens_offsets_with_special_characters() -> None:
    text = "Die ﬁnale Straße, cafe\u0301!"
    t = tokens(text)
    assert t.words == ["die", "finale", "strasse", "café"]
    assert [text[a:b] for a, b in zip(t.starts.tolist(), t.ends.tolist(), strict=True)] == [
        "Die",
        "ﬁnale",
        "Straße",
        "cafe\u0301",
    ]


def test_tokens_of_empty_text() -> None:
    for text in ("", "   ", "—!?"):
        t = tokens(text, offset=7)
        assert t.words == [] and len(t) == 0
        assert t.starts.shape == (0,) and t.ends.shape == (0,)


@given(BROAD)
@PROPERTY
def test_tokens_words_equal_words(text: str) -> None:
    assert tokens(text).words == words(text)


@given(BROAD)
@PROPERTY
def test_token_spans_map_back_into_text(text: str) -> None:
    t = tokens(text)
    starts, ends = t.starts.tolist(), t.ends.tolist()
    for word, start, end in zip(t.words, starts, ends, strict=True):
        assert 0 <= start < end <= len(text)
        assert word in words(text[start:end])
        assert word in normalize(text[start:end])
    assert starts == sorted(starts)
    assert ends == sorted(ends)


# Characters NFKC and case folding leave alone one for one, so every word has its own span.
PLAIN = st.text(
    st.one_of(
        st.sampled_from("abcXYZ éü ДжΣς中国 مرحبا 0123 .,;:!?'\"“”‘’–—-_\n\t\u00a0"),
        st.characters(codec="ascii"),
    ),
    max_size=60,
)


@given(PLAIN)
@PROPERTY
def test_token_spans_are_increasing_and_disjoint(text: str) -> None:
    t = tokens(text)
    starts, ends = t.starts, t.ends
    assert np.all(starts < ends)
    assert np.all(ends[:-1] <= starts[1:])
    for word, start, end in zip(t.words, starts.tolist(), ends.tolist(), strict=True):
        assert words(text[start:end]) == [word]


@pytest.mark.parametrize("text", ["ＡＢ　ＣＤ", "１２．５％", "ＮＨＫ，ＢＢＣ"])
def test_full_width_words_have_disjoint_spans(text: str) -> None:
    t = tokens(text)
    assert len(t) == 2
    assert t.ends[0] <= t.starts[1]


@given(BROAD, st.integers(0, 10**9))
@PROPERTY
def test_tokens_offset_shifts(text: str, offset: int) -> None:
    base, shifted = tokens(text), tokens(text, offset=offset)
    assert shifted.words == base.words
    assert np.array_equal(shifted.starts, base.starts + offset)
    assert np.array_equal(shifted.ends, base.ends + offset)


def test_tokens_on_seed_articles() -> None:
    for text in SEED_TEXTS:
        t = tokens(text)
        assert t.words == words(text)
        assert len(t) > 300
        assert np.all(t.ends[:-1] <= t.starts[1:])
        # Every span is exactly one word, and concatenating the spans' words gives all words.
        spans = [words(text[a:b]) for a, b in zip(t.starts.tolist(), t.ends.tolist(), strict=True)]
        assert spans == [[w] for w in t.words]


@given(st.sampled_from(range(len(SEED_TEXTS))), st.data())
@PROPERTY
def test_raw_slice_between_tokens_has_those_words(index: int, data: st.DataObject) -> None:
    text = SEED_TEXTS[index]
    t = tokens(text)
    i = data.draw(st.integers(0, len(t) - 1))
    j = data.draw(st.integers(i + 1, min(len(t), i + 200)))
    piece = text[int(t.starts[i]) : int(t.ends[j - 1])]
    assert words(piece) == t.words[i:j]
    sub = tokens(piece, offset=int(t.starts[i]))
    assert np.array_equal(sub.starts, t.starts[i:j])
    assert np.array_equal(sub.ends, t.ends[i:j])


@given(st.lists(st.text(max_size=60), max_size=6))
@PROPERTY
def test_joined_texts_normalise_as_each_alone(texts: list[str]) -> None:
    """A batch normalised as one string: each text's code points are those of its own
    normalised view, found at the mapped start."""
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]).astype(np.int64) if texts else np.zeros(0, np.int64)
    points, mapped = normalized_code_points("\n".join(texts), starts)
    ends = [*mapped[1:].tolist(), len(points) + 1][: len(texts)]
    for text, start, end in zip(texts, mapped.tolist(), ends, strict=True):
        alone = code_points(_normalized_view(text)[0])
        assert points[start : end - 1].tolist() == alone.tolist()
