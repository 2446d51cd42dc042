"""Lines, paragraphs and body spans of a raw text, all as offsets into it.

A line ends at ``\\n``; a line holding only whitespace (including ``\\r`` and no-break
spaces) is blank, and blank lines separate paragraphs. Every span reported here is
trimmed: it starts and ends on a non-whitespace character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from retold.model import Span

_BLANK_LINE = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line: its trimmed ``[start, end)`` and the index of its paragraph."""

    start: int
    end: int
    paragraph: int


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` narrowed to exclude leading and trailing whitespace (empty if all blank)."""
    piece = text[start:end]
    stripped = piece.lstrip()
    if not stripped:
        return start, start
    lead = len(piece) - len(stripped)
    return start + lead, start + lead + len(stripped.rstrip())


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text``, trimmed, with paragraph numbers."""
    lines: list[Line] = []
    paragraph = 0
    gap = False
    pos = 0
    for segment in text.split("\n"):
        start, end = trim(text, pos, pos + len(segment))
        if start == end:
            gap = True
        else:
            if gap and lines:
                paragraph += 1
            gap = False
            lines.append(Line(start, end, paragraph))
        pos += len(segment) + 1
    return lines


def body_spans(text: str, boilerplate: Iterable[Span]) -> tuple[Span, ...]:
    """The complement of ``boilerplate`` (sorted, non-overlapping) in ``text``, split at blank
    lines into paragraphs, each trimmed."""
    body: list[Span] = []
    pos = 0
    for span in (*boilerplate, Span(len(text), len(text))):
        if span.start > pos:
            _paragraphs(text, pos, span.start, body)
        pos = max(pos, span.end)
    return tuple(body)


def _paragraphs(text: str, start: int, end: int, out: list[Span]) -> None:
    piece_start = start
    for m in _BLANK_LINE.finditer(text, start, end):
        _emit(text, piece_start, m.start(), out)
        piece_start = m.end()
    _emit(text, piece_start, end, out)


def _emit(text: str, start: int, end: int, out: list[Span]) -> None:
    start, end = trim(text, start, end)
    if end > start:
        out.append(Span(start, end))


def body_lines(text: str, body: Iterable[Span]) -> Iterator[tuple[int, int]]:
    """Trimmed ``(start, end)`` of every non-blank line inside the body spans."""
    for span in body:
        pos = span.start
        while pos < span.end:
            newline = text.find("\n", pos, span.end)
            stop = span.end if newline < 0 else newline
            start, end = trim(text, pos, stop)
            if end > start:
                yield start, end
            pos = stop + 1
