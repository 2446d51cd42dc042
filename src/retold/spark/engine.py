"""``retold.dedup`` / ``retold.analyze`` with ``engine="spark"``: read, run the jobs,
bring the results back as the local engine's result objects, write the outputs.

Outputs to a local path are written by the driver with ``retold.export``, so the
files are the local engine's, byte for byte (report.html included). Outputs to
an object-store or HDFS URI are written by Spark as folders of part files
(JSONL, or Parquet when the name ends in ``.parquet``); no report is rendered there.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from retold import export
from retold.config import Settings
from retold.model import Pair, RunSummary, Skipped

from .io import is_remote, read_documents
from .records import cluster_from_row, pair_from_row, write_clusters, write_json_records, write_pairs
from .session import get_session

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from retold.api import AnalysisResult, DedupResult
    from retold.pipeline import ProgressCallback

PathLike = str | os.PathLike[str]


def _counted_skips(summary: RunSummary, on_skip: Callable[[Skipped], None]) -> Callable[[Skipped], None]:
    def skip(item: Skipped) -> None:
        summary.skipped.append(item)
        on_skip(item)

    return skip


def _read(
    inputs: Sequence[PathLike],
    settings: Settings,
    master: str | None,
    on_skip: Callable[[Skipped], None],
    progress: ProgressCallback,
) -> tuple[SparkSession, RunSummary, DataFrame]:
    """The session, a fresh summary, and the documents of ``inputs`` as a DataFrame."""
    spark = get_session(master)
    summary = RunSummary()
    progress("read", 0, None)
    return spark, summary, read_documents(spark, inputs, settings.read, _counted_skips(summary, on_skip))


def _collected_pairs(pairs: DataFrame) -> list[Pair]:
    """The pairs of a pairs frame on the driver, ordered as the local engine orders them."""
    return [pair_from_row(r.asDict(recursive=True)) for r in pairs.drop("a_seq", "b_seq").orderBy("a", "b").collect()]


def _format(target: str) -> str:
    return "parquet" if target.lower().rstrip("/").endswith(".parquet") else "jsonl"


def run_dedup(
    inputs: Sequence[PathLike],
    *,
    out: PathLike | None,
    settings: Settings,
    master: str | None,
    on_skip: Callable[[Skipped], None],
    progress: ProgressCallback,
) -> DedupResult:
    from retold.api import DedupResult

    from .dedup import _dedup

    started = time.perf_counter()
    _, summary, docs = _read(inputs, settings, master, on_skip, progress)
    progress("dedup", 0, None)
    clusters, pairs = _dedup(docs, settings)
    clusters = clusters.persist()
    rows = [r.asDict() for r in clusters.orderBy("seq").collect()]
    result = DedupResult(
        clusters=[cluster_from_row(r) for r in rows],
        pairs=_collected_pairs(pairs),
        summary=summary,
    )
    summary.read = summary.new = summary.documents = len(rows)
    summary.pairs = len(result.pairs)
    summary.clusters = len({c.cluster for c in result.clusters})
    if result.pairs:
        summary.labels["duplicate"] = len(result.pairs)
    if out is not None:
        target = os.fspath(out)
        if is_remote(target):
            write_clusters(clusters, target, _format(target))  # type: ignore[arg-type]
        else:
            export.write_records(result.records(), Path(target))
    clusters.unpersist()
    summary.seconds = time.perf_counter() - started
    return result


def run_analyze(
    inputs: Sequence[PathLike],
    *,
    out: PathLike | None,
    settings: Settings,
    master: str | None,
    on_skip: Callable[[Skipped], None],
    progress: ProgressCallback,
) -> AnalysisResult:
    from retold.api import AnalysisResult
    from retold.report import render_report

    from .analyze import _analyze

    started = time.perf_counter()
    spark, summary, docs = _read(inputs, settings, master, on_skip, progress)
    progress("analyze", 0, None)
    frames = _analyze(docs, settings)
    documents = [json.loads(r["record"]) for r in frames.prepared.select("seq", "record").orderBy("seq").collect()]
    pairs = _collected_pairs(frames.pairs)
    result = AnalysisResult(
        documents=documents, pairs=pairs, stories=frames.stories, quotes=frames.quotes, summary=summary
    )
    summary.read = summary.new = summary.documents = len(documents)
    summary.pairs = len(pairs)
    for pair in pairs:
        summary.labels[pair.label] = summary.labels.get(pair.label, 0) + 1
    if out is not None:
        target = os.fspath(out)
        if is_remote(target):
            base = target.rstrip("/")
            write_json_records(frames.prepared.orderBy("seq").select("record"), f"{base}/documents.jsonl", "jsonl", "")
            write_pairs(frames.pairs, f"{base}/pairs.jsonl")
            quotes_and_stories = {"stories": result.records("stories"), "quotes": result.records("quotes")}
            for name, records in quotes_and_stories.items():
                lines = [(json.dumps(r, ensure_ascii=False),) for r in records]
                write_json_records(
                    spark.createDataFrame(lines, "record string").coalesce(1), f"{base}/{name}.jsonl", "jsonl", ""
                )
        else:
            folder = Path(target)
            for table in ("documents", "pairs", "stories", "quotes"):
                export.write_jsonl(result.records(table), folder / f"{table}.jsonl")
            texts = {r["id"]: r["text"] for r in frames.prepared.select("id", "text").collect()}
            export.write_text(render_report(result, texts), folder / "report.html")
    frames.prepared.unpersist()
    summary.seconds = time.perf_counter() - started
    return result


__all__ = ["run_analyze", "run_dedup"]
