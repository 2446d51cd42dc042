"""Per-document fingerprints on the executors, by retold's own NumPy functions.

One Arrow batch of documents → one call of ``retold.fingerprint.fingerprint``, as
in the local engine's ingest: word hashes, shingles, one-permutation MinHash,
anchors, content hash. The signature leaves as its LSH band keys
(``retold.candidates.band_keys``), ready to explode; shingles leave as the sorted
unique uint64 hashes (bytes), which exact Jaccard and containment need later.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from retold.candidates import band_keys
from retold.config import DedupConfig
from retold.fingerprint import fingerprint, is_empty

FINGERPRINT_FIELDS = "body_hash string, empty boolean, bands array<long>, anchors array<long>, shingles binary"


def _list_array(arrays: Sequence[np.ndarray]) -> pa.Array:
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    values = np.concatenate(arrays).view(np.int64) if lengths.sum() else np.zeros(0, np.int64)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.int64()))


def fingerprint_columns(bodies: Sequence[str], config: DedupConfig, with_anchors: bool) -> dict[str, pa.Array]:
    """The ``FINGERPRINT_FIELDS`` columns of a batch of body texts."""
    prints = fingerprint(bodies, config, with_anchors=with_anchors)
    count = len(bodies)
    empty = is_empty(prints.signatures) if count else np.zeros(0, dtype=bool)
    keys = band_keys(prints.signatures, config) if count else np.zeros((0, config.bands), np.uint64)
    shingle_bytes = [np.unique(prints.shingles.of(i)).tobytes() for i in range(count)]
    return {
        "body_hash": pa.array(prints.content_hashes, type=pa.string()),
        "empty": pa.array(empty, type=pa.bool_()),
        "bands": _list_array([keys[i] for i in range(count)]),
        "anchors": _list_array([a.astype(np.uint64) for a in prints.anchors]),
        "shingles": pa.array(shingle_bytes, type=pa.binary()),
    }


def shingles_of(value: bytes) -> np.ndarray:
    return np.frombuffer(value, dtype=np.uint64)


__all__ = ["FINGERPRINT_FIELDS", "fingerprint_columns", "shingles_of"]
