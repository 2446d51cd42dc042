"""WARC archives (plain or gzip): each successful HTML response becomes a document."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from typing import IO, Any

from retold.config import ReadConfig
from retold.model import Document, Skipped
from retold.read._common import ReadError, SkipFn, guarded, split_name, too_large
from retold.read._streams import MAX_BYTES_PER_CHAR, compression_errors, magic, strict_gzip
from retold.read.html import NO_MAIN_TEXT, document_from_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_RECORD_ID = re.compile(r"^<?(?:urn:uuid:)?(.*?)>?$")
_READ = 1 << 16


def _record_id(record: Any) -> str | None:
    raw = record.rec_headers.get_header("WARC-Record-ID")
    if raw:
        match = _RECORD_ID.match(raw.strip())
        if match and match.group(1):
            return match.group(1)
    return record.rec_headers.get_header("WARC-Target-URI") or None


def _is_html_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    # Redirects and error pages carry no article.
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return False
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return content_type.split(";")[0].strip() in _HTML_TYPES


def _decode(payload: bytes, content_type: str) -> str:
    """The page as text: the declared charset, else UTF-8, else what trafilatura guesses."""
    match = _CHARSET.search(content_type)
    if match:
        try:
            codecs.lookup(match.group(1))
        except LookupError:
            pass
        else:
            return payload.decode(match.group(1), errors="replace")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        from trafilatura.utils import decode_file

        return str(decode_file(payload))


def _read_payload(record: Any, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the page and whether it was longer; the rest is drained."""
    stream = record.content_stream()
    payload = stream.read(limit + 1)
    over = len(payload) > limit
    while stream.read(_READ):
        pass
    return payload[:limit], over


def _truncated(record: Any) -> bool:
    # warcio reads a cut record as a short one without complaint; what is left of its
    # Content-Length says it was cut.
    while record.raw_stream.read(_READ):
        pass
    return getattr(record.raw_stream, "limit", 0) > 0


def _open(name: str) -> IO[bytes]:
    if magic(name).startswith(b"\x1f\x8b"):
        # Our own gzip layer, not warcio's: warcio takes a cut gzip member for the end
        # of the archive and stops without a word.
        return strict_gzip(name)
    return open(name, "rb")


def read_warc(path: str | os.PathLike[str], config: ReadConfig, on_skip: SkipFn) -> Iterator[Document]:
    """One document per HTML response with a 2xx status.

    id is the record's WARC-Record-ID (without ``<urn:uuid:`` … ``>``), else the
    target URI; url is WARC-Target-URI; the WARC-Date stands in when the page
    gives no date; location is ``record N`` counting every record of the file.
    """
    name = os.fspath(path)

    def body(report: SkipFn) -> Iterator[Document]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        stem, _ = split_name(name)
        if os.path.getsize(name) == 0:
            raise ReadError("empty file")
        broken = (*compression_errors(), ArchiveLoadFailed)
        number = 0
        with _open(name) as stream:
            records = iter(ArchiveIterator(stream))
            while True:
                try:
                    record = next(records, None)
                except broken as exc:
                    raise _damage(exc, number) from exc
                if record is None:
                    break
                number += 1
                location = f"record {number}"
                try:
                    doc = _document(record, config, name, f"{stem}:{number}", location, report)
                    cut = _truncated(record)
                except broken as exc:
                    raise _damage(exc, number - 1) from exc
                if cut:
                    raise ReadError(f"truncated WARC data in record {number}", location)
                if doc is not None:
                    yield doc
        if number == 0:
            raise ReadError("not a valid WARC file: no records")

    return guarded(name, on_skip, body)


def _damage(exc: BaseException, number: int) -> ReadError:
    from warcio.exceptions import ArchiveLoadFailed

    if isinstance(exc, ArchiveLoadFailed):
        if number == 0:
            return ReadError(f"not a valid WARC file: {exc}")
        return ReadError(f"corrupt WARC data after record {number}: {exc}")
    return ReadError(f"truncated or corrupt compressed data after record {number}")


def _document(
    record: Any, config: ReadConfig, name: str, fallback_id: str, location: str, report: SkipFn
) -> Document | None:
    if not _is_html_response(record):
        return None
    # Markup is several times the text it carries; the text limit applies after extraction.
    limit = config.max_chars * MAX_BYTES_PER_CHAR
    payload, over = _read_payload(record, limit)
    if over:
        report(Skipped(name, location, f"HTML page too large (over {limit} bytes)"))
        return None
    html = _decode(payload, record.http_headers.get_header("Content-Type") or "")
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    try:
        doc = document_from_html(
            html,
            name,
            location,
            url,
            doc_id=_record_id(record) or fallback_id,
            date=record.rec_headers.get_header("WARC-Date"),
        )
    except Exception as exc:
        # One page that breaks the extractor costs that page.
        report(Skipped(name, location, f"could not parse HTML: {type(exc).__name__}: {exc}"))
        return None
    if doc is None:
        report(Skipped(name, location, NO_MAIN_TEXT))
        return None
    if len(doc.text) > config.max_chars:
        report(Skipped(name, location, too_large(len(doc.text), config.max_chars)))
        return None
    return doc
