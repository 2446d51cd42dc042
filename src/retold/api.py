"""The Python entry points; the CLI is a thin layer over these."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import export
from .config import Settings
from .model import Cluster, Document, Pair, Quote, RunSummary, Skipped, Story
from .pipeline import Comparison, ProgressCallback, _no_progress, run
from .pipeline import compare as compare_documents_alone
from .read import iter_documents
from .records import cluster_to_dict, pair_to_dict, quote_to_dict, story_to_dict
from .store import Store

PathLike = str | os.PathLike[str]
# "local": the embedded store on this machine; "spark": the same stages as Spark jobs (retold[spark]).
Engine = Literal["local", "spark"]
ENGINES = ("local", "spark")
TABLES = ("documents", "pairs", "stories", "quotes")


def _ignore(_: Skipped) -> None:
    return None


def _check_engine(engine: str, store: PathLike | None) -> str:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "spark" and store is not None:
        raise ValueError("the spark engine keeps no store: leave out store (--store)")
    return engine


@contextmanager
def _open_store(path: PathLike | None) -> Iterator[Store]:
    if path is not None:
        with Store(path) as store:
            yield store
        return
    with (
        tempfile.TemporaryDirectory(prefix="retold-") as folder,
        Store(Path(folder) / "store.sqlite", durable=False) as store,
    ):
        yield store


def _table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist(rows)


@dataclass(slots=True)
class AnalysisResult:
    """What ``analyze`` found: one list per output table, plus the run's summary."""

    documents: list[dict[str, Any]]
    pairs: list[Pair]
    stories: list[Story] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    summary: RunSummary = field(default_factory=RunSummary)

    def records(self, table: str) -> list[dict[str, Any]]:
        """Rows of one table (``documents``, ``pairs``, ``stories``, ``quotes``) as dicts,
        in the JSONL format."""
        if table == "documents":
            return self.documents
        if table == "pairs":
            return [pair_to_dict(p) for p in self.pairs]
        if table == "stories":
            return [story_to_dict(s) for s in self.stories]
        if table == "quotes":
            return [quote_to_dict(q) for q in self.quotes]
        raise ValueError(f"table must be one of {', '.join(TABLES)}, got {table!r}")

    def to_arrow(self, table: str = "pairs") -> Any:
        """One table as a ``pyarrow.Table``."""
        return _table(self.records(table))

    def to_pandas(self, table: str = "pairs") -> Any:
        """One table as a ``pandas.DataFrame`` (needs pandas)."""
        return self.to_arrow(table).to_pandas()


@dataclass(slots=True)
class DedupResult:
    """One record per document: its cluster, the cluster's representative, and its
    exact Jaccard similarity to the representative; and the verified near-duplicate
    pairs (exact Jaccard >= threshold) the clusters were built from."""

    clusters: list[Cluster]
    summary: RunSummary = field(default_factory=RunSummary)
    pairs: list[Pair] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return [cluster_to_dict(c) for c in self.clusters]

    def representatives(self) -> list[str]:
        """Ids of the documents to keep: one per cluster."""
        return [c.id for c in self.clusters if c.id == c.representative]

    def to_arrow(self) -> Any:
        return _table(self.records())

    def to_pandas(self) -> Any:
        return self.to_arrow().to_pandas()


def analyze(
    inputs: Sequence[PathLike] | PathLike,
    *,
    out: PathLike | None = None,
    store: PathLike | None = None,
    settings: Settings | None = None,
    on_skip: Callable[[Skipped], None] = _ignore,
    progress: ProgressCallback = _no_progress,
    engine: Engine = "local",
    spark_master: str | None = None,
) -> AnalysisResult:
    """Read, clean and relate a corpus.

    ``inputs`` are files, folders, globs or ``-`` (stdin). With ``store`` the
    workspace is kept and a later call adds to it; with ``out`` the tables and
    the HTML report are written there (see ``retold.export``).

    >>> result = retold.analyze(["examples/seeds"], out="out")   # doctest: +SKIP
    >>> result.to_pandas("pairs")[["a", "b", "label", "source"]]   # doctest: +SKIP
    """
    settings = settings or Settings()
    paths = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    if _check_engine(engine, store) == "spark":
        from .spark.engine import run_analyze

        return run_analyze(paths, out=out, settings=settings, master=spark_master, on_skip=on_skip, progress=progress)
    with _open_store(store) as workspace:
        summary, finalized = run(paths, workspace, settings, "analyze", on_skip, progress)
        result = AnalysisResult(
            documents=export.document_records(workspace),
            pairs=finalized.pairs,
            quotes=finalized.quotes,
            stories=finalized.stories,
            summary=summary,
        )
        if out is not None:
            export.write_analysis(result, workspace, Path(out))
    return result


def _one_document(source: PathLike, settings: Settings, on_skip: Callable[[Skipped], None]) -> Document:
    for document in iter_documents([source], settings.read, on_skip):
        return document
    raise ValueError(f"{os.fspath(source)}: no readable document")


def compare(
    a: PathLike | Document,
    b: PathLike | Document,
    *,
    settings: Settings | None = None,
    on_skip: Callable[[Skipped], None] = _ignore,
) -> Comparison:
    """Align and relate two documents (files, or ``Document``s) on their own.

    ``result.pair`` is the relation (None when they are unrelated);
    ``result.passages`` the aligned passages with offsets into each raw text.
    A file holding several records contributes its first.
    """
    settings = settings or Settings()
    doc_a = a if isinstance(a, Document) else _one_document(a, settings, on_skip)
    doc_b = b if isinstance(b, Document) else _one_document(b, settings, on_skip)
    if doc_b.id < doc_a.id:
        doc_a, doc_b = doc_b, doc_a
    return compare_documents_alone(doc_a, doc_b, settings)


def dedup(
    inputs: Sequence[PathLike] | PathLike,
    *,
    out: PathLike | None = None,
    store: PathLike | None = None,
    settings: Settings | None = None,
    on_skip: Callable[[Skipped], None] = _ignore,
    progress: ProgressCallback = _no_progress,
    engine: Engine = "local",
    spark_master: str | None = None,
) -> DedupResult:
    """Cluster exact and near-duplicate documents (MinHash LSH, verified by exact Jaccard).

    The texts are compared as given (no boilerplate removal). With ``out`` the
    records are written as JSONL, or Parquet when the name ends in ``.parquet``.
    """
    settings = settings or Settings()
    paths = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    if _check_engine(engine, store) == "spark":
        from .spark.engine import run_dedup

        return run_dedup(paths, out=out, settings=settings, master=spark_master, on_skip=on_skip, progress=progress)
    with _open_store(store) as workspace:
        summary, finalized = run(paths, workspace, settings, "dedup", on_skip, progress)
    result = DedupResult(clusters=finalized.clusters, summary=summary, pairs=finalized.pairs)
    if out is not None:
        # One dict at a time for JSONL: a million records as dicts would take a gigabyte.
        rows = (cluster_to_dict(c) for c in result.clusters)
        export.write_records(rows, Path(out))
    return result
