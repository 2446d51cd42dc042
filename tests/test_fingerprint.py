"""Fingerprints: word hashes, shingles, one-permutation MinHash, anchors, exact Jaccard."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.config import DedupConfig
from retold.fingerprint import (
    ANCHOR_RATE,
    EMPTY_BIN,
    ShingleBatch,
    anchors,
    content_words,
    estimate_jaccard,
    fingerprint,
    is_empty,
    jaccard_and_containment,
    minhash,
    shared_share,
    shingles,
    word_hashes,
)
from retold.text import ENGLISH_STOPWORDS, tokens, words

SEEDS = sorted((Path(__file__).resolve().parents[1] / "examples" / "seeds").glob("*.txt"))
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]
PARAGRAPHS = [p for text in SEED_TEXTS for p in re.split(r"\n\s*\n", text) if len(p.split()) >= 40]
VOCABULARY = sorted({w for text in SEED_TEXTS for w in text.split()})
CONFIG = DedupConfig()

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL_WORDS = st.sampled_from(
    [
        *["the", "The", "THE", "pentagon", "Pentagon,", "iraq", "Iraq.", "forces", "ﬁnal", "final", "Straße"],
        *["strasse", "café", "cafe\u0301", "ＵＳ", "us", "42", "中国", "москва", "Москва", "—", "!", "", "a_b"],
    ]
)
TEXT = st.lists(SMALL_WORDS, max_size=25).map(" ".join) | st.text(max_size=40)
TEXTS = st.lists(TEXT, max_size=6)


def _by_text(offsets: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    return [values[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]


# --- word hashes -----------------------------------------------------------------------


def test_word_hashes_of_equal_words_are_equal_across_texts() -> None:
    texts = ["Forces remain in Iraq", "IRAQ: the forces’ pullback", "", "—", "iraq"]
    hashes, offsets = word_hashes(texts, seed=1)
    assert offsets.tolist() == [0, 4, 8, 8, 8, 9]
    per_text = _by_text(offsets, hashes)
    assert hashes.dtype == np.uint64
    iraq = per_text[0][3]
    assert per_text[1][0] == iraq and per_text[4][0] == iraq
    assert per_text[0][0] == per_text[1][2]  # forces
    assert len(set(per_text[0].tolist())) == 4


def test_word_hashes_of_empty_batch() -> None:
    hashes, offsets = word_hashes([], seed=1)
    assert len(hashes) == 0
    assert offsets.tolist() == [0]


def test_word_hashes_depend_on_seed() -> None:
    a, _ = word_hashes(["forces remain in iraq"], seed=1)
    b, _ = word_hashes(["forces remain in iraq"], seed=2)
    assert not np.any(a == b)


@given(TEXTS, st.integers(0, 2**32))
@PROPERTY
def test_word_hashes_consistent_and_batch_independent(texts: list[str], seed: int) -> None:
    hashes, offsets = word_hashes(texts, seed)
    assert len(offsets) == len(texts) + 1
    seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        mine = hashes[offsets[i] : offsets[i + 1]]
        alone, alone_offsets = word_hashes([text], seed)
        assert alone_offsets.tolist() == [0, len(alone)]
        assert np.array_equal(mine, alone)
        text_words = words(text)
        assert len(mine) == len(text_words)
        for word, value in zip(text_words, mine.tolist(), strict=True):
            assert seen.setdefault(word, value) == value
    # distinct words, distinct hashes
    assert len(set(seen.values())) == len(seen)


# --- shingles --------------------------------------------------------------------------


@given(TEXTS, st.integers(1, 8))
@PROPERTY
def test_shingle_counts_and_batch_independence(texts: list[str], ngram: int) -> None:
    batch = shingles(texts, ngram, seed=1)
    assert batch.hashes.dtype == np.uint64
    assert len(batch.offsets) == len(texts) + 1
    for i, text in enumerate(texts):
        n = len(words(text))
        expected = max(n - ngram + 1, 1 if n else 0)
        assert len(batch.of(i)) == expected
        alone = shingles([text], ngram, seed=1)
        assert np.array_equal(batch.of(i), alone.hashes)
    assert batch.doc_index().tolist() == [i for i in range(len(texts)) for _ in range(len(batch.of(i)))]


def test_shingles_exact_structure() -> None:
    batch = shingles(["a b c d e f g", "a b c", "", "b c d e f"], ngram=5, seed=1)
    assert batch.offsets.tolist() == [0, 3, 4, 4, 5]
    first, short, _, last = (batch.of(i) for i in range(4))
    # "b c d e f" is the second 5-gram of "a b c d e f g"
    assert last[0] == first[1]
    # a text shorter than ngram has one shingle of all its words, not a prefix of a longer one
    assert short[0] not in set(first.tolist())
    assert len(set(first.tolist())) == 3


def test_shingles_ignore_case_punctuation_and_unicode_form() -> None:
    a = shingles(["“US Forces Will Remain in Iraq,” Pentagon says — ﬁnal"], 3, seed=1)
    b = shingles(["us forces will remain in iraq pentagon says final"], 3, seed=1)
    assert np.array_equal(a.hashes, b.hashes)


# --- MinHash ---------------------------------------------------------------------------


def test_signature_shape_and_determinism() -> None:
    first = fingerprint(SEED_TEXTS, CONFIG)
    again = fingerprint(list(SEED_TEXTS), DedupConfig())
    assert first.signatures.shape == (len(SEED_TEXTS), 128)
    assert first.signatures.dtype == np.uint32
    assert np.array_equal(first.signatures, again.signatures)
    assert all(np.array_equal(a, b) for a, b in zip(first.anchors, again.anchors, strict=True))
    assert first.content_hashes == again.content_hashes
    # a text's signature does not depend on its batch
    alone = fingerprint([SEED_TEXTS[2]], CONFIG)
    assert np.array_equal(alone.signatures[0], first.signatures[2])
    assert np.array_equal(alone.anchors[0], first.anchors[2])
    # no bin of a non-empty text is left empty after densification
    assert not np.any(first.signatures == EMPTY_BIN)


def test_different_seed_gives_different_signatures() -> None:
    one = fingerprint(SEED_TEXTS, DedupConfig(seed=1)).signatures
    two = fingerprint(SEED_TEXTS, DedupConfig(seed=2)).signatures
    assert np.mean(one == two) < 0.05


def test_num_perm_sets_signature_width() -> None:
    config = DedupConfig(num_perm=64)
    fp = fingerprint(SEED_TEXTS[:2], config)
    assert fp.signatures.shape == (2, 64)


def test_identical_texts_estimate_one() -> None:
    text = SEED_TEXTS[0]
    variant = text.upper().replace(",", " ").replace("\n", "  ")
    fp = fingerprint([text, variant, text], CONFIG)
    assert estimate_jaccard(fp.signatures[0], fp.signatures[1]) == 1.0
    assert estimate_jaccard(fp.signatures[0], fp.signatures[2]) == 1.0
    assert fp.content_hashes[0] == fp.content_hashes[1] == fp.content_hashes[2]
    assert jaccard_and_containment(fp.shingles.of(0), fp.shingles.of(1)) == (1.0, 1.0, 1.0)


def test_different_articles_estimate_near_zero() -> None:
    # Seeds 000-002 retell one story; 003 and 004 are about other things.
    fp = fingerprint(SEED_TEXTS, CONFIG)
    for i in range(len(SEED_TEXTS)):
        for j in range(i + 1, len(SEED_TEXTS)):
            exact, _, _ = jaccard_and_containment(fp.shingles.of(i), fp.shingles.of(j))
            estimate = estimate_jaccard(fp.signatures[i], fp.signatures[j])
            assert abs(estimate - exact) <= 5 * np.sqrt(exact * (1 - exact) / 128) + 1 / 128
            if i >= 3 or j >= 3:
                assert exact < 0.01 and estimate <= 1 / 64
    assert len(set(fp.content_hashes)) == len(SEED_TEXTS)


def test_disjoint_texts_estimate_zero() -> None:
    text = SEED_TEXTS[4]
    disjoint = " ".join(w + "zz" for w in text.split())
    fp = fingerprint([text, disjoint], CONFIG)
    assert jaccard_and_containment(fp.shingles.of(0), fp.shingles.of(1)) == (0.0, 0.0, 0.0)
    assert estimate_jaccard(fp.signatures[0], fp.signatures[1]) == 0.0
    assert len(np.intersect1d(fp.anchors[0], fp.anchors[1])) == 0


def test_empty_texts() -> None:
    fp = fingerprint(["", SEED_TEXTS[0], "  — !? —  ", "one"], CONFIG)
    assert is_empty(fp.signatures).tolist() == [True, False, True, False]
    assert np.all(fp.signatures[0] == EMPTY_BIN)
    assert np.all(fp.signatures[2] == EMPTY_BIN)
    assert not np.any(fp.signatures[3] == EMPTY_BIN)  # one shingle fills every bin by densification
    assert len(fp.anchors[0]) == 0 and len(fp.anchors[2]) == 0
    assert fp.content_hashes[0] == fp.content_hashes[2]
    assert jaccard_and_containment(fp.shingles.of(0), fp.shingles.of(1)) == (0.0, 0.0, 0.0)
    empty_batch = minhash(ShingleBatch(np.zeros(0, np.uint64), np.zeros(1, np.int64)), CONFIG)
    assert empty_batch.shape == (0, 128)


def _edit(words_: list[str], edits: int, rng: random.Random) -> list[str]:
    out = list(words_)
    for _ in range(edits):
        op, position = rng.random(), rng.randrange(len(out))
        if op < 0.4:
            out[position] = rng.choice(VOCABULARY)
        elif op < 0.7 and len(out) > 1:
            del out[position]
        else:
            out.insert(position, rng.choice(VOCABULARY))
    return out


def _edited_pairs(count: int, rng: random.Random) -> list[tuple[str, str]]:
    pairs = []
    for _ in range(count):
        start = rng.randrange(len(PARAGRAPHS))
        base = " ".join(PARAGRAPHS[start : start + rng.randint(1, 3)]).split()
        edits = rng.randint(0, max(1, len(base) // 5))
        pairs.append((" ".join(base), " ".join(_edit(base, edits, rng))))
    return pairs


def test_estimate_matches_exact_jaccard_on_edited_paragraphs() -> None:
    assert len(PARAGRAPHS) >= 20
    pairs = _edited_pairs(200, random.Random(20240501))
    fp = fingerprint([t for pair in pairs for t in pair], CONFIG)
    exact = np.array(
        [jaccard_and_containment(fp.shingles.of(2 * k), fp.shingles.of(2 * k + 1))[0] for k in range(len(pairs))]
    )
    estimate = np.array([estimate_jaccard(fp.signatures[2 * k], fp.signatures[2 * k + 1]) for k in range(len(pairs))])
    # the pairs cover a wide range of similarity
    assert exact.min() < 0.4 and exact.max() == 1.0
    assert np.sum((exact > 0.3) & (exact < 0.9)) > 100
    error = estimate - exact
    standard_error = np.sqrt(exact * (1 - exact) / CONFIG.num_perm)
    # unbiased: the mean error is within 4 standard errors of the mean
    assert abs(error.mean()) < 4 * np.sqrt(np.sum(standard_error**2)) / len(pairs)
    # mean absolute error close to that of classic MinHash, E|N(0, se)| = se * sqrt(2 / pi)
    expected_mae = float(np.mean(standard_error) * np.sqrt(2 / np.pi))
    assert np.abs(error).mean() < 1.3 * expected_mae
    # no pair far off
    assert np.all(np.abs(error) <= 5 * standard_error + 1 / CONFIG.num_perm)
    assert np.all(estimate[exact == 1.0] == 1.0)


# --- anchors ---------------------------------------------------------------------------


def test_anchors_are_a_consistent_sample() -> None:
    fp = fingerprint(SEED_TEXTS, CONFIG)
    for i, found in enumerate(fp.anchors):
        unique = np.unique(fp.shingles.of(i))
        assert np.array_equal(found, np.sort(found))
        assert np.all(found % np.uint64(ANCHOR_RATE) == 0)
        assert np.array_equal(found, unique[unique % np.uint64(ANCHOR_RATE) == 0])
        expected = len(unique) / ANCHOR_RATE
        assert abs(len(found) - expected) < 5 * np.sqrt(expected)
    assert np.array_equal(anchors(np.array([16, 8, 3, 16, 0, 7], dtype=np.uint64)), np.array([0, 8, 16]))


@given(st.sampled_from(range(len(SEED_TEXTS))), st.data(), st.booleans())
@settings(max_examples=60, deadline=None)
def test_text_inside_another_has_its_anchors_inside(index: int, data: st.DataObject, shout: bool) -> None:
    text = SEED_TEXTS[index]
    t = tokens(text)
    length = data.draw(st.integers(CONFIG.ngram, 300))
    start = data.draw(st.integers(0, len(t) - length))
    inner = text[int(t.starts[start]) : int(t.ends[start + length - 1])]
    if shout:
        inner = inner.upper()
    others = [SEED_TEXTS[(index + 1) % len(SEED_TEXTS)]]
    fp = fingerprint([*others, text, inner], CONFIG)
    long_anchors, short_anchors = fp.anchors[1], fp.anchors[2]
    assert np.all(np.isin(short_anchors, long_anchors))
    assert np.all(np.isin(fp.shingles.of(2), fp.shingles.of(1)))
    _, inside, _ = jaccard_and_containment(fp.shingles.of(2), fp.shingles.of(1))
    assert inside == 1.0


# --- exact Jaccard and containment -----------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([1, 2, 3, 4], [3, 4, 5], (2 / 5, 2 / 4, 2 / 3)),
        ([1, 1, 2], [2, 2, 3], (1 / 3, 1 / 2, 1 / 2)),
        ([5, 6], [6, 5, 5], (1.0, 1.0, 1.0)),
        ([1, 2], [3, 4], (0.0, 0.0, 0.0)),
        ([1, 2, 3], [2], (1 / 3, 1 / 3, 1.0)),
        ([], [1, 2], (0.0, 0.0, 0.0)),
        ([], [], (0.0, 0.0, 0.0)),
        ([2**64 - 1, 0], [0], (1 / 2, 1 / 2, 1.0)),
    ],
)
def test_jaccard_and_containment_exact(a: list[int], b: list[int], expected: tuple[float, float, float]) -> None:
    got = jaccard_and_containment(np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64))
    assert got == pytest.approx(expected)


@given(st.sets(st.integers(0, 30)), st.sets(st.integers(0, 30)))
@PROPERTY
def test_jaccard_and_containment_match_python_sets(a: set[int], b: set[int]) -> None:
    got = jaccard_and_containment(np.array(sorted(a), dtype=np.uint64), np.array(sorted(b), dtype=np.uint64))
    if not a or not b:
        assert got == (0.0, 0.0, 0.0)
    else:
        inter = len(a & b)
        assert got == pytest.approx((inter / len(a | b), inter / len(a), inter / len(b)))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=6), st.integers(0, 2**32))
def test_content_words_are_the_distinct_non_stopwords(texts: list[str], seed: int) -> None:
    got = content_words(texts, seed)
    assert len(got) == len(texts)
    for text, hashes in zip(texts, got, strict=True):
        expected = {w for w in words(text) if w not in ENGLISH_STOPWORDS}
        assert len(hashes) == len(expected)
        assert np.all(hashes[1:] > hashes[:-1])
        assert set(hashes.tolist()) == set(word_hashes(sorted(expected), seed)[0].tolist())


def test_shared_share_on_the_samples() -> None:
    seeds = sorted((Path(__file__).resolve().parents[1] / "examples" / "seeds").glob("*.txt"))
    sets = content_words([p.read_text(encoding="utf-8") for p in seeds], 1)
    # 000 is a spun rewrite of 001: most content words survive although 5-gram Jaccard is 0.09.
    assert shared_share(sets[0], sets[1]) == pytest.approx(0.7532, abs=1e-4)
    # Independent reports of the same story share far fewer.
    assert shared_share(sets[3], sets[0]) == pytest.approx(0.1709, abs=1e-4)
    assert shared_share(sets[0], sets[0]) == 1.0
    assert shared_share(sets[0], np.zeros(0, dtype=np.uint64)) == 0.0


@given(st.sets(st.integers(0, 50)), st.sets(st.integers(0, 50)))
def test_shared_share_matches_python_sets(a: set[int], b: set[int]) -> None:
    x, y = np.array(sorted(a), dtype=np.uint64), np.array(sorted(b), dtype=np.uint64)
    expected = len(a & b) / min(len(a), len(b)) if a and b else 0.0
    assert shared_share(x, y) == pytest.approx(expected)
