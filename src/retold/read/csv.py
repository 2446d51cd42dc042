"""CSV and TSV with a header row (optionally gzip- or zstd-compressed), row by row."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator

from retold.config import ReadConfig
from retold.model import Document
from retold.read._common import ReadError, SkipFn, guarded, record_document, split_name
from retold.read._streams import MAX_BYTES_PER_CHAR, check_not_binary, iter_lines, open_binary, peek_head


def _raise_field_limit(max_chars: int) -> None:
    # The default limit (128 kB) is below a long article; the csv limit is
    # process-wide, so it is only ever raised.
    wanted = max_chars * MAX_BYTES_PER_CHAR
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def read_csv(path: str | os.PathLike[str], config: ReadConfig, on_skip: SkipFn) -> Iterator[Document]:
    """Documents of a CSV or TSV file, one per data row.

    id is the id column, else ``<stem>:<row>``; location is ``row N``, N counting
    data rows (not the header, not blank rows) from 1.
    """
    name = os.fspath(path)

    def body(report: SkipFn) -> Iterator[Document]:
        stem, suffix = split_name(name)
        delimiter = "\t" if suffix.startswith(".tsv") else ","
        _raise_field_limit(config.max_chars)
        with open_binary(name) as stream:
            check_not_binary(peek_head(stream), config.encoding)
            row_number = 0

            def texts() -> Iterator[str]:
                # A bad physical line cannot be stepped over inside csv, whose
                # quoted fields may span lines: it ends the file.
                for line in iter_lines(stream, config.encoding, config.max_chars):
                    if line.text is None:
                        raise ReadError(line.problem, f"row {row_number + 1}")
                    yield line.text

            reader = csv.reader(texts(), delimiter=delimiter)
            try:
                header = next((row for row in reader if any(cell.strip() for cell in row)), None)
            except csv.Error as exc:
                raise ReadError(f"not valid CSV at header: {exc}") from exc
            if header is None:
                raise ReadError("empty file")
            columns = [cell.strip() for cell in header]
            if config.text_field not in columns:
                raise ReadError(f"no column '{config.text_field}' (columns: {', '.join(columns)})")
            while True:
                try:
                    row = next(reader, None)
                except csv.Error as exc:
                    raise ReadError(f"not valid CSV: {exc}", f"row {row_number + 1}") from exc
                if row is None:
                    return
                if not any(cell.strip() for cell in row):
                    continue
                row_number += 1
                location = f"row {row_number}"
                doc = record_document(
                    dict(zip(columns, row, strict=False)),
                    config,
                    path=name,
                    stem=stem,
                    number=row_number,
                    location=location,
                    report=report,
                )
                if doc is not None:
                    yield doc

    return guarded(name, on_skip, body)
