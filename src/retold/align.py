"""Lexical passage alignment of one pair of documents: seed, extend, chain, resolve.

The method follows passim and the strongest PAN text-alignment systems:

1. **Seeds.** Word n-grams (``seed_ngram`` normalised words) shared by both
   documents, found by hashing every n-gram to 64 bits and grouping the hashes of
   both documents with one sort (NumPy, no Python loop over words). An n-gram
   occurring more than ``max_seed_df`` times in either document is skipped: it is a
   formula ("at the same time"), not evidence, and would multiply into
   ``df_a * df_b`` seeds.
2. **Runs.** Seeds on one diagonal (same offset ``j - i``) whose words touch form an
   exact match. Runs are extended by up to ``seed_ngram - 1`` words along their
   diagonal, and two runs of one diagonal are joined when the words between them are
   equal too (a stretch of skipped frequent n-grams), so an exact copy stays whole.
3. **Chains.** Runs are merged, in order, into chains monotone in both documents
   when the next run starts within ``max_gap`` words of the chain's end in *both*
   documents and the gap's edited words (those the other side's gap does not share)
   are few beside the runs around it (``gap_per_word``). The words between runs are
   the edits (substitutions, insertions, deletions). The second rule keeps a
   synonym-spun rewrite, whose shared words come in short runs between rewritten
   stretches, from chaining into one long "edited" passage: that is rewording, for
   the semantic aligner.
4. **Resolution.** Chains are accepted greedily, most matched words first; a chain
   that overlaps an accepted passage on either side is trimmed to the part outside
   it (and split where an accepted passage lies in between) and competes again. So
   passages never overlap in either document, and a sentence a text repeats is
   aligned once, where its surroundings match best. Passages may cross (a moved
   paragraph is its own passage).

Only text inside the ``body`` spans is read; offsets in the result are raw
character offsets, from the first matched word's start to the last one's end.
A passage may run across the boilerplate between two body spans when the words on
both sides of it match; its words (and so its kind and score) are body words only,
and :func:`coverage` counts body characters only.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retold.model import Passage, Span, ordered_body
from retold.text import DOCUMENTS_CACHED, tokens

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
# Odd base of the positional slice hash (odd, so its powers never vanish modulo 2**64).
_SLICE_BASE = np.uint64(0x5851F42D4C957F2D)

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
    ``gap_per_word``: edited words in a gap (words of both documents' gaps that the
    other side's gap does not share) allowed per word of the shorter of the two runs
    beside it; 1.0 lets a long copied run absorb a rewritten clause but stops 4-word
    fragments of a spun sentence from chaining.
    ``float("inf")`` leaves ``max_gap`` as the only limit.
    """

    seed_ngram: int = 4
    max_gap: int = 10
    min_words: int = 10
    max_seed_df: int = 8
    gap_per_word: float = 1.0

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
        _require(self.gap_per_word >= 0, f"gap_per_word must be >= 0, got {self.gap_per_word}")


DEFAULT_CONFIG = AlignConfig()


@dataclass(frozen=True, slots=True)
class _Side:
    """One document's body words: ids shared with the other side, raw offsets of each."""

    ids: np.ndarray  # int64 word ids, equal ids <=> equal normalised words
    hashes: np.ndarray  # uint64 random-looking value of each word id
    prefix: np.ndarray  # uint64 prefix sums of hashes[t] * BASE**t, for O(1) equality of slices
    starts: np.ndarray  # int64 raw start of each word
    ends: np.ndarray  # int64 raw end of each word


@dataclass(frozen=True, slots=True)
class _Runs:
    """Exact matches sorted by (a, b): run ``r`` is ``lengths[r]`` words equal at ``a[r]`` and ``b[r]``.

    Three lists of ints rather than a list of tuples: repetitive text can give hundreds
    of thousands of runs, and plain ints are not tracked by the garbage collector.
    """

    a: list[int]
    b: list[int]
    lengths: list[int]


