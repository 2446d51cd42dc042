"""Plain text and Markdown: one file, one document, its text exactly as decoded."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from retold.config import ReadConfig
from retold.model import Document
from retold.read._common import ReadError, SkipFn, guarded, label, split_name
from retold.read._streams import CHUNK, SNIFF_BYTES, check_not_binary, decode_text, read_text_limited
from retold.read.dates import parse_date

_FIRST_LINE = re.compile(r"\S[^\r\n]*")
# The sample articles open with " date YYYY-MM-DD <title>".
_DATE_LINE = re.compile(r"date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.*))?", re.DOTALL)
_MD_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")
_MD_CLOSING = re.compile(r"\s+#+$")


def load_text_file(path: str, config: ReadConfig, max_chars: int | None = None, what: str = "document") -> str:
    """A text file's content as decoded (leading byte-order mark dropped).

    The size is checked before reading, and a file larger than ``max_chars``
    bytes is decoded piece by piece, so a huge file is measured but never held.
    """
    limit = config.max_chars if max_chars is None else max_chars
    size = os.path.getsize(path)
    if size == 0:
        raise ReadError("empty file")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
        check_not_binary(head, config.encoding)
        # No encoding gives more characters than bytes, so a file this small fits.
        if size <= limit:
            text = decode_text(head + handle.read(), config.encoding)
        else:
            handle.seek(0)
            text = read_text_limited(handle, config.encoding, limit, what)
    if text.isspace():
        raise ReadError("empty file")
    return text


def text_metadata(text: str, markdown: bool = False) -> tuple[str | None, str | None]:
    """``(title, date)`` from the first non-empty line of an article.

    A line `` date 2021-11-23 Some title`` gives both; in Markdown, heading marks
    are not part of the title. Whitespace in the title is collapsed (it is a
    label, not a span of the text).
    """
    match = _FIRST_LINE.search(text, 0, min(len(text), CHUNK * 4))
    if match is None:
        return None, None
    line = match.group().strip()
    date: str | None = None
    dated = _DATE_LINE.fullmatch(line)
    if dated is not None and parse_date(dated.group(1)) is not None:
        date = parse_date(dated.group(1))
        line = dated.group(2) or ""
    if markdown and _MD_HEADING.match(line):
        line = _MD_CLOSING.sub("", _MD_HEADING.sub("", line))
    return label(line), date


def read_text(path: str | os.PathLike[str], config: ReadConfig, on_skip: SkipFn) -> Iterator[Document]:
    """One document per ``.txt``/``.md`` file; id is the file stem."""
    name = os.fspath(path)

    def body(report: SkipFn) -> Iterator[Document]:
        stem, suffix = split_name(name)
        text = load_text_file(name, config)
        title, date = text_metadata(text, markdown=suffix == ".md")
        yield Document(id=stem, text=text, path=name, title=title, date=date)

    return guarded(name, on_skip, body)
