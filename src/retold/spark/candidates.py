"""Candidate pairs as DataFrame jobs, with the local engine's grouping rules.

Every route groups documents by a key (body hash, an LSH band's key, an anchor)
with ``groupBy`` and turns each group into pairs on the executors with
``retold.candidates._pairs_in_groups`` itself: members in reading order, all pairs
in small groups, a star plus a chain in large ones. So the candidate set is the
local engine's, pair for pair.

Pairs are ``(i, j)`` rows of ``seq`` values with ``i < j``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from retold.candidates import MAX_ANCHOR_DOCS, MAX_BUCKET_ALL_PAIRS, MIN_SHARED_ANCHORS, _pairs_in_groups

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

PAIR_SCHEMA = "i long, j long"


def _pair_batch(pairs: np.ndarray) -> pa.RecordBatch:
    import pyarrow as pa

    pairs = np.sort(pairs.astype(np.int64).reshape(-1, 2), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return pa.RecordBatch.from_arrays([pa.array(pairs[:, 0]), pa.array(pairs[:, 1])], names=["i", "j"])


def pairs_in_groups(members: DataFrame, key: str, all_pairs_upto: int = MAX_BUCKET_ALL_PAIRS) -> DataFrame:
    """Pairs of ``seq`` values sharing a ``key`` (columns ``key``, ``seq`` in ``members``);
    groups larger than ``all_pairs_upto`` give a star plus a chain."""
    from pyspark.sql import functions as F

    groups = members.groupBy(key).agg(F.collect_list("seq").alias("members")).filter(F.size("members") >= 2)

    def expand(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            lists = batch.column("members")
            if not len(lists):
                continue
            values = lists.values.to_numpy(zero_copy_only=False)
            offsets = lists.offsets.to_numpy(zero_copy_only=False)
            sizes = np.diff(offsets)
            starts = offsets[:-1].astype(np.int64)
            # Reading order inside each group, as the local engine's stable sort gives.
            group_of = np.repeat(np.arange(len(sizes)), sizes)
            order = values[np.lexsort((values, group_of))]
            yield _pair_batch(_pairs_in_groups(order, starts, sizes.astype(np.int64), all_pairs_upto))

    return groups.select("members").mapInArrow(expand, PAIR_SCHEMA)


def exact_pairs(prepared: DataFrame) -> DataFrame:
    """Documents with the same normalised body (``body_hash``)."""
    return pairs_in_groups(prepared.select("seq", "body_hash"), "body_hash")


def lsh_pairs(prepared: DataFrame) -> DataFrame:
    """Documents sharing an LSH band: ``bands`` (one key per band) exploded, grouped by (band, key)."""
    from pyspark.sql import functions as F

    exploded = prepared.filter(~F.col("empty")).select("seq", F.posexplode("bands").alias("band", "key"))
    keyed = exploded.select("seq", F.struct("band", "key").alias("bucket"))
    return pairs_in_groups(keyed, "bucket")


def anchor_pairs(prepared: DataFrame) -> DataFrame:
    """Documents sharing at least ``MIN_SHARED_ANCHORS`` anchors held by at most
    ``MAX_ANCHOR_DOCS`` documents (commoner ones are stock phrases)."""
    from pyspark.sql import functions as F

    exploded = prepared.select("seq", F.explode("anchors").alias("anchor"))
    groups = (
        exploded.groupBy("anchor")
        .agg(F.count("*").alias("n"))
        .filter((F.col("n") >= 2) & (F.col("n") <= MAX_ANCHOR_DOCS))
    )
    kept = exploded.join(groups.select("anchor"), "anchor")
    shared = pairs_in_groups(kept, "anchor", all_pairs_upto=MAX_ANCHOR_DOCS)
    return shared.groupBy("i", "j").count().filter(F.col("count") >= MIN_SHARED_ANCHORS).select("i", "j")


__all__ = ["PAIR_SCHEMA", "anchor_pairs", "exact_pairs", "lsh_pairs", "pairs_in_groups"]
