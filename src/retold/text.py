"""Text normalisation, in one place: Unicode NFKC, case folding, punctuation and
whitespace dropped. Every stage that compares words goes through here.

``words`` is the fast path for fingerprints; ``tokens`` gives the same words with
character offsets into the raw text, for alignment and for showing evidence.
Both read one normalised view of the text, so they agree by construction.
"""

from __future__ import annotations

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


def _normalized_view(text: str) -> tuple[str, np.ndarray | None, np.ndarray | None]:
    """The normalised text and, unless it maps 1:1 onto the raw text, the raw
    start and end of the cluster each normalised character came from."""
    if unicodedata.is_normalized("NFKC", text):
        folded = text.casefold()
        if len(folded) == len(text):
            return folded, None, None
    pieces: list[str] = []
    raw_starts: list[int] = []
    raw_ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _is_combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFKC", text[i:j]).casefold()
        pieces.append(piece)
        raw_starts.extend([i] * len(piece))
        raw_ends.extend([j] * len(piece))
        i = j
    return "".join(pieces), np.asarray(raw_starts, dtype=np.int64), np.asarray(raw_ends, dtype=np.int64)


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
