"""Standard input: JSON Lines if it opens with ``{``, else one plain-text document."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import IO

from retold.config import ReadConfig
from retold.model import Document
from retold.read._common import ReadError, SkipFn, guarded
from retold.read._streams import (
    PrefixedRaw,
    TextAsBytes,
    check_not_binary,
    iter_lines,
    peek_head,
    read_text_limited,
)
from retold.read.jsonl import records_from_lines
from retold.read.text import text_metadata

STDIN_PATH = "<stdin>"
STDIN_ID = "stdin"
_BOM = b"\xef\xbb\xbf"


def _open(stream: IO[str] | None, encoding: str) -> tuple[IO[bytes], str]:
    if stream is None:
        raise ReadError("no standard input")
    binary = getattr(stream, "buffer", None)
    if binary is not None:
        return binary, encoding
    # A text stream without bytes underneath (tests, embedding): its text is
    # already decoded, so it is re-encoded as UTF-8 and read back as such.
    return io.BufferedReader(TextAsBytes(stream)), "utf-8"


def _sniff(binary: IO[bytes]) -> tuple[bytes, bytes]:
    """The bytes up to and including the first non-blank one, and that byte (``b""`` if none).

    Read one at a time because stdin cannot be rewound; the caller puts them back.
    """
    prefix = bytearray()
    while True:
        byte = binary.read(1)
        if not byte:
            return bytes(prefix), b""
        prefix += byte
        if len(prefix) <= len(_BOM) and _BOM.startswith(prefix):
            continue
        if not byte.isspace():
            return bytes(prefix), byte


def read_stdin(stream: IO[str] | None, config: ReadConfig, on_skip: SkipFn) -> Iterator[Document]:
    """Documents from ``stream`` (``sys.stdin`` when ``None``), with path ``<stdin>``.

    JSON Lines records get ids ``stdin:<line>`` when they carry none; plain text
    is one document with id ``stdin``.
    """
    source = sys.stdin if stream is None else stream

    def body(report: SkipFn) -> Iterator[Document]:
        binary, encoding = _open(source, config.encoding)
        prefix, first = _sniff(binary)
        if not first:
            raise ReadError("empty file")
        rest = io.BufferedReader(PrefixedRaw(prefix, binary))
        if first == b"{":
            lines = iter_lines(rest, encoding, config.max_chars)
            yield from records_from_lines(lines, config, path=STDIN_PATH, stem=STDIN_ID, report=report)
            return
        check_not_binary(peek_head(rest), encoding)
        text = read_text_limited(rest, encoding, config.max_chars)
        title, date = text_metadata(text)
        yield Document(id=STDIN_ID, text=text, path=STDIN_PATH, title=title, date=date)

    return guarded(STDIN_PATH, on_skip, body)
