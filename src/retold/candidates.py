"""Candidates: the pairs worth a closer look, without comparing all pairs.

Three routes, all over whole-corpus NumPy arrays:

* exact duplicates, by the hash of the normalised body text;
* near-duplicates, by LSH over MinHash signatures (bands and rows derived from
  the Jaccard threshold in ``DedupConfig``);
* containment and shared passages, by anchors (a consistent sample of shingles,
  see ``fingerprint.anchors``): documents sharing enough anchors are paired even
  when one is much longer than the other, which Jaccard cannot see.

Candidates are then verified by exact Jaccard and containment on the shingles.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .config import DedupConfig
from .fingerprint import _mix64, is_empty

U64 = np.uint64
# Buckets larger than this are linked as a star plus a chain instead of all
# pairs, so a thousand copies of one text cost a thousand pairs, not half a million.
MAX_BUCKET_ALL_PAIRS = 32
# An anchor found in more documents than this is a stock phrase, not evidence of reuse.
MAX_ANCHOR_DOCS = 64
MIN_SHARED_ANCHORS = 2
# Document-vector neighbours: exact below this many documents, an IVF index above.
EXACT_NEIGHBOURS_UPTO = 20_000
NEIGHBOUR_BLOCK = 1024
IVF_LISTS_PER_SQRT = 4
IVF_TRAIN_PER_LIST = 40
IVF_PROBES = 8
IVF_SEED = 7


def _pairs_in_groups(
    order: np.ndarray, group_starts: np.ndarray, group_sizes: np.ndarray, all_pairs_upto: int = MAX_BUCKET_ALL_PAIRS
) -> np.ndarray:
    """All index pairs within each group of ``order`` (star plus chain for groups
    larger than ``all_pairs_upto``)."""
    out: list[np.ndarray] = []
    small = group_sizes <= all_pairs_upto
    if small.any():
        starts, sizes = group_starts[small], group_sizes[small]
        position = np.repeat(starts, sizes) + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))
        end_of_group = np.repeat(starts + sizes, sizes)
        for step in range(1, int(sizes.max())):
            ok = position + step < end_of_group
            if not ok.any():
                break
            out.append(np.stack([order[position[ok]], order[position[ok] + step]], axis=1))
    for start, size in zip(group_starts[~small].tolist(), group_sizes[~small].tolist(), strict=True):
        members = order[start : start + size]
        out.append(np.stack([np.full(size - 1, members[0]), members[1:]], axis=1))
        out.append(np.stack([members[1:-1], members[2:]], axis=1))
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable sort order of ``keys`` and the start and size of each run of >= 2 equal keys."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    boundary = np.flatnonzero(np.diff(sorted_keys) != 0) + 1
    starts = np.concatenate([[0], boundary])
    sizes = np.diff(np.append(starts, len(keys)))
    keep = sizes >= 2
    return order, starts[keep], sizes[keep]


def normalize_pairs(pairs: np.ndarray) -> np.ndarray:
    """Pairs as sorted unique ``(i, j)`` rows with ``i < j``."""
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(pairs.astype(np.int64), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0)


def pairs_not_in(pairs: np.ndarray, known: np.ndarray, n: int) -> np.ndarray:
    """The rows of ``pairs`` that are not rows of ``known`` (both normalised, indices < n)."""
    if not len(pairs) or not len(known):
        return pairs
    key = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    known_key = known[:, 0].astype(np.int64) * n + known[:, 1]
    return pairs[~np.isin(key, known_key)]


def exact_pairs(content_hashes: Sequence[str]) -> np.ndarray:
    """Index pairs of documents whose normalised body texts are identical."""
    if not len(content_hashes):
        return np.zeros((0, 2), dtype=np.int64)
    # A 64-bit key per hash groups the candidates in 8 bytes per document instead of a
    # fixed-width string array; verification compares the whole hashes.
    keys = np.fromiter(
        (xxhash.xxh3_64_intdigest(h.encode()) for h in content_hashes), dtype=U64, count=len(content_hashes)
    )
    order, starts, sizes = _groups(keys)
    return normalize_pairs(_pairs_in_groups(order, starts, sizes))


def band_keys(signatures: np.ndarray, config: DedupConfig) -> np.ndarray:
    """One uint64 key per document and band, shape ``(documents, bands)``."""
    n = len(signatures)
    keys = np.empty((n, config.bands), dtype=U64)
    with np.errstate(over="ignore"):
        for band in range(config.bands):
            block = signatures[:, band * config.rows : (band + 1) * config.rows].astype(U64)
            acc = np.full(n, U64(band + 1))
            for column in range(config.rows):
                acc = _mix64(acc ^ block[:, column])
            keys[:, band] = acc
    return keys


def lsh_pairs(signatures: np.ndarray, config: DedupConfig) -> np.ndarray:
    """Index pairs that share at least one LSH band; documents without words never pair."""
    usable = np.flatnonzero(~is_empty(signatures)) if len(signatures) else np.zeros(0, np.int64)
    if len(usable) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    # Indexing copies the signatures (512 MB per million documents): only when some are empty.
    keys = band_keys(signatures if len(usable) == len(signatures) else signatures[usable], config)
    found: list[np.ndarray] = []
    for band in range(config.bands):
        order, starts, sizes = _groups(keys[:, band])
        if len(starts):
            found.append(usable[_pairs_in_groups(order, starts, sizes)])
    return normalize_pairs(np.concatenate(found)) if found else np.zeros((0, 2), dtype=np.int64)


def anchor_pairs(anchor_lists: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs sharing at least ``MIN_SHARED_ANCHORS`` anchors, and how many they share."""
    if not anchor_lists:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = np.fromiter((len(a) for a in anchor_lists), dtype=np.int64, count=len(anchor_lists))
    values = np.concatenate(anchor_lists) if lengths.sum() else np.zeros(0, dtype=U64)
    owners = np.repeat(np.arange(len(anchor_lists)), lengths)
    order, starts, sizes = _groups(values)
    keep = sizes <= MAX_ANCHOR_DOCS
    starts, sizes = starts[keep], sizes[keep]
    if not len(starts):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    # Shared anchors are counted per pair, so every pair of a kept group is needed.
    pairs = _pairs_in_groups(owners[order], starts, sizes, all_pairs_upto=MAX_ANCHOR_DOCS)
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    strong = counts >= MIN_SHARED_ANCHORS
    return unique[strong], counts[strong]