def _body_words(raw: str, body: Sequence[Span]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Body words of ``raw`` in text order, with their raw ``[start, end)`` offsets.

    Cached: a document in a corpus is a candidate with several others, and
    tokenising it again for each pair took a third of the alignment time. Callers
    must not change what they get.
    """
    return _cached_body_words(raw, tuple(body))


@functools.lru_cache(maxsize=DOCUMENTS_CACHED)
def _cached_body_words(raw: str, body: tuple[Span, ...]) -> tuple[list[str], np.ndarray, np.ndarray]:
    words: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    # In text order, so that word positions and raw offsets increase together.
    for span in ordered_body(raw, body):
        found = tokens(raw[span.start : span.end], offset=span.start)
        words.extend(found.words)
        starts.append(found.starts)
        ends.append(found.ends)
    word_starts = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    word_ends = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    word_starts.setflags(write=False)
    word_ends.setflags(write=False)
    return words, word_starts, word_ends


def _sides(raw_a: str, body_a: Sequence[Span], raw_b: str, body_b: Sequence[Span]) -> tuple[_Side, _Side]:
    words_a, starts_a, ends_a = _body_words(raw_a, body_a)
    words_b, starts_b, ends_b = _body_words(raw_b, body_b)
    # One vocabulary for the pair turns words into small exact ids: comparisons are
    # integer comparisons and no two different words can collide.
    # (dict.fromkeys and map keep the per-word work in C.)
    vocab = {word: k for k, word in enumerate(dict.fromkeys(words_a + words_b))}
    ids_a = np.fromiter(map(vocab.__getitem__, words_a), np.int64, len(words_a))
    ids_b = np.fromiter(map(vocab.__getitem__, words_b), np.int64, len(words_b))
    powers = _powers(max(len(ids_a), len(ids_b)) + 1)
    return _side(ids_a, starts_a, ends_a, powers), _side(ids_b, starts_b, ends_b, powers)


def _powers(count: int) -> np.ndarray:
    """``_SLICE_BASE ** t`` modulo 2**64 for t in [0, count)."""
    powers = np.full(count, _SLICE_BASE, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)


def _side(ids: np.ndarray, starts: np.ndarray, ends: np.ndarray, powers: np.ndarray) -> _Side:
    hashes = _word_hashes(ids)
    prefix = np.zeros(len(ids) + 1, dtype=np.uint64)
    np.cumsum(hashes * powers[: len(ids)], dtype=np.uint64, out=prefix[1:])
    return _Side(ids, hashes, prefix, starts, ends)


def _word_hashes(ids: np.ndarray) -> np.ndarray:
    """A random-looking 64-bit value per word id (splitmix64 finaliser)."""
    # uint64 arithmetic wraps modulo 2**64, which is what the hashes want.
    x = ids.astype(np.uint64) + _GOLDEN
    x = (x ^ (x >> _SHIFT1)) * _MIX1
    x = (x ^ (x >> _SHIFT2)) * _MIX2
    return x ^ (x >> _SHIFT3)


def _ngram_hashes(x: np.ndarray, n: int) -> np.ndarray:
    """64-bit hash of every word n-gram (index = position of its first word)."""
    count = len(x) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        h = h * _NGRAM_PRIME + x[k : k + count]
    return h


def _seeds(a: _Side, b: _Side, n: int, max_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Start positions ``(i, j)`` of every n-gram equal in ``a`` at ``i`` and ``b`` at ``j``."""
    ha, hb = _ngram_hashes(a.hashes, n), _ngram_hashes(b.hashes, n)
    empty = np.zeros(0, dtype=np.int64)
    if len(ha) == 0 or len(hb) == 0:
        return empty, empty
    # One stable sort of both documents' hashes groups equal n-grams, a's members first.
    both = np.concatenate((ha, hb))
    order = np.argsort(both, kind="stable")
    ordered = both[order]
    new = np.ones(len(both), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    group = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    from_a = order < len(ha)
    df_a = np.bincount(group[from_a], minlength=len(first))
    df_b = np.bincount(group[~from_a], minlength=len(first))
    usable = (df_a > 0) & (df_b > 0) & (df_a <= max_df) & (df_b <= max_df)
    # Expand each usable a-occurrence into one seed per b-occurrence of its n-gram.
    at = np.flatnonzero(from_a & usable[group])
    g = group[at]
    count = df_b[g]
    total = int(count.sum())
    i = np.repeat(order[at], count)
    within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    j = order[np.repeat(first[g] + df_a[g], count) + within] - len(ha)
    # Hashes can collide; the words themselves decide.
    same = np.ones(total, dtype=bool)
    for k in range(n):
        same &= a.ids[i + k] == b.ids[j + k]
    return i[same].astype(np.int64), j[same].astype(np.int64)


def _merge_ranges(start: np.ndarray, end: np.ndarray, diag: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union of word ranges ``[start, end)`` (in ``a``) that lie on one diagonal and touch."""
    if len(start) == 0:
        return start, end, diag
    # Sort by (diagonal, start) through one int64 key: faster than lexsort on two keys.
    span = int(start.max()) + 1
    order = np.argsort((diag - diag.min()) * span + start, kind="stable")
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


def _runs(a: _Side, b: _Side, i: np.ndarray, j: np.ndarray, n: int) -> _Runs:
    """Maximal exact matches along the seeds' diagonals, sorted by (a, b)."""
    start, end, diag = _merge_ranges(i, i + n, j - i)
    # Extend along the diagonal by up to n - 1 words each way: a partial n-gram at a
    # run's edge, or words covered only by skipped (too frequent) n-grams, still match.
    la, lb = len(a.ids), len(b.ids)
    growing = np.ones(len(start), dtype=bool)
    for _ in range(n - 1):
        x, y = start - 1, start + diag - 1
        growing &= (x >= 0) & (y >= 0)
        growing[growing] &= a.ids[x[growing]] == b.ids[y[growing]]
        start = start - growing
    growing[:] = True
    for _ in range(n - 1):
        x, y = end, end + diag
        growing &= (x < la) & (y < lb)
        growing[growing] &= a.ids[x[growing]] == b.ids[y[growing]]
        end = end + growing
    # Extension can make two runs of one diagonal meet; merge them again.
    start, end, diag = _merge_ranges(start, end, diag)
    start, end, diag = _bridge_equal_gaps(a, b, start, end, diag)
    b_start = start + diag
    # Sort by (a start, b start) through one int64 key.
    order = np.argsort(start * (int(b_start.max(initial=0)) + 1) + b_start, kind="stable")
    start, end, b_start = start[order], end[order], b_start[order]
    return _Runs(start.tolist(), b_start.tolist(), (end - start).tolist())


def _bridge_equal_gaps(
    a: _Side, b: _Side, start: np.ndarray, end: np.ndarray, diag: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join consecutive runs of one diagonal when the words between them are equal too.

    Such a gap is a stretch of skipped frequent n-grams (a repeated list, a refrain) in
    text copied exactly; without this an exact copy could break into pieces. Slices are
    compared in O(1) by positional prefix hashes: sum of hash[t] * BASE**t over the
    slice, shifted by BASE**|diagonal| to line the two documents up.
    """
    if len(start) < 2:
        return start, end, diag
    k = np.flatnonzero(diag[1:] == diag[:-1])  # input is sorted by (diagonal, start)
    lo, hi, d = end[k], start[k + 1], diag[k]
    sum_a = a.prefix[hi] - a.prefix[lo]
    sum_b = b.prefix[hi + d] - b.prefix[lo + d]
    shift = _powers(int(np.abs(d).max(initial=0)) + 1)[np.abs(d)]
    equal = np.where(d >= 0, sum_a * shift, sum_a) == np.where(d >= 0, sum_b, sum_b * shift)
    join = np.zeros(len(start), dtype=bool)
    join[k[equal] + 1] = True
    first = np.flatnonzero(~join)
    last = np.r_[first[1:], len(start)] - 1
    return start[first], end[last], diag[first]


def _chains(runs: _Runs, a: list[int], b: list[int], max_gap: int, gap_per_word: float, min_words: int) -> list[Chain]:
    """Merge runs into chains monotone in both documents, with gaps of at most ``max_gap`` words
    and at most ``gap_per_word`` edited words (gap words of both sides not shared) per word
    of the shorter run beside the gap.

    A run can continue a chain only if their diagonals differ by at most ``max_gap``
    (the two gaps differ by that much), so open chains are kept in buckets of
    ``max_gap + 1`` diagonals and each run looks into three buckets: the work per run
    stays constant even when repetitive text leaves thousands of chains open. Chains
    are linked lists over run indices until the end, and a lone run shorter than
    ``min_words`` is never materialised.
    """
    xs, ys, lengths = runs.a, runs.b, runs.lengths
    count = len(xs)
    # Per run: the run after it in its chain and how many leading words overlap the
    # chain before it. Per chain (indexed by its first run): its last run and its ends.
    following = [-1] * count
    clipped = [0] * count
    last = list(range(count))
    ends_a = [0] * count
    ends_b = [0] * count
    last_length = [0] * count
    heads: list[int] = []
    width = max_gap + 1
    buckets: dict[int, list[int]] = {}  # diagonal // width of a chain's last run -> open chains
    for r in range(count):
        x, y, length = xs[r], ys[r], lengths[r]
        key = (y - x) // width
        best: tuple[int, int, int] | None = None  # (cost, chain, shift)
        for near in (key - 1, key, key + 1):
            members = buckets.get(near)
            if not members:
                continue
            still_open = []
            for c in members:
                end_a, end_b = ends_a[c], ends_b[c]
                # Runs come sorted by a-start: a chain ending more than max_gap before
                # this run is closed for good.
                if end_a + max_gap < x:
                    continue
                still_open.append(c)
                # A run overlapping the chain's end continues it from the first word past that end.
                shift = max(end_a - x, end_b - y, 0)
                if shift >= length:
                    continue
                gap_a, gap_b = x + shift - end_a, y + shift - end_b
                if gap_a > max_gap or gap_b > max_gap:
                    continue
                # Edits are the gap words the two sides do not share: in a lightly edited
                # copy, several close edits leave short (under n-word) matches between them.
                allowance = gap_per_word * min(last_length[c], length - shift)
                if abs(gap_a - gap_b) > allowance:
                    continue
                if (
                    gap_a + gap_b > allowance
                    and gap_a + gap_b - 2 * _common_words(a[end_a : end_a + gap_a], b[end_b : end_b + gap_b])
                    > allowance
                ):
                    continue
                # Prefer the closest continuation, then the one keeping the diagonal, then the oldest.
                candidate = (max(gap_a, gap_b) * width + abs(gap_a - gap_b), c, shift)
                if best is None or candidate < best:
                    best = candidate
            buckets[near] = still_open
        if best is None:
            heads.append(r)
            ends_a[r], ends_b[r], last_length[r] = x + length, y + length, length
            buckets.setdefault(key, []).append(r)
        else:
            _, c, shift = best
            tail = last[c]
            old_key = (ys[tail] - xs[tail]) // width
            following[tail], clipped[r], last[c] = r, shift, r
            ends_a[c], ends_b[c], last_length[c] = x + length, y + length, length - shift
            if old_key != key:
                buckets[old_key].remove(c)
                buckets.setdefault(key, []).append(c)
    chains: list[Chain] = []
    for head in heads:
        if following[head] < 0 and lengths[head] < min_words:
            continue
        chain: Chain = []
        r = head
        while r >= 0:
            shift = clipped[r]
            chain.append((xs[r] + shift, ys[r] + shift, lengths[r] - shift))
            r = following[r]
        chains.append(chain)
    return chains


def _end(chain: Chain) -> tuple[int, int]:
    x, y, length = chain[-1]
    return x + length, y + length


def _matched(chain: Chain, a: list[int], b: list[int]) -> int:
    """Words matched in a chain: its runs plus what the gaps still share."""
    total = sum(run[2] for run in chain)
    for (x0, y0, l0), (x1, y1, _) in itertools.pairwise(chain):
        total += _common_words(a[x0 + l0 : x1], b[y0 + l0 : y1])
    return total


def _common_words(gap_a: list[int], gap_b: list[int]) -> int:
    """Words two short gaps share in order (difflib's matching blocks, close to their LCS)."""
    if not gap_a or not gap_b:
        return 0
    matcher = difflib.SequenceMatcher(None, gap_a, gap_b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


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
    i, j = _seeds(side_a, side_b, config.seed_ngram, config.max_seed_df)
    if len(i) == 0:
        return []
    # Python lists index far faster than NumPy arrays one element at a time.
    a, b = side_a.ids.tolist(), side_b.ids.tolist()
    runs = _runs(side_a, side_b, i, j, config.seed_ngram)
    chains = _chains(runs, a, b, config.max_gap, config.gap_per_word, config.min_words)
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
