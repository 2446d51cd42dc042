"""Documents in, records out.

Reading gives one DataFrame of documents in ``DOCUMENT_SCHEMA``: the fields of
``retold.model.Document`` plus ``seq``, the reading order (files in path order,
records in file order), which decides representatives and ids exactly as in the
local engine.

* JSONL (plain or gzip) and Parquet are read by Spark itself, from local or
  object-store paths (``s3a://``, ``gs://``, ``abfss://``, ``hdfs://``), and each
  record becomes a document on the executors through the local reader's own
  ``record_document`` (same ids, dates, labels, skips). Record numbers (``line N``,
  ``record N``) come from per-partition row counts: a small table of
  (file, partition) → rows collected once on the driver.
* Every other format (text folders, HTML, WARC, CSV, zstd) goes through
  ``retold.read.iter_documents`` on the driver and is handed to Spark in batches:
  fine for the samples and for corpora that fit the driver's memory.

Writing: JSONL (one JSON object per line, the bytes ``retold.records`` gives the
local engine) or Parquet, as Spark output folders, to local or object-store paths.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlparse

from retold.config import ReadConfig
from retold.model import Document, Skipped
from retold.read import _expand, iter_documents
from retold.read._common import record_document, split_name, too_large
from retold.read.jsonl import _json_error, _loads

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

Reader = Literal["auto", "driver", "spark"]
DOCUMENT_COLUMNS = ("seq", "id", "text", "path", "location", "title", "date", "url", "outlet", "byline")
DOCUMENT_SCHEMA = (
    "seq long, id string, text string, path string, location string, title string, date string,"
    " url string, outlet string, byline string"
)
_READ_SCHEMA = f"{DOCUMENT_SCHEMA}, skip string"
# Documents per DataFrame built from driver-side reading.
DRIVER_CHUNK = 20_000
# monotonically_increasing_id() puts the partition index above this many bits.
PARTITION_SHIFT = 33
SPARK_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".parquet": "parquet",
}


def is_remote(path: str) -> bool:
    """An object-store or HDFS URI rather than a local path."""
    scheme = urlparse(path).scheme
    return len(scheme) > 1 and scheme != "file"


def spark_format(path: str) -> str | None:
    """``jsonl`` or ``parquet`` when Spark reads this file itself, else None."""
    return SPARK_SUFFIXES.get(split_name(path)[1])


def document_row(doc: Document, seq: int) -> dict[str, Any]:
    return {
        "seq": seq,
        "id": doc.id,
        "text": doc.text,
        "path": doc.path,
        "location": doc.location,
        "title": doc.title,
        "date": doc.date,
        "url": doc.url,
        "outlet": doc.outlet,
        "byline": doc.byline,
    }


def row_document(row: dict[str, Any], prefix: str = "") -> Document:
    """The ``Document`` of a row in ``DOCUMENT_SCHEMA`` (columns optionally prefixed)."""
    return Document(
        id=row[prefix + "id"],
        text=row[prefix + "text"],
        path=row[prefix + "path"] or "",
        location=row[prefix + "location"] or "",
        title=row[prefix + "title"],
        date=row[prefix + "date"],
        url=row[prefix + "url"],
        outlet=row[prefix + "outlet"],
        byline=row[prefix + "byline"],
    )


def documents_from_driver(
    spark: SparkSession,
    inputs: Sequence[str | os.PathLike[str]],
    config: ReadConfig,
    on_skip: Callable[[Skipped], None],
) -> DataFrame:
    """Documents read by retold's readers on the driver, as a DataFrame."""
    import pyarrow as pa

    arrow_schema = pa.schema([(name, pa.int64() if name == "seq" else pa.string()) for name in DOCUMENT_COLUMNS])
    frames: list[DataFrame] = []
    rows: list[dict[str, Any]] = []
    for seq, doc in enumerate(iter_documents(inputs, config, on_skip)):
        rows.append(document_row(doc, seq))
        if len(rows) >= DRIVER_CHUNK:
            frames.append(spark.createDataFrame(pa.Table.from_pylist(rows, arrow_schema)))
            rows = []
    if rows or not frames:
        frames.append(spark.createDataFrame(pa.Table.from_pylist(rows, arrow_schema)))
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out


def _file_order(files: Sequence[str]) -> Callable[[str], tuple[int, str]]:
    """Position and display path of the file Spark names by URI (input_file_name())."""
    local = {os.path.abspath(f): (i, f) for i, f in enumerate(files) if not is_remote(f)}
    remote = {f: (i, f) for i, f in enumerate(files) if is_remote(f)}

    def order(uri: str) -> tuple[int, str]:
        if uri.startswith("file:"):
            path = unquote(urlparse(uri).path)
            return local.get(path, (len(files), path))
        # A remote input may be a folder or a glob: its files follow it, by URI.
        for prefix, (i, _) in remote.items():
            if uri == prefix or uri.startswith(prefix.rstrip("/") + "/"):
                return i, uri
        return len(files), uri

    return order


