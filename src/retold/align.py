"""Lexical passage alignment of one pair of documents: seed, chain, extend, resolve.

The method follows passim and the strongest PAN text-alignment systems:

1. **Seeds.** Word n-grams (``seed_ngram`` normalised words) shared by both
   documents, found by hashing every n-gram to 64 bits and joining the two sorted
   hash arrays (NumPy, no Python loop over words). An n-gram occurring more than
   ``max_seed_df`` times in either document is skipped: it is a formula ("according
   to the"), not evidence, and it would multiply into ``df_a * df_b`` seeds.
2. **Runs.** Seeds on one diagonal (same offset ``j - i``) whose words touch are an
   exact match; each run is then extended word by word along its diagonal, which
   recovers words covered only by skipped frequent n-grams.
3. **Chains.** Runs are merged, in order, into chains that are monotone in both
   documents when the next run starts within ``max_gap`` words of the chain's end in
   *both* documents. The words between runs are the edits (substitutions,
   insertions, deletions); a chain with any is an ``edited`` passage.
4. **Resolution.** Chains are accepted greedily, most matched words first; a chain
   that overlaps an accepted passage on either side is trimmed to the part outside
   it (and split where an accepted passage lies in between) and competes again. So
   passages never overlap in either document, and a sentence a text repeats is
   aligned once, where its surroundings match best.

Only text inside the ``body`` spans is read; offsets in the result are raw
character offsets, from the first matched word's start to the last one's end.
A passage may run across the boilerplate between two body spans when the words on
both sides of it match; its words (and so its kind and score) are body words only.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retold.model import Passage, Span
from retold.text import tokens

# A run is ``(a_start, b_start, length)`` in word indices: ``length`` words equal on both sides.
Run = tuple[int, int, int]
Chain = list[Run]

# Limits on the parameters: beyond them the method stops making sense rather than being slow.
MAX_SEED_NGRAM = 32
MAX_GAP_LIMIT = 10_000

# splitmix64 finaliser constants: spread consecutive word ids over all 64 bits, so
# that the polynomial n-gram hash below behaves like a random hash.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SHIFT1, _SHIFT2, _SHIFT3 = np.uint64(30), np.uint64(27), np.uint64(31)
# Odd multiplier of the rolling combination (a large prime below 2**64).
_NGRAM_PRIME = np.uint64(0xFFFFFFFFFFFFFFC5)

_SIDES = ("a", "b")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """Parameters of :func:`align_lexical`.

    ``seed_ngram``: words per seed; 4 finds copied clauses while chance matches
    between independent news texts stay rare. ``max_gap``: words allowed between
    two matching runs (in each document) for them to be one passage — an edit of
    up to a clause. ``min_words``: fewest matched words a passage must have; shorter
    shared strings are usually stock phrases or names. ``max_seed_df``: an n-gram
    occurring more often than this in either document is not used as a seed.
    """

    seed_ngram: int = 4
    max_gap: int = 10
    min_words: int = 10
    max_seed_df: int = 8

    def __post_init__(self) -> None:
        _require(
            1 <= self.seed_ngram <= MAX_SEED_NGRAM,
            f"seed_ngram must be between 1 and {MAX_SEED_NGRAM}, got {self.seed_ngram}",
        )
        _require(
            0 <= self.max_gap <= MAX_GAP_LIMIT,
            f"max_gap must be between 0 and {MAX_GAP_LIMIT}, got {self.max_gap}",
        )
        _require(
            self.min_words >= self.seed_ngram,
            f"min_words must be >= seed_ngram ({self.seed_ngram}), got {self.min_words}",
        )
        _require(self.max_seed_df >= 1, f"max_seed_df must be >= 1, got {self.max_seed_df}")


DEFAULT_CONFIG = AlignConfig()


@dataclass(frozen=True, slots=True)
class _Side:
    """One document's body words: ids shared with the other side, raw offsets of each."""

    ids: np.ndarray  # int64 word ids, equal ids <=> equal normalised words
    starts: np.ndarray  # int64 raw start of each word
    ends: np.ndarray  # int64 raw end of each word


