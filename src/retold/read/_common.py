"""What every reader shares: the skip protocol, file names, and records to documents.

A reader never raises for bad input. Problems with one record are reported
through ``on_skip`` and the reader goes on; problems that end a file are raised
as :class:`ReadError` inside the reader and turned into one ``Skipped`` by
:func:`guarded`, after the records read so far have been yielded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from retold.config import ReadConfig
from retold.model import Document, Skipped
from retold.read.dates import parse_date

SkipFn = Callable[[Skipped], None]

COMPRESSIONS = (".gz", ".zst", ".zstd")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv")
PLAIN_SUFFIXES = (".txt", ".md", ".html", ".htm", ".parquet", ".warc")
# Longest first, so "a.jsonl.gz" is matched whole, not taken for a ".gz" file.
KNOWN_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {*(base + comp for base in RECORD_SUFFIXES for comp in COMPRESSIONS), ".warc.gz"}
        | set(RECORD_SUFFIXES)
        | set(PLAIN_SUFFIXES),
        key=len,
        reverse=True,
    )
)


class ReadError(Exception):
    """A problem that ends the reading of one file (or of stdin)."""

    def __init__(self, reason: str, location: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.location = location


class _CallbackError(Exception):
    """Carries an exception raised by the caller's ``on_skip``: it is the caller's
    to handle (a strict mode may raise on the first skip), never a bad file."""


def guarded(path: str, on_skip: SkipFn, body: Callable[[SkipFn], Iterator[Document]]) -> Iterator[Document]:
    """Run a reader body, turning whatever stops it into one ``Skipped`` for ``path``."""

    def report(skip: Skipped) -> None:
        try:
            on_skip(skip)
        except Exception as exc:
            raise _CallbackError from exc

    try:
        yield from body(report)
    except _CallbackError as exc:
        assert exc.__cause__ is not None
        raise exc.__cause__ from None
    except ReadError as exc:
        on_skip(Skipped(path, exc.location, exc.reason))
    except FileNotFoundError:
        on_skip(Skipped(path, "", "no such file or directory"))
    except IsADirectoryError:
        on_skip(Skipped(path, "", "is a directory"))
    except PermissionError:
        on_skip(Skipped(path, "", "permission denied"))
    except OSError as exc:
        on_skip(Skipped(path, "", f"cannot read file: {exc.strerror or exc}"))
    except Exception as exc:
        # A reader bug or a library surprise must cost one file, not the run.
        on_skip(Skipped(path, "", f"could not read file: {type(exc).__name__}: {exc}"))


def split_name(path: str) -> tuple[str, str]:
    """``(stem, suffix)`` of a file name, with compound suffixes (``.jsonl.gz``) kept whole.

    The suffix is lower-cased; an unknown one is the last suffix (with a
    compression suffix, the last two), or ``""``.
    """
    name = os.path.basename(path)
    lower = name.lower()
    for suffix in KNOWN_SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    stem, ext = os.path.splitext(name)
    if ext.lower() in COMPRESSIONS:
        inner_stem, inner_ext = os.path.splitext(stem)
        if inner_ext:
            return inner_stem, (inner_ext + ext).lower()
    return stem, ext.lower()


def too_large(chars: int, limit: int, what: str = "document") -> str:
    return f"{what} too large ({chars} chars > limit {limit})"


def label(value: Any) -> str | None:
    """A one-line metadata value (title, outlet, url): whitespace runs collapsed, empty is None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def record_document(
    record: Mapping[str, Any],
    config: ReadConfig,
    *,
    path: str,
    stem: str,
    number: int,
    location: str,
    report: SkipFn,
) -> Document | None:
    """The document of one JSONL/CSV/Parquet record, or ``None`` after reporting why not.

    The id is the record's id field, else ``<stem>:<number>``.
    """
    text = record.get(config.text_field)
    # isspace() rather than strip(): no copy of every article just to test it.
    if not isinstance(text, str) or not text or text.isspace():
        report(Skipped(path, location, f"no '{config.text_field}' field"))
        return None
    if len(text) > config.max_chars:
        report(Skipped(path, location, too_large(len(text), config.max_chars)))
        return None
    raw_id = record.get(config.id_field)
    doc_id = "" if raw_id is None or isinstance(raw_id, bool) else str(raw_id).strip()
    # Byline has no configured field: records that carry one mostly call it one of these.
    byline = label(record.get("byline")) or label(record.get("author"))
    return Document(
        id=doc_id or f"{stem}:{number}",
        text=text,
        path=path,
        location=location,
        title=label(record.get(config.title_field)),
        date=parse_date(record.get(config.date_field)),
        url=label(record.get(config.url_field)),
        outlet=label(record.get(config.outlet_field)),
        byline=byline,
    )
