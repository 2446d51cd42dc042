"""Text normalisation, in one place: Unicode NFKC, case folding, punctuation and
whitespace dropped. Every stage that compares words goes through here.

``words`` is the fast path for fingerprints; ``tokens`` gives the same words with
character offsets into the raw text, for alignment and for showing evidence.
Both read one normalised view of the text, so they agree by construction.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import xxhash

# Letters and digits of any script; underscores and punctuation separate words.
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised words of a raw text and the raw ``[start, end)`` of each."""

    words: list[str]
    starts: np.ndarray  # int64, offsets into the raw text
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


def _is_combining(char: str) -> bool:
    # Characters NFKC may fold into the one before them: combining marks and
    # Hangul medial/final jamo.
    code = ord(char)
    return unicodedata.combining(char) != 0 or 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF


# Planes 0-3 and the variation selectors of plane 14 hold every character that NFKC,
# case folding or the word pattern treat specially; planes 15-16 are private use.
_ASSIGNED_RANGE = [*range(0xD800), *range(0xE000, 0x40000), *range(0xE0000, 0xE0200)]


@functools.cache
def _special_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point: does normalisation need more than a 1:1 case fold here
    (NFKC changes it, it folds to several characters, or it is a combining mark),
    and is it a combining mark. Built once per process (~0.3 s)."""
    special = np.zeros(0x110000, dtype=bool)
    combining = np.zeros(0x110000, dtype=bool)
    for code in _ASSIGNED_RANGE:
        char = chr(code)
        if _is_combining(char):
            special[code] = combining[code] = True
        elif len(char.casefold()) != 1 or not unicodedata.is_normalized("NFKC", char):
            special[code] = True
    return special, combining


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _special_runs(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` runs of the text that need NFKC; a run of combining marks
    takes the character before it along."""
    special, combining = _special_tables()
    code_points = _code_points(text)
    where = np.flatnonzero(special[code_points])
    if not len(where):
        return []
    starts = where.copy()
    glued = combining[code_points[where]] & (where > 0)
    starts[glued] -= 1
    runs: list[tuple[int, int]] = []
    for start, end in zip(starts.tolist(), (where + 1).tolist(), strict=True):
        if runs and start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _normalized_view(text: str) -> tuple[str, np.ndarray | None, np.ndarray | None]:
    """The normalised text and, unless it maps 1:1 onto the raw text, the raw
    start and end of the character each normalised character came from.

    Plain stretches are case-folded as a whole; only the few special runs go
    through NFKC one by one, so a typical article costs a few C-level passes.
    """
    runs = _special_runs(text)
    if not runs:
        return text.casefold(), None, None
    pieces: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    position = 0
    for run_start, run_end in [*runs, (len(text), len(text))]:
        if run_start > position:
            pieces.append(text[position:run_start].casefold())
            span = np.arange(position, run_start, dtype=np.int64)
            starts.append(span)
            ends.append(span + 1)
        if run_end > run_start:
            piece = unicodedata.normalize("NFKC", text[run_start:run_end]).casefold()
            pieces.append(piece)
            starts.append(np.full(len(piece), run_start, dtype=np.int64))
            ends.append(np.full(len(piece), run_end, dtype=np.int64))
        position = run_end
    return "".join(pieces), np.concatenate(starts), np.concatenate(ends)


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    view, _, _ = _normalized_view(text)
    return WORD.findall(view)


def normalize(text: str) -> str:
    """NFKC, case-folded, punctuation removed, words joined by single spaces."""
    return " ".join(words(text))


def tokens(text: str, offset: int = 0) -> Tokens:
    """The normalised words of ``text`` with their raw offsets (shifted by ``offset``)."""
    view, raw_starts, raw_ends = _normalized_view(text)
    found = [(m.group(), m.start(), m.end()) for m in WORD.finditer(view)]
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens([], empty, empty)
    starts = np.fromiter((f[1] for f in found), dtype=np.int64, count=len(found))
    ends = np.fromiter((f[2] for f in found), dtype=np.int64, count=len(found))
    if raw_starts is not None and raw_ends is not None:
        starts = raw_starts[starts]
        ends = raw_ends[ends - 1]
    return Tokens([f[0] for f in found], starts + offset, ends + offset)


def content_hash(text: str) -> str:
    """Hash of a text's normalised words: equal for texts that differ only in case,
    punctuation, spacing or Unicode form."""

    return xxhash.xxh3_128_hexdigest(normalize(text).encode("utf-8"))