def _body_words(raw: str, body: Sequence[Span]) -> tuple[list[str], np.ndarray, np.ndarray]:
    words: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    for span in body:
        if span.end > len(raw):
            raise ValueError(f"body span [{span.start}, {span.end}) is outside the text ({len(raw)} chars)")
        found = tokens(raw[span.start : span.end], offset=span.start)
        words.extend(found.words)
        starts.append(found.starts)
        ends.append(found.ends)
    empty = np.zeros(0, dtype=np.int64)
    return (
        words,
        np.concatenate(starts) if starts else empty,
        np.concatenate(ends) if ends else empty,
    )


def _sides(raw_a: str, body_a: Sequence[Span], raw_b: str, body_b: Sequence[Span]) -> tuple[_Side, _Side]:
    words_a, starts_a, ends_a = _body_words(raw_a, body_a)
    words_b, starts_b, ends_b = _body_words(raw_b, body_b)
    # One vocabulary for the pair turns words into small exact ids: comparisons are
    # integer comparisons and no two different words can collide.
    # (dict.fromkeys and map keep the per-word work in C.)
    vocab = {word: k for k, word in enumerate(dict.fromkeys(words_a + words_b))}
    ids_a = np.fromiter(map(vocab.__getitem__, words_a), np.int64, len(words_a))
    ids_b = np.fromiter(map(vocab.__getitem__, words_b), np.int64, len(words_b))
    return _Side(ids_a, starts_a, ends_a), _Side(ids_b, starts_b, ends_b)


def _ngram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """64-bit hash of every word n-gram (index = position of its first word)."""
    count = len(ids) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    # uint64 arithmetic wraps modulo 2**64, which is what the hash wants.
    x = ids.astype(np.uint64) + _GOLDEN
    x = (x ^ (x >> _SHIFT1)) * _MIX1
    x = (x ^ (x >> _SHIFT2)) * _MIX2
    x = x ^ (x >> _SHIFT3)
    h = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        h = h * _NGRAM_PRIME + x[k : k + count]
    return h


