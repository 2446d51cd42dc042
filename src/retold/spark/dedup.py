"""``retold dedup`` as DataFrame jobs.

    documents ─ mapInArrow: whole text → fingerprint (signatures as LSH band keys, shingles)
              ─ candidates: body hash and (band, key) groups → pairs (explode + groupBy)
              ─ verify: join both shingle sets per pair → exact Jaccard (mapInArrow)
              ─ connected components of verified pairs (large-star / small-star)
              ─ clusters: each component, in reading order, greedily around representatives
                (applyInArrow, one component per call)

Everything runs on the executors; the driver only plans. The answers are the local
engine's (``retold.pipeline._verify`` and ``_clusters``): the same functions decide
each pair and each representative.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from retold.config import DedupConfig, Settings
from retold.fingerprint import jaccard_and_containment
from retold.model import Document, Pair, PairScores
from retold.pipeline import whole_text
from retold.records import pair_to_dict

from .candidates import exact_pairs, lsh_pairs
from .fingerprints import FINGERPRINT_FIELDS, fingerprint_columns, shingles_of
from .graph import connected_components
from .io import dataframe_documents
from .records import PAIR_FIELDS, parse_records

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

PREPARED_SCHEMA = f"seq long, id string, {FINGERPRINT_FIELDS}"
VERIFIED_SCHEMA = "a_seq long, b_seq long, jaccard double, record string"
_VERIFIED_ARROW = pa.schema(
    [("a_seq", pa.int64()), ("b_seq", pa.int64()), ("jaccard", pa.float64()), ("record", pa.string())]
)
CLUSTER_SCHEMA = "seq long, id string, cluster string, representative string, similarity double"


def prepare(documents: DataFrame, config: DedupConfig) -> DataFrame:
    """Fingerprints of each document's text as given (no boilerplate removal)."""

    def compute(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            ids = batch.column("id").to_pylist()
            texts = batch.column("text").to_pylist()
            bodies = [whole_text(Document(i, t, "")).body_text(t) for i, t in zip(ids, texts, strict=True)]
            columns = {"seq": batch.column("seq"), "id": batch.column("id")}
            columns.update(fingerprint_columns(bodies, config, with_anchors=False))
            yield pa.RecordBatch.from_pydict(columns)

    return documents.select("seq", "id", "text").mapInArrow(compute, PREPARED_SCHEMA)


def candidate_pairs(prepared: DataFrame) -> DataFrame:
    """Exact-duplicate and LSH candidates, each pair once."""
    return exact_pairs(prepared).unionByName(lsh_pairs(prepared)).distinct()


def _sided(prepared: DataFrame, side: str, columns: tuple[str, ...]) -> DataFrame:
    return prepared.select(*(prepared[c].alias(f"{side}_{c}") for c in columns))


def verify(candidates: DataFrame, prepared: DataFrame, threshold: float) -> DataFrame:
    """Pairs with exact Jaccard >= ``threshold`` or the same normalised words."""

    columns = ("seq", "id", "body_hash", "shingles")
    joined = (
        candidates.withColumnRenamed("i", "i_seq")
        .withColumnRenamed("j", "j_seq")
        .join(_sided(prepared, "i", columns), "i_seq")
        .join(_sided(prepared, "j", columns), "j_seq")
    )

    def decide(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out: dict[str, list] = {"a_seq": [], "b_seq": [], "jaccard": [], "record": []}
            for row in batch.to_pylist():
                # The pair's a is the smaller id, as in the local engine's records.
                first, second = ("i", "j") if row["i_id"] < row["j_id"] else ("j", "i")
                jaccard, contained_a, contained_b = jaccard_and_containment(
                    shingles_of(row[f"{first}_shingles"]), shingles_of(row[f"{second}_shingles"])
                )
                if not (row["i_body_hash"] == row["j_body_hash"] or jaccard >= threshold):
                    continue
                scores = PairScores(jaccard, contained_a, contained_b)
                pair = Pair(
                    row[f"{first}_id"], row[f"{second}_id"], "duplicate", scores, reasons=(f"Jaccard {jaccard:.3f}",)
                )
                out["a_seq"].append(row[f"{first}_seq"])
                out["b_seq"].append(row[f"{second}_seq"])
                out["jaccard"].append(jaccard)
                out["record"].append(json.dumps(pair_to_dict(pair, digits=None), ensure_ascii=False))
            if out["record"]:
                yield pa.RecordBatch.from_pydict(out, schema=_VERIFIED_ARROW)

    return joined.mapInArrow(decide, VERIFIED_SCHEMA)


def clusters(prepared: DataFrame, verified: DataFrame, threshold: float) -> DataFrame:
    """One row per document: its cluster (the representative's id) and its exact Jaccard
    similarity to the representative."""
    from pyspark.sql import functions as F

    labels = connected_components(verified.select(F.col("a_seq").alias("src"), F.col("b_seq").alias("dst")))
    members = prepared.select("seq", "id", "shingles").join(
        labels.select(F.col("node").alias("seq"), "component"), "seq"
    )

    def assign(group: pa.Table) -> pa.Table:
        order = sorted(range(group.num_rows), key=group.column("seq").to_pylist().__getitem__)
        seqs = [group.column("seq")[k].as_py() for k in order]
        ids = [group.column("id")[k].as_py() for k in order]
        prints = [shingles_of(group.column("shingles")[k].as_py()) for k in order]
        known: dict[tuple[int, int], float] = {}

        def similarity(i: int, j: int) -> float:
            key = (min(i, j), max(i, j))
            if key not in known:
                known[key] = jaccard_and_containment(prints[i], prints[j])[0]
            return known[key]

        # In reading order, each document joins the first representative it is close
        # enough to, or becomes one (retold.pipeline._clusters).
        centers: list[int] = []
        chosen: list[int] = []
        scores: list[float] = []
        for k in range(len(seqs)):
            joined = next((c for c in centers if similarity(k, c) >= threshold), None)
            if joined is None:
                centers.append(k)
                chosen.append(k)
                scores.append(1.0)
            else:
                chosen.append(joined)
                scores.append(similarity(k, joined))
        representatives = [ids[c] for c in chosen]
        return pa.table(
            {
                "seq": pa.array(seqs, pa.int64()),
                "id": pa.array(ids, pa.string()),
                "cluster": pa.array(representatives, pa.string()),
                "representative": pa.array(representatives, pa.string()),
                "similarity": pa.array(scores, pa.float64()),
            }
        )

    grouped = members.groupBy("component").applyInArrow(assign, CLUSTER_SCHEMA)
    alone = prepared.select("seq", "id").join(grouped.select("seq"), "seq", "left_anti")
    singles = alone.select(
        "seq", "id", F.col("id").alias("cluster"), F.col("id").alias("representative"), F.lit(1.0).alias("similarity")
    )
    return grouped.unionByName(singles)


def dedup_dataframe(documents: DataFrame, settings: Settings | None = None) -> tuple[DataFrame, DataFrame]:
    """Dedup clusters and verified pairs of a DataFrame of documents.

    ``documents`` has a text column and an id column named as in ``settings.read``
    (``text``, ``id`` by default; rows without an id get ``dataframe:<row>``) and
    optionally ``seq``, the reading order that decides representatives (else the
    frame's row order). Returns ``(clusters, pairs)``: clusters with the fields of
    ``retold dedup`` records plus ``seq``; pairs with the fields of pairs.jsonl
    (label ``duplicate``) plus ``a_seq`` and ``b_seq``. Both are lazy; persist them
    if you use them more than once.
    """
    settings = settings or Settings()
    docs = dataframe_documents(documents, settings.read)
    return _dedup(docs, settings)


def _dedup(docs: DataFrame, settings: Settings) -> tuple[DataFrame, DataFrame]:
    from pyspark import StorageLevel

    config = settings.dedup
    prepared = prepare(docs, config).persist(StorageLevel.MEMORY_AND_DISK)
    verified = verify(candidate_pairs(prepared), prepared, config.threshold).persist(StorageLevel.MEMORY_AND_DISK)
    grouped = clusters(prepared, verified, config.threshold)
    pairs = parse_records(verified, PAIR_FIELDS, keep=("a_seq", "b_seq"))
    return grouped, pairs


__all__ = ["candidate_pairs", "clusters", "dedup_dataframe", "prepare", "verify"]
