"""Export: the output tables as JSONL or Parquet, and the HTML report.

Files are written to a temporary name and renamed into place, so a reader
never sees half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .records import document_record
from .report import render_report

if TYPE_CHECKING:
    from .api import AnalysisResult
    from .store import Store


def document_records(store: Store) -> list[dict[str, Any]]:
    """documents.jsonl rows, in the order the documents were first stored."""
    cleaned = {seq: c for seq, c, _ in store.cleaned()}
    seqs = sorted(cleaned)
    return [document_record(doc, cleaned[seq]) for seq, doc in zip(seqs, store.documents(), strict=True)]


def _atomic_path(target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    # mkstemp makes the file private; outputs get the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return fd, tmp


def write_jsonl(rows: Iterable[dict[str, Any]], target: Path) -> None:
    fd, tmp = _atomic_path(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, allow_nan=False))
                handle.write("\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(rows: list[dict[str, Any]], target: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fd, tmp = _atomic_path(target)
    os.close(fd)
    try:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_records(rows: Iterable[dict[str, Any]], target: Path) -> None:
    """JSONL (streamed), or Parquet when the file name ends in ``.parquet``."""
    if target.suffix.lower() == ".parquet":
        write_parquet(list(rows), target)
    else:
        write_jsonl(rows, target)


def write_text(text: str, target: Path) -> None:
    fd, tmp = _atomic_path(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_analysis(result: AnalysisResult, store: Store, out: Path) -> None:
    """documents.jsonl, pairs.jsonl, stories.jsonl, quotes.jsonl and report.html in ``out``."""
    for table in ("documents", "pairs", "stories", "quotes"):
        write_jsonl(result.records(table), out / f"{table}.jsonl")
    texts = {doc.id: doc.text for doc in store.documents()}
    write_text(render_report(result, texts), out / "report.html")