def _seeds(a: np.ndarray, b: np.ndarray, n: int, max_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Start positions ``(i, j)`` of every n-gram equal in ``a`` at ``i`` and ``b`` at ``j``."""
    ha, hb = _ngram_hashes(a, n), _ngram_hashes(b, n)
    empty = np.zeros(0, dtype=np.int64)
    if len(ha) == 0 or len(hb) == 0:
        return empty, empty
    sorted_a = np.sort(ha)
    df_a = np.searchsorted(sorted_a, ha, "right") - np.searchsorted(sorted_a, ha, "left")
    order_b = np.argsort(hb, kind="stable")
    sorted_b = hb[order_b]
    lo = np.searchsorted(sorted_b, ha, "left")
    df_b = np.searchsorted(sorted_b, ha, "right") - lo
    keep = (df_b > 0) & (df_b <= max_df) & (df_a <= max_df)
    i_keep = np.flatnonzero(keep)
    lo, df_b = lo[keep], df_b[keep]
    # Expand each kept a-position into one seed per matching b-position.
    total = int(df_b.sum())
    i = np.repeat(i_keep, df_b)
    within = np.arange(total) - np.repeat(np.cumsum(df_b) - df_b, df_b)
    j = order_b[np.repeat(lo, df_b) + within]
    # Hashes can collide; the words themselves decide.
    same = np.ones(total, dtype=bool)
    for k in range(n):
        same &= a[i + k] == b[j + k]
    return i[same].astype(np.int64), j[same].astype(np.int64)


def _merge_ranges(start: np.ndarray, end: np.ndarray, diag: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union of word ranges ``[start, end)`` (in ``a``) that lie on one diagonal and touch."""
    if len(start) == 0:
        return start, end, diag
    order = np.lexsort((start, diag))
    start, end, diag = start[order], end[order], diag[order]
    new = np.ones(len(start), dtype=bool)
    new[1:] = diag[1:] != diag[:-1]
    # Running maximum of range ends within each diagonal: lifting every group above the
    # previous one lets one global accumulate do it without a Python loop over groups.
    lift = np.cumsum(new) * (int(end.max()) + 1)
    reach = np.maximum.accumulate(end + lift) - lift
    new[1:] |= start[1:] > reach[:-1]
    first = np.flatnonzero(new)
    last = np.r_[first[1:], len(start)] - 1
    return start[first], reach[last], diag[first]


def _runs(a: np.ndarray, b: np.ndarray, i: np.ndarray, j: np.ndarray, n: int) -> list[Run]:
    """Maximal exact matches along the seeds' diagonals, sorted by (a, b)."""
    start, end, diag = _merge_ranges(i, i + n, j - i)
    # Extend along the diagonal by up to n - 1 words each way: words next to a run that
    # are covered only by skipped (too frequent) n-grams still match word for word. Longer
    # stretches of frequent n-grams are bridged by chaining instead; extending without a
    # bound would cost a Python-speed walk per run through repetitive text.
    la, lb = len(a), len(b)
    growing = np.ones(len(start), dtype=bool)
    for _ in range(n - 1):
        x, y = start - 1, start + diag - 1
        growing &= (x >= 0) & (y >= 0)
        growing[growing] &= a[x[growing]] == b[y[growing]]
        start = start - growing
    growing[:] = True
    for _ in range(n - 1):
        x, y = end, end + diag
        growing &= (x < la) & (y < lb)
        growing[growing] &= a[x[growing]] == b[y[growing]]
        end = end + growing
    # Extension can make two runs of one diagonal meet; merge them again.
    start, end, diag = _merge_ranges(start, end, diag)
    order = np.lexsort((start + diag, start))
    start, end, diag = start[order], end[order], diag[order]
    return list(zip(start.tolist(), (start + diag).tolist(), (end - start).tolist(), strict=True))


def _chains(runs: list[Run], max_gap: int) -> list[Chain]:
    """Merge runs into chains monotone in both documents, with gaps of at most ``max_gap`` words."""
    chains: list[Chain] = []
    active: list[int] = []  # indices of chains that a later run can still reach
    for x, y, length in runs:
        # Runs come sorted by a-start, so a chain ending more than max_gap before it is closed for good.
        active = [c for c in active if _end(chains[c])[0] + max_gap >= x]
        best: tuple[int, int, int] | None = None  # (cost, chain index, shift)
        for c in active:
            end_a, end_b = _end(chains[c])
            # A run overlapping the chain's end continues it from the first word past that end.
            shift = max(end_a - x, end_b - y, 0)
            if shift >= length:
                continue
            gap_a, gap_b = x + shift - end_a, y + shift - end_b
            if gap_a > max_gap or gap_b > max_gap:
                continue
            # Prefer the closest continuation, and among those the one keeping the diagonal.
            cost = max(gap_a, gap_b) * (max_gap + 1) + abs(gap_a - gap_b)
            if best is None or cost < best[0]:
                best = (cost, c, shift)
        if best is None:
            chains.append([(x, y, length)])
            active.append(len(chains) - 1)
        else:
            _, c, shift = best
            chains[c].append((x + shift, y + shift, length - shift))
    return chains


def _end(chain: Chain) -> tuple[int, int]:
    x, y, length = chain[-1]
    return x + length, y + length


def _matched(chain: Chain, a: list[int], b: list[int]) -> int:
    """Words matched in a chain: its runs plus what the gaps still share (LCS)."""
    total = sum(run[2] for run in chain)
    for (x0, y0, l0), (x1, y1, _) in zip(chain, chain[1:], strict=False):
        gap_a, gap_b = a[x0 + l0 : x1], b[y0 + l0 : y1]
        if gap_a and gap_b:
            matcher = difflib.SequenceMatcher(None, gap_a, gap_b, autojunk=False)
            total += sum(block.size for block in matcher.get_matching_blocks())
    return total


def _free_segments(free: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` of each stretch of True in a boolean array."""
    edges = np.diff(np.concatenate(([0], free.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _trim(chain: Chain, claimed_a: np.ndarray, claimed_b: np.ndarray) -> list[Chain]:
    """The parts of a chain clear of claimed words on both sides, split where a claim lies between."""
    pieces: list[Chain] = []
    current: Chain = []
    for x, y, length in chain:
        free = ~(claimed_a[x : x + length] | claimed_b[y : y + length])
        for s, e in _free_segments(free):
            run = (x + s, y + s, e - s)
            if current:
                end_a, end_b = _end(current)
                if claimed_a[end_a : run[0]].any() or claimed_b[end_b : run[1]].any():
                    pieces.append(current)
                    current = []
            current.append(run)
    if current:
        pieces.append(current)
    return pieces


def _resolve(chains: list[Chain], a: list[int], b: list[int], min_words: int) -> list[tuple[Chain, int]]:
    """Greedy non-overlapping selection, most matched words first; losers are trimmed and retried."""
    claimed_a = np.zeros(len(a), dtype=bool)
    claimed_b = np.zeros(len(b), dtype=bool)
    heap: list[tuple[int, int, int, int, Chain]] = []
    serial = 0  # unique tie-breaker, so the heap never compares chains

    def push(chain: Chain) -> None:
        nonlocal serial
        matched = _matched(chain, a, b)
        if matched >= min_words:
            heapq.heappush(heap, (-matched, chain[0][0], chain[0][1], serial, chain))
            serial += 1

    for chain in chains:
        push(chain)
    accepted: list[tuple[Chain, int]] = []
    while heap:
        neg_matched, _, _, _, chain = heapq.heappop(heap)
        (x0, y0, _), (end_a, end_b) = chain[0], _end(chain)
        if claimed_a[x0:end_a].any() or claimed_b[y0:end_b].any():
            for piece in _trim(chain, claimed_a, claimed_b):
                push(piece)
            continue
        claimed_a[x0:end_a] = True
        claimed_b[y0:end_b] = True
        accepted.append((chain, -neg_matched))
    return accepted


def align_lexical(
    raw_a: str,
    body_a: Sequence[Span],
    raw_b: str,
    body_b: Sequence[Span],
    config: AlignConfig = DEFAULT_CONFIG,
) -> list[Passage]:
    """Passages the two documents share word for word or with small edits.

    Args:
        raw_a, raw_b: the raw texts.
        body_a, body_b: the spans of main text in each; nothing outside them is read.
        config: parameters.

    Returns:
        Passages sorted by ``a_span.start``, non-overlapping in both documents. ``kind``
        is ``"verbatim"`` when the normalised words of both sides are identical (case,
        punctuation and spacing do not count) and ``"edited"`` otherwise; ``score`` is
        ``2 * matched / (words_a + words_b)`` over the passage, where matched words
        are the exact runs plus the longest common subsequence of each gap between
        them (so an estimate of edit similarity, not an optimal alignment).
        Deterministic: the same input gives the same output.
    """
    side_a, side_b = _sides(raw_a, body_a, raw_b, body_b)
    i, j = _seeds(side_a.ids, side_b.ids, config.seed_ngram, config.max_seed_df)
    if len(i) == 0:
        return []
    # Python lists index far faster than NumPy arrays one element at a time.
    a, b = side_a.ids.tolist(), side_b.ids.tolist()
    runs = _runs(side_a.ids, side_b.ids, i, j, config.seed_ngram)
    chains = _chains(runs, config.max_gap)
    passages = []
    for chain, matched in _resolve(chains, a, b, config.min_words):
        (x0, y0, _), (x1, y1) = chain[0], _end(chain)
        verbatim = np.array_equal(side_a.ids[x0:x1], side_b.ids[y0:y1])
        score = 1.0 if verbatim else min(1.0, 2 * matched / ((x1 - x0) + (y1 - y0)))
        passages.append(
            Passage(
                a_span=Span(int(side_a.starts[x0]), int(side_a.ends[x1 - 1])),
                b_span=Span(int(side_b.starts[y0]), int(side_b.ends[y1 - 1])),
                kind="verbatim" if verbatim else "edited",
                score=score,
            )
        )
    passages.sort(key=lambda p: (p.a_span.start, p.b_span.start))
    return passages


def coverage(passages: Sequence[Passage], body: Sequence[Span], side: str) -> float:
    """Share of the body's characters covered by the passages on ``side`` ("a" or "b").

    Characters of a passage outside the body (boilerplate it runs across) do not count;
    overlapping passages or body spans are counted once.
    """
    _require(side in _SIDES, f"side must be 'a' or 'b', got {side!r}")
    body_spans = _union([(s.start, s.end) for s in body])
    total = sum(end - start for start, end in body_spans)
    if total == 0:
        return 0.0
    covered_spans = _union([(p.a_span if side == "a" else p.b_span).as_list() for p in passages])
    covered, k = 0, 0
    for start, end in body_spans:
        # Both lists are sorted and disjoint: walk them together.
        while k < len(covered_spans) and covered_spans[k][1] <= start:
            k += 1
        m = k
        while m < len(covered_spans) and covered_spans[m][0] < end:
            covered += min(end, covered_spans[m][1]) - max(start, covered_spans[m][0])
            m += 1
    return covered / total


def _union(spans: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


__all__ = ["AlignConfig", "align_lexical", "coverage"]
