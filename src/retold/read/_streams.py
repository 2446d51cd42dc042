"""Bytes in, text out, in bounded memory.

Every reader that sees text goes through here: opening (with gzip or zstd
decompression), sniffing binary files, decoding with line numbers in the error,
and splitting into lines without ever holding more than one record's worth.

Offsets of a document are into its text as decoded, with a leading byte-order
mark dropped and nothing else changed.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Iterator
from typing import IO, NamedTuple

from retold.read._common import ReadError, too_large

SNIFF_BYTES = 8192
CHUNK = 1 << 16
# No encoding takes more than 4 bytes for one character, so a run of bytes longer
# than 4 * max_chars is too large whatever it decodes to.
MAX_BYTES_PER_CHAR = 4
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Control bytes that plain text does not contain (tab, newlines, form feed and
# escape are kept out: they occur in real text).
_CONTROL_BYTES = bytes([*range(0, 8), 14, *range(16, 27), *range(28, 32), 127])


class CorruptCompressedData(Exception):
    """A compressed stream ended early or did not decode."""


def compression_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the compressed data, not the file system, is at fault."""
    import zstandard

    return (CorruptCompressedData, EOFError, zlib.error, gzip.BadGzipFile, zstandard.ZstdError)


class _ZstdRaw(io.RawIOBase):
    """A zstd decompressing reader that notices truncation.

    ``zstandard``'s own stream reader returns a clean end of file when the input
    stops mid-frame; a cut download must be reported, not read as complete.
    """

    def __init__(self, source: IO[bytes]) -> None:
        import zstandard

        self._source = source
        self._dctx = zstandard.ZstdDecompressor()
        self._dobj = self._dctx.decompressobj()
        self._in_frame = False
        self._pending = b""

    def readable(self) -> bool:
        return True

    def _feed(self, data: bytes) -> None:
        while data:
            self._pending += self._dobj.decompress(data)
            self._in_frame = True
            data = b""
            if self._dobj.eof:
                # Several frames back to back (zstd -r, appended files) are one stream.
                data = self._dobj.unused_data
                self._dobj = self._dctx.decompressobj()
                self._in_frame = False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = self._source.read(CHUNK)
            if not chunk:
                if self._in_frame:
                    raise CorruptCompressedData("zstd stream ends mid-frame")
                return 0
            self._feed(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._source.close()
        super().close()


class _Strict(io.RawIOBase):
    """Re-raises a damaged stream's EOFError as :class:`CorruptCompressedData`, for
    consumers (warcio) that take EOFError for a clean end."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            # read1: what decompresses before the damage is delivered before the error.
            data = self._inner.read1(len(buffer))  # type: ignore[attr-defined]
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise CorruptCompressedData(str(exc)) from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def magic(path: str) -> bytes:
    with open(path, "rb") as probe:
        return probe.read(4)


def strict_gzip(path: str) -> IO[bytes]:
    """Gzip decompression whose truncation never reads as end of file.

    Unbuffered on purpose: a buffered read that meets the damage drops the good
    bytes it had already gathered, and with them the last good records.
    """
    return _Strict(gzip.open(path, "rb"))  # type: ignore[return-value]


def open_binary(path: str) -> IO[bytes]:
    """The file's bytes, decompressed if it starts with a gzip or zstd magic number.

    The magic decides, not the name: a ``.jsonl.gz`` that was never compressed
    reads fine, and a compressed file without the suffix is still read.
    """
    head = magic(path)
    if head.startswith(_GZIP_MAGIC):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if head.startswith(_ZSTD_MAGIC):
        return io.BufferedReader(_ZstdRaw(open(path, "rb")), buffer_size=CHUNK)
    return open(path, "rb")


def peek_head(stream: IO[bytes]) -> bytes:
    """Up to ``SNIFF_BYTES`` from the start of a buffered stream, without consuming them."""
    try:
        return stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
    except compression_errors() as exc:
        raise ReadError("truncated or corrupt compressed data after line 0") from exc


def is_wide(encoding: str) -> bool:
    """UTF-16 and UTF-32 text is full of NUL bytes and cannot be split at b"\\n"."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise ReadError(f"unknown encoding '{encoding}'") from exc
    return name.startswith(("utf-16", "utf-32"))


def looks_binary(head: bytes, encoding: str) -> bool:
    """True for bytes that are not text: a NUL, or mostly control characters."""
    if not head or is_wide(encoding):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls * 10 > len(head) * 3


def check_not_binary(head: bytes, encoding: str) -> None:
    if looks_binary(head, encoding):
        raise ReadError("binary file, not text")


def _bad_bytes(encoding: str, line: int) -> ReadError:
    return ReadError(f"not valid {encoding} at line {line}")


def decode_text(data: bytes, encoding: str) -> str:
    """``data`` decoded, a leading byte-order mark dropped; a bad byte names its line."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _bad_bytes(encoding, data.count(b"\n", 0, exc.start) + 1) from exc
    except LookupError as exc:
        raise ReadError(f"unknown encoding '{encoding}'") from exc
    return text.removeprefix("\ufeff")


def read_text_limited(stream: IO[bytes], encoding: str, max_chars: int, what: str = "document") -> str:
    """All of ``stream`` as text, or :class:`ReadError` if it exceeds ``max_chars``.

    The excess is counted, never held, so the message can give the size while
    memory stays at ``max_chars``.
    """
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError as exc:
        raise ReadError(f"unknown encoding '{encoding}'") from exc
    pieces: list[str] = []
    chars = 0
    newlines = 0
    while True:
        chunk = stream.read(CHUNK)
        try:
            piece = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            # exc.object is the decoder's held-back bytes plus this chunk; held-back
            # bytes are the start of one character, so they hold no newline.
            raise _bad_bytes(encoding, newlines + exc.object.count(b"\n", 0, exc.start) + 1) from exc
        newlines += chunk.count(b"\n")
        if not pieces and chars == 0 and piece.startswith("\ufeff"):
            piece = piece[1:]
        chars += len(piece)
        if chars <= max_chars:
            pieces.append(piece)
        else:
            pieces.clear()
        if not chunk:
            break
    if chars > max_chars:
        raise ReadError(too_large(chars, max_chars, what))
    return "".join(pieces)


class Line(NamedTuple):
    """One physical line, or why it cannot be used (``text`` is then ``None``)."""

    number: int
    text: str | None
    problem: str = ""


def _count_rest_of_line(stream: IO[bytes], decoder: codecs.IncrementalDecoder) -> int:
    chars = 0
    while True:
        piece = stream.readline(CHUNK)
        if not piece:
            break
        chars += len(decoder.decode(piece.rstrip(b"\r\n")))
        if piece.endswith(b"\n"):
            break
    return chars + len(decoder.decode(b"", final=True))


def iter_lines(stream: IO[bytes], encoding: str, max_chars: int) -> Iterator[Line]:
    """The lines of ``stream``, decoded one at a time, line terminators kept.

    A line longer than ``max_chars`` is counted and dropped rather than held; a
    line that does not decode is reported and the next one read, so one bad
    record costs one record. A damaged compressed stream ends the file with a
    :class:`ReadError` naming the last complete line.
    """
    if is_wide(encoding):
        yield from _iter_wide_lines(stream, encoding, max_chars)
        return
    cap = max_chars * MAX_BYTES_PER_CHAR
    errors = compression_errors()
    number = 0
    while True:
        try:
            raw = stream.readline(cap + 1)
        except errors as exc:
            raise ReadError(f"truncated or corrupt compressed data after line {number}") from exc
        if not raw:
            return
        number += 1
        if len(raw) > cap and not raw.endswith(b"\n"):
            counter = codecs.getincrementaldecoder(encoding)(errors="replace")
            try:
                chars = len(counter.decode(raw)) + _count_rest_of_line(stream, counter)
            except errors as exc:
                raise ReadError(f"truncated or corrupt compressed data after line {number - 1}") from exc
            yield Line(number, None, too_large(chars, max_chars))
            continue
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            yield Line(number, None, f"not valid {encoding} at line {number}")
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield Line(number, text)


def _iter_wide_lines(stream: IO[bytes], encoding: str, max_chars: int) -> Iterator[Line]:
    # Without a byte-level line split, a bad byte cannot be stepped over: it ends the file.
    reader = io.TextIOWrapper(stream, encoding=encoding, newline="")  # type: ignore[type-var]
    number = 0
    while True:
        try:
            text = reader.readline(max_chars + 1)
        except UnicodeDecodeError as exc:
            raise _bad_bytes(encoding, number + 1) from exc
        except compression_errors() as exc:
            raise ReadError(f"truncated or corrupt compressed data after line {number}") from exc
        if not text:
            return
        number += 1
        if len(text) > max_chars and not text.endswith("\n"):
            chars = len(text)
            while not text.endswith("\n"):
                text = reader.readline(CHUNK)
                if not text:
                    break
                chars += len(text.rstrip("\r\n"))
            yield Line(number, None, too_large(chars, max_chars))
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield Line(number, text)


class PrefixedRaw(io.RawIOBase):
    """``prefix`` then the rest of ``stream``: puts back bytes read to sniff a stream
    that cannot seek (stdin)."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = prefix
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            size = min(len(buffer), len(self._prefix))
            buffer[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class TextAsBytes(io.RawIOBase):
    """A text stream (a replaced ``sys.stdin``) seen as UTF-8 bytes, so one code
    path reads both."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            text = self._stream.read(CHUNK)
            if not text:
                return 0
            self._pending = text.encode("utf-8", errors="surrogateescape")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