def _numbered(frame: DataFrame, files: Sequence[str]) -> tuple[DataFrame, dict[tuple[str, int], tuple[int, int]], dict]:
    """The frame with ``_file`` and ``_row`` columns (persisted, so they stay put), the
    first record number and first ``seq`` of each (file, partition) run of rows, and
    each file's display path."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    numbered = frame.select(
        "*", F.input_file_name().alias("_file"), F.monotonically_increasing_id().alias("_row")
    ).persist(StorageLevel.MEMORY_AND_DISK)
    runs = (
        numbered.groupBy("_file", F.shiftright("_row", PARTITION_SHIFT).alias("part"))
        .agg(F.min("_row").alias("first"), F.count("*").alias("rows"))
        .collect()
    )
    order = _file_order(files)
    # Within a partition a file's rows are consecutive, and a file's partitions come
    # in file order, so sorting the runs by (file position, first row) is reading order.
    ordered = sorted(runs, key=lambda r: (order(r["_file"]), r["first"]))
    starts: dict[tuple[str, int], tuple[int, int]] = {}
    per_file: dict[str, int] = {}
    seq = 0
    for run in ordered:
        number = per_file.get(run["_file"], 0)
        starts[(run["_file"], run["part"])] = (number - run["first"], seq - run["first"])
        per_file[run["_file"]] = number + run["rows"]
        seq += run["rows"]
    names = {r["_file"]: order(r["_file"])[1] for r in runs}
    return numbered, starts, names


def _arrow_rows(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    import pyarrow as pa

    columns = {name: [r.get(name) for r in rows] for name in (*DOCUMENT_COLUMNS, "skip")}
    types = {"seq": pa.int64()}
    return pa.RecordBatch.from_pydict({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})


def _records_to_documents(
    numbered: DataFrame,
    starts: dict[tuple[str, int], tuple[int, int]],
    names: dict[str, str],
    config: ReadConfig,
    kind: Literal["jsonl", "records"],
) -> DataFrame:
    """Each row (a JSONL line, or a record with named fields) → a document or a skip reason,
    by the local readers' own functions."""

    def convert(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out: list[dict[str, Any]] = []
            for record in batch.to_pylist():
                file, row = record.pop("_file"), record.pop("_row")
                number_base, seq_base = starts[(file, row >> PARTITION_SHIFT)]
                number, seq = number_base + row + 1, seq_base + row
                path = names.get(file, file)
                stem = split_name(path)[0]
                skipped: list[Skipped] = []
                if kind == "jsonl":
                    location = f"line {number}"
                    text = record["value"]
                    if not text or text.isspace():
                        continue
                    if len(text) > config.max_chars:
                        skipped.append(Skipped(path, location, too_large(len(text), config.max_chars)))
                        record = None
                    else:
                        try:
                            record = _loads(text)
                        except json.JSONDecodeError as exc:
                            skipped.append(Skipped(path, location, _json_error(exc)))
                            record = None
                        except RecursionError:
                            skipped.append(Skipped(path, location, "not valid JSON: nested too deeply"))
                            record = None
                        if record is not None and not isinstance(record, dict):
                            skipped.append(Skipped(path, location, f"no '{config.text_field}' field"))
                            record = None
                else:
                    location = f"record {number}"
                doc = None
                if record is not None:
                    doc = record_document(
                        record,
                        config,
                        path=path,
                        stem=stem,
                        number=number,
                        location=location,
                        report=skipped.append,
                    )
                if doc is not None:
                    out.append(document_row(doc, seq))
                for item in skipped:
                    out.append({"seq": seq, "path": item.path, "location": item.location, "skip": item.reason})
            if out:
                yield _arrow_rows(out)

    return numbered.mapInArrow(convert, _READ_SCHEMA)


def _split_skips(frame: DataFrame, on_skip: Callable[[Skipped], None]) -> DataFrame:
    """Documents of ``frame``, after reporting its skip rows and dropping repeated ids
    (the first in reading order is kept, as by the local readers)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    # Converted once: the skips, the repeated ids and every later stage read it.
    frame = frame.persist(StorageLevel.MEMORY_AND_DISK)
    skips = frame.filter(F.col("skip").isNotNull()).select("seq", "path", "location", "skip").orderBy("seq")
    for row in skips.collect():
        on_skip(Skipped(row["path"], row["location"] or "", row["skip"]))
    docs = frame.filter(F.col("skip").isNull()).drop("skip")
    firsts = (
        docs.select("id", "seq", "path", "location")
        .groupBy("id")
        .agg(F.count("*").alias("n"), F.min(F.struct("seq", "path", "location")).alias("first"))
        .filter("n > 1")
    )
    repeated = (
        docs.select("id", "seq", "path", "location")
        .join(firsts, "id")
        .filter(F.col("seq") != F.col("first.seq"))
        .orderBy("seq")
        .collect()
    )
    if not repeated:
        return docs
    for row in repeated:
        first = row["first"]
        where = f"{first['path']}:{first['location']}" if first["location"] else first["path"]
        on_skip(Skipped(row["path"], row["location"] or "", f"repeated id '{row['id']}' (first seen at {where})"))
    dropped = docs.sparkSession.createDataFrame([(r["seq"],) for r in repeated], "seq long")
    return docs.join(dropped, "seq", "left_anti")


def documents_with_spark(
    spark: SparkSession,
    files: Sequence[str],
    config: ReadConfig,
    on_skip: Callable[[Skipped], None],
) -> DataFrame:
    """Documents of JSONL and Parquet files (local or object store) read by Spark."""
    kinds = {spark_format(f) or ("parquet" if f.rstrip("/").endswith("parquet") else "jsonl") for f in files}
    frames: list[DataFrame] = []
    for kind in sorted(kinds):
        group = [f for f in files if (spark_format(f) or "jsonl") == kind]
        if not group:
            continue
        if kind == "jsonl":
            numbered, starts, names = _numbered(spark.read.text(group), files)
            frames.append(_records_to_documents(numbered, starts, names, config, "jsonl"))
        else:
            raw = spark.read.parquet(*group)
            wanted = [c for c in config.record_fields() if c in raw.columns]
            numbered, starts, names = _numbered(raw.select(*wanted), files)
            frames.append(_records_to_documents(numbered, starts, names, config, "records"))
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return _split_skips(out, on_skip)


def dataframe_documents(frame: DataFrame, config: ReadConfig) -> DataFrame:
    """A DataFrame of records (fields named as in ``config``) as documents: a ``seq``
    column is kept as the reading order, else the frame's own row order is used;
    records without text are dropped and repeated ids keep their first."""
    if set(DOCUMENT_COLUMNS) <= set(frame.columns):
        return frame.select(*DOCUMENT_COLUMNS)
    if "seq" in frame.columns:
        # A sorted frame's rows come out of its partitions in order, so record
        # numbers and seq follow the caller's order.
        frame = frame.orderBy("seq")
    numbered, starts, names = _numbered(frame, [])
    names = {file: file or "dataframe" for file in names}
    docs = _records_to_documents(numbered, starts, names, config, "records")
    return _split_skips(docs, lambda _: None)


def read_documents(
    spark: SparkSession,
    inputs: Sequence[str | os.PathLike[str]],
    config: ReadConfig,
    on_skip: Callable[[Skipped], None],
    reader: Reader = "auto",
) -> DataFrame:
    """Documents of ``inputs`` (files, folders, globs, object-store URIs) as a DataFrame.

    ``reader="auto"`` lets Spark read when every input is JSONL or Parquet (or any
    object-store URI), else reads on the driver; ``"spark"`` and ``"driver"`` force one.
    """
    names = [os.fspath(i) for i in inputs]
    remote = [n for n in names if is_remote(n)]
    if remote and len(remote) != len(names):
        raise ValueError("mix of object-store and local inputs: give one kind per run")
    if remote:
        return documents_with_spark(spark, remote, config, on_skip)
    if reader == "driver":
        return documents_from_driver(spark, names, config, on_skip)
    files = [path for path, _ in _expand(names, lambda _: None)]
    if reader == "spark" or (files and all(spark_format(f) for f in files) and "-" not in names):
        if not files:
            return documents_from_driver(spark, names, config, on_skip)
        return documents_with_spark(spark, files, config, on_skip)
    return documents_from_driver(spark, names, config, on_skip)


def write_json_records(records: DataFrame, target: str, fmt: Literal["jsonl", "parquet"], schema: str) -> None:
    """Write a frame with one ``record`` column (a JSON object per row, already in
    output order) as a JSONL or Parquet folder."""
    from pyspark.sql import functions as F

    if fmt == "jsonl":
        records.select("record").write.mode("overwrite").text(target)
    else:
        records.select(F.from_json("record", schema).alias("r")).select("r.*").write.mode("overwrite").parquet(target)


__all__ = [
    "DOCUMENT_COLUMNS",
    "DOCUMENT_SCHEMA",
    "dataframe_documents",
    "documents_from_driver",
    "documents_with_spark",
    "is_remote",
    "read_documents",
    "row_document",
    "write_json_records",
]