def _exact_neighbours(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(vectors)
    k = min(k, n - 1)
    sims = np.empty((n, k), dtype=np.float32)
    idx = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, NEIGHBOUR_BLOCK):
        block = vectors[start : start + NEIGHBOUR_BLOCK] @ vectors.T
        rows = np.arange(len(block))
        block[rows, start + rows] = -np.inf  # not its own neighbour
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        sims[start : start + len(block)] = np.take_along_axis(block, top, axis=1)
        idx[start : start + len(block)] = top
    return sims, idx


def _ivf_neighbours(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    import faiss

    n, dim = vectors.shape
    lists = int(IVF_LISTS_PER_SQRT * np.sqrt(n))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(IVF_SEED).choice(n, min(n, IVF_TRAIN_PER_LIST * lists), replace=False)
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    index.nprobe = IVF_PROBES
    sims, idx = index.search(vectors, k + 1)
    own = idx == np.arange(n)[:, None]
    sims[own] = -np.inf
    return sims, idx


def neighbour_pairs(vectors: np.ndarray, k: int, min_cosine: float) -> np.ndarray:
    """Pairs of documents among each other's ``k`` nearest neighbours by cosine of their
    (L2-normalised) vectors, at least ``min_cosine`` apart.

    Exact below ``EXACT_NEIGHBOURS_UPTO`` documents; above, an inverted-file index
    (FAISS IVF, ``nprobe`` lists of ~4·sqrt(n)) when faiss is installed, which keeps
    the cost near n**1.5 instead of n**2.
    """
    n = len(vectors)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    use_ivf = n > EXACT_NEIGHBOURS_UPTO
    if use_ivf:
        try:
            import faiss  # noqa: F401
        except ImportError:
            use_ivf = False
    sims, idx = _ivf_neighbours(vectors, k) if use_ivf else _exact_neighbours(vectors, k)
    rows = np.repeat(np.arange(n), idx.shape[1])
    keep = (sims.ravel() >= min_cosine) & (idx.ravel() >= 0)
    return normalize_pairs(np.stack([rows[keep], idx.ravel()[keep]], axis=1))


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes (union-find over the edges)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if not len(edges):
        return np.arange(n, dtype=np.int64)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


__all__ = [
    "MAX_ANCHOR_DOCS",
    "anchor_pairs",
    "band_keys",
    "components",
    "exact_pairs",
    "lsh_pairs",
    "neighbour_pairs",
    "normalize_pairs",
]
