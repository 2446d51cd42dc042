"""Quotation marks paired into quoted regions, as offsets into the raw text.

Double quotation marks of every common style are paired: straight ``"``, curly
``“…”``, low-high ``„…“``, Swedish ``”…”`` and guillemets in either direction
(``«…»``, ``»…«``). Single quotes and apostrophes are left alone: they nest inside
double quotes and double as apostrophes far too often to pair.

What decides a mark's role is mostly its surroundings (space before and a word
after opens; a word before and space or punctuation after closes), then its shape.
Rules that keep a broken text from going wrong:

* A quotation never crosses a paragraph (a line of the body) unless the next
  paragraph opens with a quotation mark: the newspaper convention for a quotation
  running over several paragraphs, where only the last one is closed. Without that
  opening mark the quotation is capped at the end of its paragraph, so one unbalanced
  mark cannot swallow the rest of the document.
* A closing mark with nothing open is ignored (a stray ``”`` left by an editor).
* Marks of the other family inside an open quotation are nested quotes and ignored.
* Only text inside body spans is read; boilerplate never yields a quotation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from retold.model import Span

DOUBLE = frozenset('"“”„‟')
GUILLEMETS = frozenset("«»")
MARKS = DOUBLE | GUILLEMETS
_NATURAL_OPEN = frozenset("“„‟«")
# Any mark of MARKS: the scan jumps from one to the next instead of reading every character.
_MARK = re.compile("[" + re.escape("".join(sorted(MARKS))) + "]")
# Characters that may stand before an opening mark or after a closing one without
# making the mark look like the other kind.
_BEFORE_OPEN = frozenset("([{<—–-/:")
_AFTER_CLOSE = frozenset(".,;:!?)]}>…—–-/")
# Trailing characters dropped from a quotation's span: the comma of '"…," he said'
# belongs to the sentence around the quotation, not to the speaker's words.
_TRAILING = " \t\r\n,;:"
# An HTML or XML tag left in scraped text: its attribute quotes are not quotations.
_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,300}>")


class Role(Enum):
    OPEN = "open"
    CLOSE = "close"
    EITHER = "either"  # a straight mark with words (or spaces) on both sides


@dataclass(frozen=True, slots=True)
class QuoteRegion:
    """One quotation: the marks around it and the quoted words, paragraph by paragraph.

    ``pieces`` hold the quoted words of each paragraph, trimmed, marks excluded; a
    quotation over several paragraphs has one piece per paragraph. ``close`` is the
    offset of the closing mark, or None when the quotation was capped at the end of
    a paragraph without one.
    """

    open: int
    close: int | None
    pieces: tuple[Span, ...]

    @property
    def span(self) -> Span:
        return Span(self.pieces[0].start, self.pieces[-1].end)

    @property
    def close_end(self) -> int:
        """Where the text after the quotation starts."""
        return self.close + 1 if self.close is not None else self.pieces[-1].end

    def text(self, raw: str) -> str:
        return " ".join(" ".join(raw[p.start : p.end].split()) for p in self.pieces)


def paragraphs(raw: str, body: Sequence[Span]) -> list[Span]:
    """The trimmed lines of the body spans, in order: the units a quotation may not cross."""
    out: list[Span] = []
    for span in body:
        pos = span.start
        while pos < span.end:
            newline = raw.find("\n", pos, span.end)
            stop = span.end if newline < 0 else newline
            piece = raw[pos:stop]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                out.append(Span(pos + lead, pos + lead + len(stripped)))
            pos = stop + 1
    return out


def _role(raw: str, i: int, unit: Span) -> Role:
    char = raw[i]
    left = raw[i - 1] if i > unit.start else " "
    right = raw[i + 1] if i + 1 < unit.end else " "
    left_free = left.isspace() or left in _BEFORE_OPEN or left in MARKS or left in "‘’'"
    right_free = right.isspace() or right in _AFTER_CLOSE or right in MARKS or right in "‘’'"
    looks_open = left_free and not right_free
    looks_close = right_free and not left_free
    if looks_open:
        return Role.OPEN
    if looks_close:
        return Role.CLOSE
    if char == '"':
        return Role.EITHER
    return Role.OPEN if char in _NATURAL_OPEN else Role.CLOSE


def _family(char: str) -> frozenset[str]:
    return GUILLEMETS if char in GUILLEMETS else DOUBLE


def _trimmed(raw: str, start: int, end: int) -> Span | None:
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1] in _TRAILING:
        end -= 1
    if end <= start or not any(c.isalnum() for c in raw[start:end]):
        return None
    return Span(start, end)


def _opens_paragraph(raw: str, unit: Span, family: frozenset[str]) -> bool:
    first = raw[unit.start]
    return first in family and _role(raw, unit.start, unit) is not Role.CLOSE


def _markup(raw: str, unit: Span) -> Callable[[int], bool]:
    """Whether an offset of ``unit`` lies inside an HTML or XML tag left in the text.

    The tags are looked for on the first question only: most paragraphs hold no mark.
    """
    tags: list[tuple[int, int]] | None = None

    def inside(i: int) -> bool:
        nonlocal tags
        if tags is None:
            tags = [(m.start(), m.end()) for m in _TAG.finditer(raw, unit.start, unit.end)]
        return any(a <= i < b for a, b in tags)

    return inside


def find_regions(raw: str, body: Sequence[Span], units: Sequence[Span] | None = None) -> list[QuoteRegion]:
    """Every quotation in the body spans of ``raw``, in text order.

    Quotations holding no letter or digit (a pair of marks around a dash) are dropped.
    ``units`` are the body's ``paragraphs``, when already cut.
    """
    units = paragraphs(raw, body) if units is None else units
    regions: list[QuoteRegion] = []
    # The open quotation, if any: its opening mark, the mark's family and character,
    # and the pieces finished in earlier paragraphs.
    opened: int | None = None
    family: frozenset[str] = DOUBLE
    opener = ""
    done: list[Span] = []
    piece_start = 0

    def finish(close: int | None, end: int) -> None:
        nonlocal opened
        piece = _trimmed(raw, piece_start, end)
        pieces = [*done, piece] if piece is not None else list(done)
        if opened is not None and pieces:
            regions.append(QuoteRegion(opened, close, tuple(pieces)))
        opened = None
        done.clear()

    for k, unit in enumerate(units):
        start = unit.start
        in_markup = _markup(raw, unit)
        if opened is not None:
            # Continuing from the previous paragraph: skip this paragraph's opening mark.
            start = unit.start + 1
            piece_start = start
        for found in _MARK.finditer(raw, start, unit.end):
            i = found.start()
            char = raw[i]
            if (i > unit.start and raw[i - 1] == "=") or in_markup(i):
                continue  # a markup attribute (<tweet date="…">), not a quotation
            role = _role(raw, i, unit)
            if opened is None:
                if role is not Role.CLOSE:
                    opened, family, opener, piece_start = i, _family(char), char, i + 1
                continue
            if char not in family:
                continue  # a nested quotation of the other family
            if role is Role.OPEN and char != '"' and not (opener == "„" and char == "“"):
                # A new curly opening mark while one is open: the first was never
                # closed. End it here and start again.
                finish(None, i)
                opened, family, opener, piece_start = i, _family(char), char, i + 1
                continue
            finish(i, i)
        if opened is not None:
            following = units[k + 1] if k + 1 < len(units) else None
            if following is not None and _opens_paragraph(raw, following, family):
                piece = _trimmed(raw, piece_start, unit.end)
                if piece is not None:
                    done.append(piece)
            else:
                finish(None, unit.end)
    return regions


__all__ = ["DOUBLE", "GUILLEMETS", "MARKS", "QuoteRegion", "Role", "find_regions", "paragraphs"]
