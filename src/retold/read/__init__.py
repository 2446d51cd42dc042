"""The read stage: files, folders, globs and stdin in; ``Document``s out, one at a time.

Every problem with an input is reported through ``on_skip`` as one ``Skipped``
and the run goes on: :func:`iter_documents` never raises for bad input.

A document's ``text`` is its content exactly as decoded, with only a leading
byte-order mark dropped, so every later offset points into it.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

from retold.config import ReadConfig
from retold.model import Document, Skipped
from retold.read._common import SkipFn, split_name
from retold.read.csv import read_csv
from retold.read.dates import parse_date
from retold.read.html import document_from_html, read_html
from retold.read.jsonl import read_jsonl
from retold.read.parquet import read_parquet
from retold.read.stdin import read_stdin
from retold.read.text import read_text
from retold.read.warc import read_warc

Reader = Callable[[str, ReadConfig, SkipFn], Iterator[Document]]

_COMPRESSED = (".gz", ".zst", ".zstd")
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".parquet": read_parquet,
    ".warc": read_warc,
    ".warc.gz": read_warc,
    **{base + comp: read_jsonl for base in (".jsonl", ".ndjson", ".json") for comp in ("", *_COMPRESSED)},
    **{base + comp: read_csv for base in (".csv", ".tsv") for comp in ("", *_COMPRESSED)},
}
_GLOB_CHARS = re.compile(r"[*?\[]")


def reader_for(path: str) -> Reader | None:
    """The reader for a file name, by its (compound, case-blind) extension."""
    return READERS.get(split_name(path)[1])


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: str, on_skip: SkipFn) -> list[str]:
    def unreadable(error: OSError) -> None:
        on_skip(Skipped(error.filename or folder, "", f"cannot read folder: {error.strerror or error}"))

    found: list[str] = []
    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not _hidden(d)]
        found.extend(os.path.join(root, f) for f in files if not _hidden(f))
    return sorted(found)


def _expand(inputs: Sequence[str | os.PathLike[str]], on_skip: SkipFn) -> Iterator[tuple[str, bool]]:
    """``(path, named)`` for each file to read; ``named`` is False for files found in a
    folder, whose unknown extensions (images, notes) are passed over in silence."""
    for item in inputs:
        name = os.fspath(item)
        if name == "-":
            yield name, True
        elif os.path.isdir(name):
            yield from ((path, False) for path in _walk(name, on_skip))
        elif os.path.lexists(name):
            yield name, True
        elif _GLOB_CHARS.search(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                on_skip(Skipped(name, "", "no files match this pattern"))
                continue
            files: list[str] = []
            for match in matches:
                files.extend(_walk(match, on_skip) if os.path.isdir(match) else [match])
            # "**" matches a folder and the files inside it: each file is read once.
            yield from ((path, True) for path in sorted(dict.fromkeys(files)))
        else:
            on_skip(Skipped(name, "", "no such file or directory"))


class _FirstSeen:
    """Where each id was first read.

    This map is the one part of the read stage that grows with the input, so a
    location such as ``line 12`` of the n-th file is packed into a single int
    (file index, kind, number) instead of held as strings.
    """

    _KINDS = ("", "line", "row", "record")
    _CODES: ClassVar[dict[str, int]] = {"line": 1, "row": 2, "record": 3}
    _SHIFT = 40  # bits below the file index: 38 for the number, 2 for the kind

    def __init__(self) -> None:
        self._where: dict[str, int | tuple[str, str]] = {}
        self._paths: list[str] = []
        self._path_index: dict[str, int] = {}

    def get(self, doc_id: str) -> str | None:
        packed = self._where.get(doc_id)
        if packed is None:
            return None
        if isinstance(packed, tuple):
            path, location = packed
        else:
            path = self._paths[packed >> self._SHIFT]
            kind = self._KINDS[packed & 3]
            number = (packed & ((1 << self._SHIFT) - 1)) >> 2
            location = f"{kind} {number}" if kind else ""
        return f"{path}:{location}" if location else path

    def add(self, doc: Document) -> None:
        index = self._path_index.get(doc.path)
        if index is None:
            index = self._path_index[doc.path] = len(self._paths)
            self._paths.append(doc.path)
        location = doc.location
        if not location:
            self._where[doc.id] = index << self._SHIFT
            return
        kind, _, number = location.partition(" ")
        code = self._CODES.get(kind)
        if code is not None and number.isdigit() and len(number) <= 11:
            self._where[doc.id] = (index << self._SHIFT) | (int(number) << 2) | code
        else:
            self._where[doc.id] = (doc.path, location)


def iter_documents(
    inputs: Sequence[str | os.PathLike[str]],
    config: ReadConfig,
    on_skip: Callable[[Skipped], None],
) -> Iterator[Document]:
    """Documents of ``inputs`` in order, streaming.

    ``inputs`` are files, folders (recursive, sorted by path, hidden entries
    skipped), glob patterns (sorted matches) and ``-`` for stdin. The format of a
    file is chosen by its extension. A document whose id was already seen in
    this run is reported and dropped; ``on_skip`` gets one ``Skipped`` per
    problem, and nothing is raised for bad input.
    """
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    first_seen = _FirstSeen()
    for path, named in _expand(inputs, on_skip):
        if path == "-":
            documents = read_stdin(None, config, on_skip)
        else:
            reader = reader_for(path)
            if reader is None:
                if named:
                    suffix = split_name(path)[1]
                    what = f"'{suffix}'" if suffix else "(no extension)"
                    on_skip(Skipped(path, "", f"unsupported file type {what}"))
                continue
            documents = reader(path, config, on_skip)
        for doc in documents:
            first = first_seen.get(doc.id)
            if first is not None:
                on_skip(Skipped(doc.path, doc.location, f"repeated id '{doc.id}' (first seen at {first})"))
                continue
            first_seen.add(doc)
            yield doc


__all__ = [
    "document_from_html",
    "iter_documents",
    "parse_date",
    "read_csv",
    "read_html",
    "read_jsonl",
    "read_parquet",
    "read_stdin",
    "read_text",
    "read_warc",
    "reader_for",
]
