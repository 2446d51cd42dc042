"""Corpus boilerplate: body lines that recur across documents which are not copies of each other.

An outlet's footer recurs on every page of the outlet while the pages around it differ;
a syndicated story recurs line for line in every copy. Both put a line into many
documents, so a recurring line is boilerplate only when the documents holding it share
little else: for each holder, the share of its fingerprinted lines that also occur in
another holder; if the median share exceeds ``CleanConfig.recurring_max_shared`` the
holders are copies of one article and the line stays body.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import xxhash

from retold.clean.spans import body_lines, body_spans
from retold.config import CleanConfig
from retold.model import Boilerplate, CleanDocument, Document, Span
from retold.text import normalize

RECURRING_REASON = "recurring line"
# The copy test looks at no more than this many holders of a line (evenly spaced, so
# deterministic): a median over 64 documents is as telling as one over 100,000 and the
# cost stays bounded for a footer on every page of a large outlet.
MAX_HOLDERS_CHECKED = 64

_EMPTY = np.zeros(0, dtype=np.uint64)


def _hashed_lines(doc: Document, cleaned: CleanDocument, config: CleanConfig) -> list[tuple[int, int, int]]:
    """``(start, end, hash)`` of the body lines that may be furniture: long enough to be
    evidence, short enough not to be prose."""
    if cleaned.doc_id != doc.id:
        raise ValueError(f"cleaned document {cleaned.doc_id!r} does not belong to document {doc.id!r}")
    found: list[tuple[int, int, int]] = []
    for start, end in body_lines(doc.text, cleaned.body):
        norm = normalize(doc.text[start:end])
        if len(norm) >= config.recurring_min_chars and norm.count(" ") < config.recurring_max_words:
            found.append((start, end, xxhash.xxh3_64_intdigest(norm.encode("utf-8"))))
    return found


def line_fingerprints(doc: Document, cleaned: CleanDocument, config: CleanConfig) -> np.ndarray:
    """Sorted unique uint64 hashes of the document's normalised body lines (>= recurring_min_chars)."""
    found = _hashed_lines(doc, cleaned, config)
    if not found:
        return _EMPTY.copy()
    return np.unique(np.fromiter((h for _, _, h in found), dtype=np.uint64, count=len(found)))


def find_recurring_lines(docs: Iterable[tuple[str, np.ndarray]], config: CleanConfig) -> np.ndarray:
    """Sorted uint64 line hashes that are corpus boilerplate.

    ``docs`` yields ``(doc_id, line_fingerprints(...))`` per document; each document is
    counted once per line however often the line occurs in it.
    """
    arrays = [np.unique(np.asarray(hashes, dtype=np.uint64)) for _, hashes in docs]
    if not arrays:
        return _EMPTY.copy()
    lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
    if lengths.sum() == 0:
        return _EMPTY.copy()
    all_hashes = np.concatenate(arrays)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    owner = np.repeat(np.arange(len(arrays), dtype=np.int64), lengths)

    # Sorting by hash puts the holders of each line next to each other, in document order.
    order = np.argsort(all_hashes, kind="stable")
    sorted_owner = owner[order]
    unique, first, counts = np.unique(all_hashes[order], return_index=True, return_counts=True)
    candidates = np.flatnonzero(counts >= config.recurring_min_docs)

    keep = np.zeros(unique.size, dtype=bool)
    verdicts: dict[bytes, bool] = {}  # one test per set of holders: a footer's lines share theirs
    for i in candidates:
        holders = sorted_owner[first[i] : first[i] + counts[i]]
        if holders.size > MAX_HOLDERS_CHECKED:
            holders = holders[np.linspace(0, holders.size - 1, MAX_HOLDERS_CHECKED).round().astype(np.int64)]
        key = holders.tobytes()
        if key not in verdicts:
            verdicts[key] = _are_copies(holders, all_hashes, offsets, config.recurring_max_shared)
        keep[i] = not verdicts[key]
    return unique[keep]


def _are_copies(holders: np.ndarray, all_hashes: np.ndarray, offsets: np.ndarray, max_shared: float) -> bool:
    segments = [all_hashes[offsets[d] : offsets[d + 1]] for d in holders]
    sizes = np.fromiter((s.size for s in segments), dtype=np.int64, count=len(segments))
    _, inverse, counts = np.unique(np.concatenate(segments), return_inverse=True, return_counts=True)
    shared = (counts[inverse] >= 2).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    share = np.add.reduceat(shared, starts) / sizes
    return float(np.median(share)) > max_shared


def apply_recurring(doc: Document, cleaned: CleanDocument, recurring: np.ndarray, config: CleanConfig) -> CleanDocument:
    """``cleaned`` with the body lines whose hash is in ``recurring`` turned into boilerplate."""
    if recurring.size == 0:
        return cleaned
    found = _hashed_lines(doc, cleaned, config)
    if not found:
        return cleaned
    recurring = np.sort(np.asarray(recurring, dtype=np.uint64))
    hashes = np.fromiter((h for _, _, h in found), dtype=np.uint64, count=len(found))
    positions = np.minimum(np.searchsorted(recurring, hashes), recurring.size - 1)
    hits = recurring[positions] == hashes
    if not hits.any():
        return cleaned
    added = [Boilerplate(Span(s, e), RECURRING_REASON) for (s, e, _), hit in zip(found, hits, strict=True) if hit]
    boilerplate = tuple(sorted((*cleaned.boilerplate, *added), key=lambda b: (b.span.start, b.span.end)))
    return dataclasses.replace(
        cleaned, body=body_spans(doc.text, (b.span for b in boilerplate)), boilerplate=boilerplate
    )
