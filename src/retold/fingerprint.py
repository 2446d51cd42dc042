"""Fingerprints: word shingles hashed to 64 bits, MinHash signatures, containment anchors.

Everything here works on a batch of texts at once with NumPy, so the cost per
document is a handful of array passes and no Python loop over its words:

* The batch's normalised texts (``retold.text``) are joined and viewed as an
  array of code points. Word boundaries come from a lookup table of word
  characters; each word's 64-bit hash is a polynomial hash over its code points
  taken from prefix sums (``(C[end] - C[start]) * P**-start`` modulo 2**64,
  which is exact because an odd P is invertible modulo 2**64), then mixed with
  the splitmix64 finaliser.
* A shingle is ``ngram`` consecutive words; its hash combines the word hashes
  the same way. A document shorter than ``ngram`` words has one shingle, all of it.
* Signatures are one-permutation MinHash with optimal densification
  (Li, Owen & Zhang 2012; Shrivastava 2017): each shingle hash picks one of
  ``num_perm`` bins by its high bits and competes for that bin's minimum by its
  low 32 bits; empty bins borrow from a bin chosen by a hash sequence that is the
  same for every document. This estimates Jaccard similarity like classic
  ``num_perm``-permutation MinHash (the share of equal entries) at the cost of one
  hash per shingle instead of ``num_perm``. Entries are uint32: 512 bytes per
  document at 128 entries, so 1M signatures take 512 MB.
* Anchors are the shingle hashes divisible by ``ANCHOR_RATE``: a sample that is
  consistent across documents, so a text wholly inside another has its anchors
  inside the other's. They find containment that Jaccard cannot see.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

from .config import DedupConfig
from .text import ENGLISH_STOPWORDS, char_tables, normalized_code_points

U64 = np.uint64
EMPTY_BIN = np.uint32(0xFFFFFFFF)
# One shingle in ANCHOR_RATE becomes an anchor; 8 keeps ~60 anchors for a
# 500-word article, enough to estimate containment within a few percent.
ANCHOR_RATE = 8
_BASE = U64(0x100000001B3)  # odd, so invertible modulo 2**64
_SHINGLE_BASE = U64(0x9E3779B97F4A7C15)
_MAX_DENSIFY_ROUNDS = 4096


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijection on uint64 with good avalanche."""
    x = x ^ (x >> U64(30))
    x = x * U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> U64(27))
    x = x * U64(0x94D049BB133111EB)
    return x ^ (x >> U64(31))


