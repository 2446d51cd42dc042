"""Candidates: exact pairs, LSH banding, anchor pairs, connected components, and the
LSH parameters they rely on."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.candidates import (
    MAX_ANCHOR_DOCS,
    anchor_pairs,
    band_keys,
    components,
    exact_pairs,
    lsh_pairs,
    normalize_pairs,
    pairs_not_in,
)
from retold.config import DedupConfig, collision_probability, optimal_bands
from retold.fingerprint import ShingleBatch, fingerprint, jaccard_and_containment, minhash
from retold.text import tokens

SEEDS = sorted((Path(__file__).resolve().parents[1] / "examples" / "seeds").glob("*.txt"))
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]
VOCABULARY = sorted({w for text in SEED_TEXTS for w in text.split()})
CONFIG = DedupConfig()
U64 = np.uint64


def _pair_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in pairs}


def _random_text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(n))


# --- LSH parameters --------------------------------------------------------------------


def test_optimal_bands_exact_values() -> None:
    # Same criterion as datasketch's MinHashLSH: (9, 13) for threshold 0.8 and 128 permutations.
    bands, rows = optimal_bands(0.8, 128)
    assert (bands, rows) == (9, 13)
    assert bands * rows <= 128
    # With equal weights the S-curve crosses 1/2 above the threshold: P(collision | s=0.8) ~ 0.40.
    assert collision_probability(0.8, bands, rows) == pytest.approx(0.3988, abs=1e-3)
    assert optimal_bands(0.8, 128, 0.3) == (11, 11)
    # DedupConfig favours recall (fp_weight=0.05), since verification is exact: a pair at
    # Jaccard 0.85 shares a band with probability 0.994.
    assert (CONFIG.bands, CONFIG.rows) == (16, 8)
    assert collision_probability(0.85, CONFIG.bands, CONFIG.rows) == pytest.approx(0.994, abs=1e-3)


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
def test_optimal_bands_follow_threshold(threshold: float) -> None:
    bands, rows = optimal_bands(threshold, 128, 0.3)
    assert bands * rows <= 128
    # the S-curve's steepest point (1/b)**(1/r) sits near the threshold
    assert abs((1 / bands) ** (1 / rows) - threshold) < 0.05
    assert collision_probability(threshold - 0.2, bands, rows) < 0.1
    assert collision_probability(min(threshold + 0.1, 1.0), bands, rows) > 0.85


def test_collision_probability_exact() -> None:
    assert collision_probability(0.5, 1, 1) == 0.5
    assert collision_probability(0.5, 2, 2) == pytest.approx(1 - 0.75**2)
    assert collision_probability(1.0, 11, 11) == 1.0
    assert collision_probability(0.0, 11, 11) == 0.0
    curve = [collision_probability(s / 20, 11, 11) for s in range(21)]
    assert curve == sorted(curve)


def test_dedup_config_validates_bands() -> None:
    assert DedupConfig(bands=16, rows=8).bands == 16
    with pytest.raises(ValueError, match="bands \\* rows"):
        DedupConfig(bands=16, rows=9)
    with pytest.raises(ValueError, match="threshold"):
        DedupConfig(threshold=0.0)


# --- exact pairs -----------------------------------------------------------------------


def test_exact_pairs_groups_identical_hashes() -> None:
    pairs = exact_pairs(["a", "b", "a", "c", "b", "a"])
    assert pairs.tolist() == [[0, 2], [0, 5], [1, 4], [2, 5]]
    assert exact_pairs([]).shape == (0, 2)
    assert exact_pairs(["x", "y", "z"]).shape == (0, 2)


def test_exact_pairs_on_fingerprints() -> None:
    texts = [
        SEED_TEXTS[0],
        SEED_TEXTS[1],
        SEED_TEXTS[0].upper().replace("\n\n", "\n"),  # same words, different case and spacing
        SEED_TEXTS[0] + " Update.",
        "",
        "—",
    ]
    fp = fingerprint(texts, CONFIG)
    assert exact_pairs(fp.content_hashes).tolist() == [[0, 2], [4, 5]]


@pytest.mark.parametrize(("copies", "expected"), [(2, 1), (5, 10), (32, 496), (33, 63), (100, 197)])
def test_exact_pairs_bucket_sizes(copies: int, expected: int) -> None:
    # All pairs up to 32 copies; beyond that a star plus a chain, 2n - 3 pairs, still one component.
    hashes = ["same"] * copies + ["other"]
    pairs = exact_pairs(hashes)
    assert len(pairs) == expected
    labels = components(copies + 1, pairs)
    assert len(set(labels[:copies].tolist())) == 1
    assert labels[copies] != labels[0]


# --- LSH -------------------------------------------------------------------------------


def test_lsh_big_bucket_is_linear_and_connected() -> None:
    texts = [SEED_TEXTS[1]] * 100 + [SEED_TEXTS[3]]
    signatures = fingerprint(texts, CONFIG).signatures
    pairs = lsh_pairs(signatures, CONFIG)
    assert len(pairs) == 2 * 100 - 3
    assert _pair_set(pairs) == {(0, i) for i in range(1, 100)} | {(i, i + 1) for i in range(1, 99)}
    labels = components(101, pairs)
    assert np.all(labels[:100] == labels[0]) and labels[100] != labels[0]


def test_lsh_pairs_skip_empty_texts() -> None:
    text = SEED_TEXTS[2]
    signatures = fingerprint(["", text, "  ", text, "!!", SEED_TEXTS[4]], CONFIG).signatures
    assert lsh_pairs(signatures, CONFIG).tolist() == [[1, 3]]
    assert lsh_pairs(fingerprint(["", "", ""], CONFIG).signatures, CONFIG).shape == (0, 2)
    assert lsh_pairs(fingerprint([text], CONFIG).signatures, CONFIG).shape == (0, 2)
    assert lsh_pairs(np.zeros((0, 128), dtype=np.uint32), CONFIG).shape == (0, 2)


def test_band_keys_shape_and_consistency() -> None:
    signatures = fingerprint(SEED_TEXTS, CONFIG).signatures
    keys = band_keys(signatures, CONFIG)
    assert keys.shape == (len(SEED_TEXTS), CONFIG.bands) and keys.dtype == U64
    assert np.array_equal(keys, band_keys(signatures.copy(), CONFIG))
    # equal rows of a band give equal keys; the same rows in another band give another key
    same = np.tile(signatures[:1], (2, 1))
    same[1, CONFIG.rows :] = 0
    k = band_keys(same, CONFIG)
    assert k[0, 0] == k[1, 0] and np.all(k[0, 1:] != k[1, 1:])
    flat = np.zeros((1, 128), dtype=np.uint32)
    assert len(set(band_keys(flat, CONFIG)[0].tolist())) == CONFIG.bands


def _edited(words: list[str], rate: float, rng: random.Random) -> list[str]:
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(rng.choice(VOCABULARY))
        elif roll < rate:
            out.extend([word, rng.choice(VOCABULARY)])
        else:
            out.append(word)
    return out


def test_lsh_recall_at_threshold_on_real_text() -> None:
    rng = random.Random(11)
    seed_words = [text.split() for text in SEED_TEXTS]
    texts: list[str] = []
    for k in range(400):
        source = rng.choice(seed_words)
        length = rng.randint(150, min(400, len(source)))
        start = rng.randrange(len(source) - length + 1)
        base = source[start : start + length]
        rate = rng.uniform(0.0, 0.015) if k % 2 == 0 else rng.uniform(0.2, 0.5)
        texts += [" ".join(base), " ".join(_edited(base, rate, rng))]
    fp = fingerprint(texts, CONFIG)
    keys = band_keys(fp.signatures, CONFIG)
    similarity = np.array(
        [jaccard_and_containment(fp.shingles.of(2 * k), fp.shingles.of(2 * k + 1))[0] for k in range(400)]
    )
    shared = np.array([bool(np.any(keys[2 * k] == keys[2 * k + 1])) for k in range(400)])
    high, low = similarity >= 0.9, similarity <= 0.3
    assert high.sum() >= 120 and low.sum() >= 120
    assert shared[high].mean() >= 0.97  # P(collision | 0.9) = 0.984
    assert shared[low].sum() == 0  # P(collision | 0.3) = 2e-5
    # every pair sharing a band ends up in one component of the LSH pairs
    labels = components(len(texts), lsh_pairs(fp.signatures, CONFIG))
    found = labels[0::2] == labels[1::2]
    assert np.all(found[shared])


def _synthetic_pairs(similarities: np.ndarray, rng: np.random.Generator) -> ShingleBatch:
    """Two shingle sets per similarity with exactly that Jaccard (up to rounding)."""
    sets: list[np.ndarray] = []
    for similarity in similarities:
        size = int(rng.integers(200, 600))
        common = round(similarity * size)
        only_a = (size - common) // 2
        values = rng.integers(0, 2**63, size=size, dtype=U64)
        sets.append(values[: common + only_a])
        sets.append(np.concatenate([values[:common], values[common + only_a :]]))
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in sets])]).astype(np.int64)
    return ShingleBatch(np.concatenate(sets), offsets)


@pytest.mark.parametrize(("bands", "rows"), [(11, 11), (16, 8)])
def test_empirical_collision_rate_matches_s_curve(bands: int, rows: int) -> None:
    config = DedupConfig(bands=bands, rows=rows)
    rng = np.random.default_rng(bands * 100 + rows)
    batch = _synthetic_pairs(rng.uniform(0.45, 0.95, size=500), rng)
    exact = np.array([jaccard_and_containment(batch.of(2 * k), batch.of(2 * k + 1))[0] for k in range(500)])
    keys = band_keys(minhash(batch, config), config)
    hit = np.array([bool(np.any(keys[2 * k] == keys[2 * k + 1])) for k in range(500)])
    expected = np.array([collision_probability(s, bands, rows) for s in exact])
    sigma = np.sqrt(np.sum(expected * (1 - expected)))
    assert abs(hit.sum() - expected.sum()) < 4 * sigma + 3
    for lo, hi in [(0.45, 0.65), (0.65, 0.8), (0.8, 0.95)]:
        part = (exact >= lo) & (exact < hi)
        p = expected[part]
        assert abs(hit[part].sum() - p.sum()) < 4 * np.sqrt(np.sum(p * (1 - p))) + 3


def test_lsh_pairs_deterministic_and_order_independent() -> None:
    rng = random.Random(5)
    base = [_random_text(rng, 200) for _ in range(6)]
    texts = base + [" ".join(_edited(t.split(), 0.01, rng)) for t in base] + SEED_TEXTS
    first = lsh_pairs(fingerprint(texts, CONFIG).signatures, CONFIG)
    again = lsh_pairs(fingerprint(list(texts), DedupConfig()).signatures, CONFIG)
    assert np.array_equal(first, again)
    assert {(i, i + 6) for i in range(6)} <= _pair_set(first)
    assert np.all(first[:, 0] < first[:, 1])
    assert np.array_equal(first, normalize_pairs(first))
    order = list(range(len(texts)))
    random.Random(1).shuffle(order)
    shuffled = lsh_pairs(fingerprint([texts[i] for i in order], CONFIG).signatures, CONFIG)
    mapped = {tuple(sorted((order[a], order[b]))) for a, b in _pair_set(shuffled)}
    assert mapped == _pair_set(first)


# --- anchors ---------------------------------------------------------------------------


def test_anchor_pairs_exact_counts() -> None:
    lists = [np.array(a, dtype=U64) for a in ([8, 16, 24], [8, 16], [16, 24, 32], [40], [])]
    pairs, counts = anchor_pairs(lists)
    assert pairs.tolist() == [[0, 1], [0, 2]]
    assert counts.tolist() == [2, 2]
    empty_pairs, empty_counts = anchor_pairs([])
    assert empty_pairs.shape == (0, 2) and empty_counts.shape == (0,)
    assert anchor_pairs([np.zeros(0, dtype=U64)] * 3)[0].shape == (0, 2)


def test_anchor_pairs_find_short_article_inside_long_one() -> None:
    source = SEED_TEXTS[1]
    t = tokens(source)
    passage = source[int(t.starts[300]) : int(t.ends[439])]  # 140 words from the middle
    long_text = SEED_TEXTS[3] + "\n\n" + passage.upper() + "\n\n" + SEED_TEXTS[4]
    texts = [*SEED_TEXTS, long_text, passage]  # long text is 5, passage is 6
    fp = fingerprint(texts, CONFIG)
    assert len(fp.anchors[6]) >= 8
    pairs, counts = anchor_pairs(fp.anchors)
    shared = dict(zip(map(tuple, pairs.tolist()), counts.tolist(), strict=True))
    assert shared[(5, 6)] == len(fp.anchors[6])
    assert shared[(1, 6)] == len(fp.anchors[6])
    # Jaccard alone cannot see it; containment can
    jaccard, inside, _ = jaccard_and_containment(fp.shingles.of(6), fp.shingles.of(5))
    assert jaccard < 0.2 and inside == 1.0
    assert (3, 6) not in shared and (4, 6) not in shared


def _with_boilerplate(docs: int, rng: random.Random) -> list[str]:
    boilerplate = _random_text(rng, 80)
    return [_random_text(rng, 60) + " " + boilerplate for _ in range(docs)]


def test_anchor_pairs_ignore_stock_phrases() -> None:
    rng = random.Random(3)
    too_common = fingerprint(_with_boilerplate(MAX_ANCHOR_DOCS + 1, rng), CONFIG)
    pairs, counts = anchor_pairs(too_common.anchors)
    assert len(pairs) == 0 and len(counts) == 0

    just_enough = fingerprint(_with_boilerplate(MAX_ANCHOR_DOCS, rng), CONFIG)
    pairs, counts = anchor_pairs(just_enough.anchors)
    assert len(pairs) >= MAX_ANCHOR_DOCS - 1
    assert np.all(counts >= 2)
    assert len(set(components(MAX_ANCHOR_DOCS, pairs).tolist())) == 1


def test_anchor_pairs_count_every_shared_anchor_up_to_max_docs() -> None:
    # Documents 2 and 79 share anchors 8 and 16; each anchor is held by 40 documents
    # (<= MAX_ANCHOR_DOCS), but by different companions.
    lists: list[list[int]] = [[] for _ in range(80)]
    for doc in [0, 2, 79, *range(3, 41)]:
        lists[doc].append(8)
    for doc in [1, 2, 79, *range(41, 79)]:
        lists[doc].append(16)
    pairs, counts = anchor_pairs([np.array(a, dtype=U64) for a in lists])
    shared = dict(zip(map(tuple, pairs.tolist()), counts.tolist(), strict=True))
    assert shared.get((2, 79)) == 2


# --- components and pair normalisation -------------------------------------------------


def test_components_exact_labels() -> None:
    assert components(7, np.array([[5, 1], [3, 4], [4, 6]])).tolist() == [0, 1, 2, 3, 3, 1, 3]
    assert components(6, np.array([[0, 2], [3, 4]])).tolist() == [0, 1, 0, 2, 2, 3]
    assert components(3, np.array([[2, 2], [0, 1], [1, 0]])).tolist() == [0, 0, 1]
    assert components(4, np.zeros((0, 2), dtype=np.int64)).tolist() == [0, 1, 2, 3]
    assert components(0, np.zeros((0, 2), dtype=np.int64)).tolist() == []


@given(st.integers(1, 30), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=40))
@settings(max_examples=150, deadline=None)
def test_components_match_union_find(n: int, raw_edges: list[tuple[int, int]]) -> None:
    edges = np.array([(a % n, b % n) for a, b in raw_edges], dtype=np.int64).reshape(-1, 2)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges.tolist():
        parent[find(a)] = find(b)
    labels = components(n, edges).tolist()
    for i in range(n):
        for j in range(n):
            assert (labels[i] == labels[j]) == (find(i) == find(j))
    # labels are numbered in order of each component's smallest node
    firsts = [labels[i] for i in range(n) if labels[i] not in labels[:i]]
    assert firsts == list(range(len(firsts)))


def test_normalize_pairs() -> None:
    pairs = np.array([[3, 1], [1, 3], [2, 2], [0, 5], [5, 0]])
    assert normalize_pairs(pairs).tolist() == [[0, 5], [1, 3]]
    assert normalize_pairs(np.zeros((0, 2), dtype=np.int64)).shape == (0, 2)


INDEX_PAIRS = st.sets(st.tuples(st.integers(0, 9), st.integers(0, 9)))


@given(INDEX_PAIRS, INDEX_PAIRS)
def test_pairs_not_in_is_set_difference(pairs: set[tuple[int, int]], known: set[tuple[int, int]]) -> None:
    a = normalize_pairs(np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2))
    b = normalize_pairs(np.array(sorted(known), dtype=np.int64).reshape(-1, 2))
    assert _pair_set(pairs_not_in(a, b, 10)) == _pair_set(a) - _pair_set(b)
