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
# A rough pattern for counting words in raw text; tokenisation proper uses the
# code-point tables below, which also keep combining marks inside words.
WORD = re.compile(r"[^\W_]+")

# English function words: they carry no content, and two unrelated texts share many
# of them, which would inflate any word-overlap measure. Texts in other languages
# still align through the tf-isf weights, which discount words found everywhere.
ENGLISH_STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves also s t d ll m re ve said says say
    """.split()
)

# Per-document work a pair comparison needs (words, sentences) is cached for this
# many documents: candidate pairs come sorted by their first document, so each
# document is prepared about once however many pairs it is in.
DOCUMENTS_CACHED = 256

# Invisible characters dropped from the normalised view (soft hyphen, word joiner,
# byte-order mark) or turned into a space (zero-width space marks word breaks in Thai).
_INVISIBLE = {0x00AD: None, 0x2060: None, 0xFEFF: None, 0x200B: " "}
_JOINERS = (0x200C, 0x200D)  # ZWNJ and ZWJ sit inside Persian and Indic words


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised words of a raw text and the raw ``[start, end)`` of each."""

    words: list[str]
    starts: np.ndarray  # int64, offsets into the raw text
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


def _normalize_piece(piece: str) -> str:
    return unicodedata.normalize("NFKC", piece).casefold().translate(_INVISIBLE)


# Planes 0-3 and plane 14 hold every character that NFKC, case folding or the word
# tables treat specially; planes 15-16 are private use.
_ASSIGNED_RANGE = [*range(0xD800), *range(0xE000, 0x40000), *range(0xE0000, 0xE1000)]


@dataclass(frozen=True, slots=True)
class CharTables:
    """Per code point: ``word`` (letter, digit, mark or joiner), ``special`` (needs more
    than a 1:1 case fold: NFKC changes it, it folds to several characters, or it is
    invisible), ``glue`` (NFKC may merge it into the character before it) and ``fold``
    (its case fold, for characters that are not special)."""

    word: np.ndarray
    special: np.ndarray
    glue: np.ndarray
    fold: np.ndarray  # uint32


@functools.cache
def char_tables() -> CharTables:
    """Built once per process from ``unicodedata`` (~0.4 s)."""
    size = 0x110000
    codes = np.asarray(_ASSIGNED_RANGE, dtype=np.int64)
    chars = [chr(c) for c in _ASSIGNED_RANGE]
    categories = [unicodedata.category(c) for c in chars]
    word = np.zeros(size, dtype=bool)
    word[codes] = np.fromiter((c[0] in "LNM" for c in categories), dtype=bool, count=len(chars))
    word[list(_JOINERS)] = True
    glue = np.zeros(size, dtype=bool)
    glue[codes] = np.fromiter((unicodedata.combining(c) != 0 for c in chars), dtype=bool, count=len(chars))
    glue[0x1160:0x1200] = glue[0xD7B0:0xD800] = True  # Hangul medial and final jamo
    special = np.zeros(size, dtype=bool)
    folds = [c.casefold() for c in chars]
    single = np.fromiter((len(f) == 1 for f in folds), dtype=bool, count=len(chars))
    special[codes] = ~single | ~np.fromiter(
        (unicodedata.is_normalized("NFKC", c) for c in chars), dtype=bool, count=len(chars)
    )
    special[list(_INVISIBLE)] = True
    for char, category in zip(chars, categories, strict=True):
        if category == "Cn":
            continue
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            # The later parts of a canonical decomposition compose with what precedes them.
            for part in decomposition.split()[1:]:
                glue[int(part, 16)] = True
    for code in np.flatnonzero(special).tolist():
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded and glue[ord(folded[0])]:
            glue[code] = True
    special |= glue
    fold = np.arange(size, dtype=np.uint32)
    fold[codes[single]] = code_points("".join(f for f in folds if len(f) == 1))
    return CharTables(word=word, special=special, glue=glue, fold=fold)


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _special_runs(text: str, points: np.ndarray | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` runs of the text that need NFKC: each special character on its
    own, together with the character before it when it may merge into it."""
    tables = char_tables()
    points = code_points(text) if points is None else points
    where = np.flatnonzero(tables.special[points])
    if not len(where):
        return []
    starts = where.copy()
    glued = tables.glue[points[where]] & (where > 0)
    starts[glued] -= 1
    runs: list[tuple[int, int]] = []
    for start, end in zip(starts.tolist(), (where + 1).tolist(), strict=True):
        if runs and start < runs[-1][1]:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def normalized_code_points(text: str, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The code points of the normalised text, and where each of the given raw positions
    (ascending, each at the start of a character outside the special runs) falls in it.

    ``_normalized_view`` as an array and without its per-character maps: what a batch of
    joined texts needs. Case folding goes through a table, because ``str.casefold`` on a
    long string with one non-ASCII character is ten times slower than on ASCII.
    """
    tables = char_tables()
    points = code_points(text)
    runs = _special_runs(text, points)
    if not runs:
        return tables.fold[points], positions
    pieces: list[np.ndarray] = []
    run_ends: list[int] = []
    shifts: list[int] = []
    shift = 0
    position = 0
    for run_start, run_end in runs:
        pieces.append(tables.fold[points[position:run_start]])
        piece = code_points(_normalize_piece(text[run_start:run_end]))
        pieces.append(piece)
        shift += len(piece) - (run_end - run_start)
        run_ends.append(run_end)
        shifts.append(shift)
        position = run_end
    pieces.append(tables.fold[points[position:]])
    # The shift of the last run ending at or before each position.
    before = np.searchsorted(np.asarray(run_ends, dtype=np.int64), positions, side="right")
    moved = np.concatenate([[0], np.asarray(shifts, dtype=np.int64)])[before]
    return np.concatenate(pieces), positions + moved


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
            piece = _normalize_piece(text[run_start:run_end])
            pieces.append(piece)
            starts.append(np.full(len(piece), run_start, dtype=np.int64))
            ends.append(np.full(len(piece), run_end, dtype=np.int64))
        position = run_end
    return "".join(pieces), np.concatenate(starts), np.concatenate(ends)


def _word_bounds(view: str) -> tuple[np.ndarray, np.ndarray]:
    is_word = char_tables().word[code_points(view)].view(np.int8)
    edges = np.diff(is_word, prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    view, _, _ = _normalized_view(text)
    starts, ends = _word_bounds(view)
    return [view[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def normalize(text: str) -> str:
    """NFKC, case-folded, punctuation removed, words joined by single spaces."""
    return " ".join(words(text))


def tokens(text: str, offset: int = 0) -> Tokens:
    """The normalised words of ``text`` with their raw offsets (shifted by ``offset``)."""
    view, raw_starts, raw_ends = _normalized_view(text)
    starts, ends = _word_bounds(view)
    found = [view[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    if raw_starts is not None and raw_ends is not None and len(starts):
        starts, ends = raw_starts[starts], raw_ends[ends - 1]
    return Tokens(found, starts.astype(np.int64) + offset, ends.astype(np.int64) + offset)


def content_hash(text: str) -> str:
    """Hash of a text's normalised words: equal for texts that differ only in case,
    punctuation, spacing or Unicode form."""

    return xxhash.xxh3_128_hexdigest(normalize(text).encode("utf-8"))
