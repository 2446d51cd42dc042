"""JSON Lines (plain, gzip or zstd) and ``.json`` files, one record at a time.

``.jsonl``/``.ndjson`` are read line by line: a bad line costs that line.
``.json`` holds either an array of objects or objects one after another; it is
parsed value by value from a bounded buffer, so neither form is ever loaded
whole.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator
from typing import IO, Any

from retold.config import ReadConfig
from retold.model import Document, Skipped
from retold.read._common import ReadError, SkipFn, guarded, record_document, split_name, too_large
from retold.read._streams import (
    CHUNK,
    MAX_BYTES_PER_CHAR,
    Line,
    check_not_binary,
    compression_errors,
    iter_lines,
    open_binary,
    peek_head,
)

_WHITESPACE = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


def _loads(text: str) -> Any:
    """``json.loads`` for one line, without its per-call type checks (a hot loop)."""
    start = 0 if text[0] not in " \t" else len(text) - len(text.lstrip(" \t"))
    value, end = _DECODER.raw_decode(text, start)
    if end != len(text) and not text[end:].isspace():
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON: {exc.msg} at column {exc.colno}"


def records_from_lines(
    lines: Iterator[Line],
    config: ReadConfig,
    *,
    path: str,
    stem: str,
    report: SkipFn,
) -> Iterator[Document]:
    """Documents of JSON Lines; blank lines are ignored, a file with nothing else is empty."""
    seen_content = False
    for line in lines:
        location = f"line {line.number}"
        if line.text is None:
            seen_content = True
            report(Skipped(path, location, line.problem))
            continue
        text = line.text
        if not text or text.isspace():
            continue
        seen_content = True
        length = len(text) - (2 if text.endswith("\r\n") else 1 if text.endswith("\n") else 0)
        if length > config.max_chars:
            report(Skipped(path, location, too_large(length, config.max_chars)))
            continue
        try:
            record = _loads(text)
        except json.JSONDecodeError as exc:
            report(Skipped(path, location, _json_error(exc)))
            continue
        except RecursionError:
            report(Skipped(path, location, "not valid JSON: nested too deeply"))
            continue
        if not isinstance(record, dict):
            report(Skipped(path, location, f"no '{config.text_field}' field"))
            continue
        doc = record_document(
            record, config, path=path, stem=stem, number=line.number, location=location, report=report
        )
        if doc is not None:
            yield doc
    if not seen_content:
        raise ReadError("empty file")


class _ValueStream:
    """JSON values read one after another from a byte stream, through a buffer that
    holds at most the value being parsed plus one chunk."""

    def __init__(self, stream: IO[bytes], encoding: str, max_chars: int) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._encoding = encoding
        self._max_chars = max_chars
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self._bytes_lines = 0  # newlines in bytes read, for decoding errors
        self._dropped_lines = 0  # newlines in text dropped from the buffer
        self._started = False
        self._damage: ReadError | None = None
        self._cut = False  # the compressed stream broke; said once the good part is read
        # The last record read whole, for the message if the compressed data breaks.
        self.progress = "line 0"

    def line(self) -> int:
        """The line of the current position, counting from 1."""
        return self._dropped_lines + self.buffer.count("\n", 0, self.pos) + 1

    def fill(self, wanted: int = CHUNK) -> bool:
        """Read at least ``wanted`` more bytes unless the stream ends; False at end.

        Damage (a bad byte, a cut compressed stream) is raised only once the text
        before it has been handed out, so the records before it are not lost.
        """
        if self._damage is not None:
            raise self._damage
        if self._cut:
            raise ReadError(f"truncated or corrupt compressed data after {self.progress}")
        if self.eof:
            return False
        self._dropped_lines += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos :]
        self.pos = 0
        chunk = self._read(max(wanted, CHUNK))
        try:
            text = self._decoder.decode(chunk, final=not chunk and not self._cut)
        except UnicodeDecodeError as exc:
            line = self._bytes_lines + exc.object.count(b"\n", 0, exc.start) + 1
            self._damage = ReadError(f"not valid {self._encoding} at line {line}")
            text = exc.object[: exc.start].decode(self._encoding, errors="replace")
        self._bytes_lines += chunk.count(b"\n")
        if not self._started and text:
            text = text.removeprefix("\ufeff")
            self._started = True
        self.buffer += text
        if not chunk and not self._cut and self._damage is None:
            self.eof = True
        return bool(text) or self.fill()

    def _read(self, wanted: int) -> bytes:
        # read1 hands over what decompressed before a damaged part; read() would drop it.
        read = getattr(self._stream, "read1", self._stream.read)
        parts: list[bytes] = []
        size = 0
        while size < wanted:
            try:
                part = read(wanted - size)
            except compression_errors():
                self._cut = True
                break
            if not part:
                break
            parts.append(part)
            size += len(part)
        return b"".join(parts)

    def skip_space(self) -> str:
        """The next non-blank character (``""`` at the end), left unconsumed."""
        while True:
            match = _WHITESPACE.match(self.buffer, self.pos)
            assert match is not None
            self.pos = match.end()
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.fill():
                return ""

    def value(self) -> Any:
        """The JSON value at the current position.

        A parse failure before the end of the stream may only mean the value runs
        past the buffer, so more is read, doubling each time, until it parses, the
        stream ends, or the value is known to be too large.
        """
        start_line = self.line()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self._may_continue(exc) and self._grow():
                    continue
                raise _BadValue(
                    f"not valid JSON: {exc.msg} at line {self._dropped_lines + exc.lineno}", start_line
                ) from exc
            except RecursionError as exc:
                raise _BadValue("not valid JSON: nested too deeply", start_line) from exc
            # A number or literal that ends with the buffer may continue in the next chunk.
            if end == len(self.buffer) and self._grow():
                continue
            self.pos = end
            return value

    def _may_continue(self, exc: json.JSONDecodeError) -> bool:
        # The parser stops at the first wrong character; only a stop at the end of
        # the buffer (or inside a string that runs past it) can be cured by reading on.
        return exc.pos >= len(self.buffer) - 8 or exc.msg.startswith("Unterminated string")

    def _grow(self) -> bool:
        held = len(self.buffer) - self.pos
        if held > self._max_chars * MAX_BYTES_PER_CHAR:
            raise _BadValue(f"document too large (more than {held} chars > limit {self._max_chars})", self.line())
        return self.fill(held)

    def skip_line(self) -> None:
        """Move past the end of the current line, to resynchronise after a bad value."""
        while True:
            newline = self.buffer.find("\n", self.pos)
            if newline >= 0:
                self.pos = newline + 1
                return
            self.pos = len(self.buffer)
            if not self.fill():
                return


class _BadValue(Exception):
    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _records_from_json(
    stream: IO[bytes], config: ReadConfig, *, path: str, stem: str, report: SkipFn
) -> Iterator[Document]:
    values = _ValueStream(stream, config.encoding, config.max_chars)
    first = values.skip_space()
    if not first:
        raise ReadError("empty file")
    if first == "[":
        yield from _array_records(values, config, path=path, stem=stem, report=report)
        return
    # Objects one after another (pretty-printed, or JSON Lines named .json).
    while values.skip_space():
        number = values.line()
        location = f"line {number}"
        try:
            record = values.value()
        except _BadValue as exc:
            report(Skipped(path, location, exc.reason))
            values.skip_line()
            continue
        yield from _one(record, config, path=path, stem=stem, number=number, location=location, report=report)
        values.progress = location


def _array_records(
    values: _ValueStream, config: ReadConfig, *, path: str, stem: str, report: SkipFn
) -> Iterator[Document]:
    values.pos += 1  # the "["
    number = 0
    while True:
        char = values.skip_space()
        if char == "]":
            return
        if number and char == ",":
            values.pos += 1
            char = values.skip_space()
        number += 1
        location = f"record {number}"
        if not char:
            raise ReadError("not valid JSON: array not closed at end of file", location)
        try:
            record = values.value()
        except _BadValue as exc:
            # Inside an array there is no telling where the next element starts.
            raise ReadError(exc.reason, location) from exc
        yield from _one(record, config, path=path, stem=stem, number=number, location=location, report=report)
        values.progress = location


def _one(
    record: Any, config: ReadConfig, *, path: str, stem: str, number: int, location: str, report: SkipFn
) -> Iterator[Document]:
    if not isinstance(record, dict):
        report(Skipped(path, location, f"no '{config.text_field}' field"))
        return
    doc = record_document(record, config, path=path, stem=stem, number=number, location=location, report=report)
    if doc is not None:
        yield doc


def read_jsonl(path: str | os.PathLike[str], config: ReadConfig, on_skip: SkipFn) -> Iterator[Document]:
    """Documents of a JSON Lines or JSON file, optionally gzip- or zstd-compressed.

    id is the record's id field, else ``<stem>:<line>`` (``<stem>:<n>`` for the
    n-th element of a JSON array); location is ``line N`` (``record N``).
    """
    name = os.fspath(path)

    def body(report: SkipFn) -> Iterator[Document]:
        stem, suffix = split_name(name)
        with open_binary(name) as stream:
            check_not_binary(peek_head(stream), config.encoding)
            if suffix.startswith(".json") and not suffix.startswith(".jsonl"):
                yield from _records_from_json(stream, config, path=name, stem=stem, report=report)
            else:
                lines = iter_lines(stream, config.encoding, config.max_chars)
                yield from records_from_lines(lines, config, path=name, stem=stem, report=report)

    return guarded(name, on_skip, body)