class _Tables:
    """Lookup tables that are pure functions of constants, built on first use."""

    powers: np.ndarray = np.ones(1, dtype=U64)
    inverse_powers: np.ndarray = np.ones(1, dtype=U64)

    @classmethod
    def powers_upto(cls, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(cls.powers) < n:
            size = max(n, 2 * len(cls.powers))
            inverse = U64(pow(int(_BASE), -1, 2**64))
            with np.errstate(over="ignore"):
                cls.powers = np.cumprod(np.concatenate([[U64(1)], np.full(size - 1, _BASE, dtype=U64)]))
                cls.inverse_powers = np.cumprod(np.concatenate([[U64(1)], np.full(size - 1, inverse, dtype=U64)]))
        return cls.powers[:n], cls.inverse_powers[:n]


@dataclass(frozen=True, slots=True)
class ShingleBatch:
    """Shingle hashes of a batch of texts: ``hashes[offsets[i]:offsets[i + 1]]`` belong to text i
    (in text order, not deduplicated)."""

    hashes: np.ndarray  # uint64
    offsets: np.ndarray  # int64, len = texts + 1

    def of(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def doc_index(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets))


def word_hashes(texts: Sequence[str], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the normalised words of each text, and per-text offsets into them."""
    # Normalised as one string: per-text calls cost more than the work on short texts.
    # "\n" is not a word character and normalises to itself, so words never run across
    # texts and each text's words are those it has alone.
    raw_starts = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        np.cumsum(lengths[:-1] + 1, out=raw_starts[1:])
    points, text_starts = normalized_code_points("\n".join(texts), raw_starts)
    is_word = char_tables().word[points].view(np.int8)
    edges = np.diff(is_word, prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    n = len(points)
    powers, inverse_powers = _Tables.powers_upto(n + 1)
    with np.errstate(over="ignore"):
        # Code points go into the polynomial as they are; the seeded mix at the end
        # spreads them.
        values = points.astype(U64)
        prefix = np.empty(n + 1, dtype=U64)
        prefix[0] = 0
        np.cumsum(values * powers[:n], out=prefix[1:])
        hashes = _mix64((prefix[ends] - prefix[starts]) * inverse_powers[starts] + U64(ends - starts) + U64(seed))
    offsets = np.searchsorted(starts, np.append(text_starts, n + 1))
    return hashes, offsets.astype(np.int64)


def shingles(texts: Sequence[str], ngram: int, seed: int) -> ShingleBatch:
    """Hashes of the word ``ngram``-grams of each text."""
    return _shingles_of_words(*word_hashes(texts, seed), ngram)


def _shingles_of_words(words: np.ndarray, word_offsets: np.ndarray, ngram: int) -> ShingleBatch:
    counts = np.diff(word_offsets)
    shingle_counts = np.where(counts >= ngram, counts - ngram + 1, np.minimum(counts, 1))
    total = int(shingle_counts.sum())
    out = np.empty(total, dtype=U64)
    shingle_offsets = np.concatenate([[0], np.cumsum(shingle_counts)]).astype(np.int64)
    if total == 0:
        return ShingleBatch(out, shingle_offsets)
    # Start word of each shingle; for short texts the one shingle starts at the text's first word.
    text_of = np.repeat(np.arange(len(counts)), shingle_counts)
    rank = np.arange(total) - shingle_offsets[text_of]
    first = word_offsets[text_of] + rank
    width = np.minimum(counts[text_of], ngram)
    acc = np.zeros(total, dtype=U64)
    padded = np.append(words, np.zeros(ngram, dtype=U64))
    with np.errstate(over="ignore"):
        for k in range(ngram):
            term = np.where(k < width, padded[first + k], U64(0))
            acc = acc * _SHINGLE_BASE + term
        out[:] = _mix64(acc ^ width.astype(U64))
    return ShingleBatch(out, shingle_offsets)


@functools.cache
def _densify_table(num_perm: int, seed: int, rounds: int) -> np.ndarray:
    """Bin chosen for (round, bin) by optimal densification; identical for every document."""
    grid = np.arange(rounds, dtype=U64)[:, None] * U64(num_perm) + np.arange(num_perm, dtype=U64)
    with np.errstate(over="ignore"):
        mixed = _mix64(grid ^ _mix64(np.full(1, seed + 0x5EED, dtype=U64)))
    return (mixed % U64(num_perm)).astype(np.int64)


def minhash(batch: ShingleBatch, config: DedupConfig) -> np.ndarray:
    """One-permutation MinHash signatures, shape ``(texts, num_perm)``, uint32.

    A text with no shingle gets a row of ``0xFFFFFFFF`` (see ``is_empty``).
    """
    k = config.num_perm
    n_texts = len(batch.offsets) - 1
    signatures = np.full(n_texts * k, EMPTY_BIN, dtype=np.uint32)
    if len(batch.hashes):
        with np.errstate(over="ignore"):
            h = _mix64(batch.hashes ^ U64(config.seed))
        bins = (((h >> U64(32)) * U64(k)) >> U64(32)).astype(np.int64)
        values = (h & U64(0xFFFFFFFF)).astype(np.uint32)
        np.minimum.at(signatures, batch.doc_index() * k + bins, values)
    signatures = signatures.reshape(n_texts, k)
    _densify(signatures, config)
    return signatures


def _densify(signatures: np.ndarray, config: DedupConfig) -> None:
    filled = signatures != EMPTY_BIN
    has_any = filled.any(axis=1)
    todo_rows, todo_bins = np.nonzero(~filled & has_any[:, None])
    if not len(todo_rows):
        return
    original = signatures.copy()
    table = _densify_table(config.num_perm, config.seed, 64)
    for attempt in range(_MAX_DENSIFY_ROUNDS):
        if attempt >= len(table):
            table = _densify_table(config.num_perm, config.seed, 2 * len(table))
        donor = table[attempt, todo_bins]
        ok = filled[todo_rows, donor]
        signatures[todo_rows[ok], todo_bins[ok]] = original[todo_rows[ok], donor[ok]]
        todo_rows, todo_bins = todo_rows[~ok], todo_bins[~ok]
        if not len(todo_rows):
            return
    raise AssertionError("densification did not terminate")  # probability ~ (1 - 1/num_perm)**4096


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Everything later stages need to find a batch of texts again."""

    signatures: np.ndarray  # (texts, num_perm) uint32
    anchors: list[np.ndarray]  # per text, sorted unique uint64
    content_hashes: list[str]  # equal exactly when the normalised words are equal
    shingles: ShingleBatch


def _distinct_per_text(values: np.ndarray, owners: np.ndarray, texts: int) -> list[np.ndarray]:
    """Sorted distinct ``values`` of each text, given the text each value belongs to."""
    order = np.lexsort((values, owners))
    values, owners = values[order], owners[order]
    fresh = np.ones(len(values), dtype=bool)
    fresh[1:] = (values[1:] != values[:-1]) | (owners[1:] != owners[:-1])
    values, owners = values[fresh], owners[fresh]
    bounds = np.searchsorted(owners, np.arange(texts + 1))
    return [values[bounds[i] : bounds[i + 1]] for i in range(texts)]


def batch_anchors(batch: ShingleBatch) -> list[np.ndarray]:
    """``anchors`` of every text of a batch, in a few array passes."""
    keep = (batch.hashes % U64(ANCHOR_RATE)) == 0
    return _distinct_per_text(batch.hashes[keep], batch.doc_index()[keep], len(batch.offsets) - 1)


@functools.cache
def _stopword_hashes(seed: int) -> np.ndarray:
    return np.unique(word_hashes(sorted(ENGLISH_STOPWORDS), seed)[0])


def content_words(texts: Sequence[str], seed: int) -> list[np.ndarray]:
    """Sorted distinct hashes of each text's words, function words left out.

    A cheap measure of how much two texts are about the same specifics: a spun or
    paraphrased copy keeps most of its original's names, numbers and content words
    even where no five words in a row survive.
    """
    hashes, offsets = word_hashes(texts, seed)
    owners = np.repeat(np.arange(len(texts)), np.diff(offsets))
    keep = ~np.isin(hashes, _stopword_hashes(seed))
    return _distinct_per_text(hashes[keep], owners[keep], len(texts))


def shared_share(a: np.ndarray, b: np.ndarray) -> float:
    """``|A∩B| / min(|A|, |B|)`` of two sorted distinct hash arrays (0 when either is empty)."""
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


def fingerprint(texts: Sequence[str], config: DedupConfig, with_anchors: bool = True) -> Fingerprints:
    """Signatures, content hashes and (unless ``with_anchors`` is false) anchors of a batch of texts."""
    words, word_offsets = word_hashes(texts, config.seed)
    batch = _shingles_of_words(words, word_offsets, config.ngram)
    content = [
        xxhash.xxh3_128_hexdigest(words[word_offsets[i] : word_offsets[i + 1]].tobytes()) for i in range(len(texts))
    ]
    empty = np.zeros(0, dtype=U64)
    return Fingerprints(
        signatures=minhash(batch, config),
        anchors=batch_anchors(batch) if with_anchors else [empty] * len(texts),
        content_hashes=content,
        shingles=batch,
    )


def is_empty(signatures: np.ndarray) -> np.ndarray:
    """Rows of texts that had no word at all."""
    return signatures[:, 0] == EMPTY_BIN


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal signature entries: an unbiased estimate of Jaccard similarity
    with standard error about ``sqrt(J * (1 - J) / num_perm)``."""
    return float(np.mean(a == b))


def anchors(shingle_hashes: np.ndarray) -> np.ndarray:
    """Sorted unique anchors of one text (a consistent ~1/ANCHOR_RATE sample of its shingles)."""
    unique = np.unique(shingle_hashes)
    return unique[(unique % U64(ANCHOR_RATE)) == 0]


def shingle_overlap(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int]:
    """``(|A∩B|, |A|, |B|)`` of the distinct values of two shingle hash arrays (any order, repeats ok)."""
    ua, ub = np.unique(a), np.unique(b)
    return len(np.intersect1d(ua, ub, assume_unique=True)), len(ua), len(ub)


def overlap_scores(shared: int, size_a: int, size_b: int) -> tuple[float, float, float]:
    """``(jaccard, |A∩B|/|A|, |A∩B|/|B|)`` from ``shingle_overlap``'s counts."""
    if not size_a or not size_b:
        return 0.0, 0.0, 0.0
    return shared / (size_a + size_b - shared), shared / size_a, shared / size_b


def jaccard_and_containment(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Exact ``(jaccard, |A∩B|/|A|, |A∩B|/|B|)`` of two shingle hash arrays (any order, repeats ok)."""
    return overlap_scores(*shingle_overlap(a, b))


__all__ = [
    "ANCHOR_RATE",
    "Fingerprints",
    "ShingleBatch",
    "anchors",
    "estimate_jaccard",
    "fingerprint",
    "is_empty",
    "jaccard_and_containment",
    "minhash",
    "overlap_scores",
    "shingle_overlap",
    "shingles",
    "word_hashes",
]
