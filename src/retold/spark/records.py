"""Output tables as DataFrames with the fields of ``retold.records``.

Executors hand results over as JSON objects with full-precision numbers, parsed
into typed columns (``PAIR_FIELDS``, …), so a DataFrame holds what the local
engine's objects hold. Writing goes back through ``retold.records`` on the
executors (``pair_to_dict`` and friends, which round scores to 4 places), so a
JSONL line is byte for byte the line the local engine writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from retold.model import Cluster, Pair
from retold.records import cluster_to_dict, pair_from_dict, pair_to_dict

from .io import write_json_records

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

SCORES = "struct<jaccard double, containment_a double, containment_b double, aligned_a double, aligned_b double>"
PASSAGE = "struct<a_span array<long>, b_span array<long>, kind string, score double>"
PAIR_FIELDS = (
    f"a string, b string, label string, source string, confidence double, reasons array<string>,"
    f" scores {SCORES}, passages array<{PASSAGE}>"
)
CLUSTER_FIELDS = "id string, cluster string, representative string, similarity double"
DOCUMENT_FIELDS = (
    "id string, path string, location string, title string, date string, outlet string, byline string,"
    " url string, chars long, body array<array<long>>, boilerplate array<array<long>>,"
    " boilerplate_reasons array<string>"
)
Format = Literal["jsonl", "parquet"]


def pair_from_row(row: dict[str, Any]) -> Pair:
    """The ``Pair`` of a pairs-frame row (as a dict)."""
    return pair_from_dict(row)


def cluster_from_row(row: dict[str, Any]) -> Cluster:
    return Cluster(row["id"], row["cluster"], row["representative"], row["similarity"])


def parse_records(frame: DataFrame, fields: str, keep: tuple[str, ...] = ()) -> DataFrame:
    """Columns ``fields`` parsed from the JSON ``record`` column, plus the ``keep`` columns."""
    from pyspark.sql import functions as F

    return frame.select(*keep, F.from_json("record", fields).alias("r")).select("r.*", *keep)


def _rounded(frame: DataFrame, to_dict: Callable[[dict[str, Any]], dict[str, Any]], columns: list[str]) -> DataFrame:
    import pyarrow as pa

    def convert(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            lines = [json.dumps(to_dict(row), ensure_ascii=False, allow_nan=False) for row in batch.to_pylist()]
            yield pa.RecordBatch.from_arrays([pa.array(lines, type=pa.string())], names=["record"])

    return frame.select(*columns).mapInArrow(convert, "record string")


def pair_records(pairs: DataFrame) -> DataFrame:
    """One ``record`` (a pairs.jsonl line) per pair, ordered by (a, b)."""
    columns = ["a", "b", "label", "source", "confidence", "reasons", "scores", "passages"]
    return _rounded(pairs.orderBy("a", "b"), lambda row: pair_to_dict(pair_from_dict(row)), columns)


def cluster_records(clusters: DataFrame) -> DataFrame:
    """One ``record`` per document, in reading order."""
    return _rounded(
        clusters.orderBy("seq"),
        lambda row: cluster_to_dict(cluster_from_row(row)),
        ["id", "cluster", "representative", "similarity"],
    )


def write_pairs(pairs: DataFrame, target: str, fmt: Format = "jsonl") -> None:
    write_json_records(pair_records(pairs), target, fmt, PAIR_FIELDS)


def write_clusters(clusters: DataFrame, target: str, fmt: Format = "jsonl") -> None:
    write_json_records(cluster_records(clusters), target, fmt, CLUSTER_FIELDS)


__all__ = [
    "CLUSTER_FIELDS",
    "DOCUMENT_FIELDS",
    "PAIR_FIELDS",
    "cluster_from_row",
    "cluster_records",
    "pair_from_row",
    "pair_records",
    "parse_records",
    "write_clusters",
    "write_pairs",
]
