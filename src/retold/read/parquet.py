"""Parquet, one record batch at a time, reading only the columns a document uses."""

from __future__ import annotations

import os
from collections.abc import Iterator

from retold.config import ReadConfig
from retold.model import Document
from retold.read._common import ReadError, SkipFn, guarded, record_document, split_name

# Rows per batch: a few hundred articles of a few kB each keeps a batch near a megabyte.
BATCH_ROWS = 256


def read_parquet(path: str | os.PathLike[str], config: ReadConfig, on_skip: SkipFn) -> Iterator[Document]:
    """Documents of a Parquet file; id is the id column, else ``<stem>:<N>``; location ``record N``."""
    name = os.fspath(path)

    def body(report: SkipFn) -> Iterator[Document]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        stem, _ = split_name(name)
        if os.path.getsize(name) == 0:
            raise ReadError("empty file")
        try:
            parquet = pq.ParquetFile(name)
        except (pa.ArrowException, OSError) as exc:
            raise ReadError(f"not a valid Parquet file: {exc}") from exc
        with parquet:
            columns = parquet.schema_arrow.names
            if config.text_field not in columns:
                raise ReadError(f"no column '{config.text_field}' (columns: {', '.join(columns)})")
            wanted = [column for column in config.record_fields() if column in columns]
            number = 0
            try:
                for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
                    data = batch.to_pydict()
                    for row in range(batch.num_rows):
                        number += 1
                        location = f"record {number}"
                        record = {column: data[column][row] for column in wanted}
                        doc = record_document(
                            record,
                            config,
                            path=name,
                            stem=stem,
                            number=number,
                            location=location,
                            report=report,
                        )
                        if doc is not None:
                            yield doc
            except pa.ArrowException as exc:
                raise ReadError(f"corrupt Parquet data after record {number}: {exc}") from exc

    return guarded(name, on_skip, body)
