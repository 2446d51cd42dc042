"""Sentence segmentation with raw character offsets, inside body spans only.

Rules, in the order they apply:

* A blank line always ends a sentence (paragraph break), and so does the end of a
  body span: no sentence crosses from one body span into another, so boilerplate
  between them is never part of a sentence.
* A single newline ends a sentence too (a headline, a caption line, a list item),
  unless the text plainly goes on: the next line starts with a lower-case letter or
  the line ends with a comma, semicolon, opening bracket, ampersand, slash or hyphen.
  Hard-wrapped text ("open to all qualified\\nstudents.") stays one sentence.
* ``.``, ``!``, ``?`` and ``…`` followed by closing quotes or brackets and white space
  end a sentence when the next word does not start in lower case. A period is not
  an end after a title or a name prefix ("Mr.", "Gen.", "St."), after an initial
  ("John F. Kennedy"), after a numbering abbreviation followed by a number
  ("No. 5", "Dec. 31"), or after a dotted acronym or company abbreviation ("U.S.",
  "a.m.", "Inc.") unless a common sentence opener follows ("… in the U.S. The next
  day …").
* A terminator glued to a capitalised word ("years later.SPECIALIST", common in
  scraped text where a caption or a button ran into the article) ends a sentence
  when at least two lower-case letters precede it, which leaves "U.S.Army",
  "e.g.The" and decimal numbers alone.

A "sentence" longer than ``max_chars`` (a list or a table without punctuation, flattened
by scraping) is cut at the last white space before each ``max_chars`` characters, so
no unit of comparison swallows a whole page.

Every sentence is trimmed of white space and holds at least one letter or digit;
pieces that are only punctuation (a lone closing quote, an asterisk line) are
dropped. The result is sorted and non-overlapping.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from retold.model import Span, ordered_body
from retold.text import DOCUMENTS_CACHED

# Abbreviations after which a period never ends a sentence: titles and prefixes
# that stand before a name, and Latin connectives that stand inside a sentence.
ALWAYS_JOIN = frozenset(
    """
    mr mrs ms messrs mme mlle dr prof sen sens rep reps gov gen col lt sgt capt cmdr cdr adm maj brig
    cpl pvt rev hon pres supt insp det atty amb fr sr jr st ste mt ft
    vs v e.g i.e cf viz approx ca
    """.split()
)
# Abbreviations that do not end a sentence when a number follows: "No. 5", "Dec. 31",
# "Fig. 2", "p. 17". Followed by a capitalised word they may well end one ("in Dec. The").
NUMBER_JOIN = frozenset(
    """
    no nos art fig figs vol vols p pp ch chap sec sect op par para ed eds rev
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
# Abbreviations that usually sit inside a sentence but can end one; they end it only
# when a common sentence opener follows.
SOMETIMES_JOIN = frozenset(
    """
    inc corp co ltd llc plc bros dept univ assn est etc al govt intl natl
    """.split()
)
# Capitalised words that typically open a sentence: after an ambiguous abbreviation
# ("U.S.", "Inc.", "a.m."), one of these says a new sentence starts.
SENTENCE_OPENERS = frozenset(
    """
    The A An He She It They We I You His Her Its Their Our My This That These Those There Here
    But And Or So Yet If When While After Before Since Although Though As In On At For From
    To With By Of Meanwhile However Still Then Now Also Some Many Most All No Nor One Two
    What Why How Who Where Which Mr Mrs Ms Dr
    """.split()
)

_TERMINATOR = re.compile(
    # A run of terminators, the closing quotes or brackets after it, then either white
    # space before more text or (glued case) a capital letter straight away.
    r"(?P<end>[.!?…]+)(?P<close>[\"'”’»)\]]*)(?:(?P<space>\s+)(?=\S)|(?=[A-Z]))"
)
# White space holding a newline; with two or more newlines it is a blank line.
_NEWLINE_RUN = re.compile(r"\s*\n\s*")
_LAST_TOKEN = re.compile(r"\S+$")
_FIRST_WORD = re.compile(r"[^\W_]+")
_HAS_WORD = re.compile(r"[^\W_]")
MAX_SENTENCE_CHARS = 600  # four times a long news sentence
_OPENING = "\"'“‘«([¿¡"
_CONTINUES_LINE = ",;(&/-"


def sentences(raw: str, body: Sequence[Span], max_chars: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Sentences of the body spans of ``raw``, as trimmed ``[start, end)`` raw offsets.

    Args:
        raw: the raw text.
        body: the spans of main text; text outside them is never part of a sentence.
        max_chars: longer sentences are cut at white space into pieces of at most this
            many characters (where the text has white space to cut at).

    Returns:
        Sentences in text order, each inside one body span, non-overlapping, starting
        and ending on a non-space character and holding at least one letter or digit.

    Raises:
        ValueError: a body span lies outside the text or overlaps another, or
            ``max_chars`` is not positive.
    """
    return list(_cached_sentences(raw, tuple(body), max_chars))


@functools.lru_cache(maxsize=DOCUMENTS_CACHED)
def _cached_sentences(raw: str, body: tuple[Span, ...], max_chars: int) -> tuple[Span, ...]:
    # Cached: a document is compared with several candidates, each comparison splits it.
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    out: list[Span] = []
    for span in ordered_body(raw, body):
        for start, end in _lines(raw, span.start, span.end):
            _split_line(raw, start, end, out)
    return tuple(piece for sentence in out for piece in _cut_long(raw, sentence, max_chars))


def _lines(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` pieces between hard breaks: blank lines, and single newlines
    that do not join the lines of a hard-wrapped sentence."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for run in _NEWLINE_RUN.finditer(raw, start, end):
        if run.group().count("\n") == 1 and _joins(raw, start, end, run.start() - 1, run.end()):
            continue
        pieces.append((piece_start, run.start()))
        piece_start = run.end()
    pieces.append((piece_start, end))
    return pieces


def _joins(raw: str, start: int, end: int, before: int, after: int) -> bool:
    """Whether a single newline between ``raw[before]`` and ``raw[after]`` continues a sentence."""
    if after >= end or before < start:
        return False
    following = raw[after]
    return following.islower() or (raw[before] in _CONTINUES_LINE and not following.isupper())


def _split_line(raw: str, start: int, end: int, out: list[Span]) -> None:
    piece_start = start
    for match in _TERMINATOR.finditer(raw, start, end):
        if _ends_sentence(raw, start, end, match):
            cut = match.end("close")
            _emit(raw, piece_start, cut, out)
            piece_start = cut
    _emit(raw, piece_start, end, out)


def _ends_sentence(raw: str, line_start: int, line_end: int, match: re.Match[str]) -> bool:
    following = match.end()
    if following >= line_end:
        return False  # the line ends here anyway
    terminator = match.group("end")
    next_char = raw[following]
    if match.group("space") is None:
        # Glued: "later.SPECIALIST". Two lower-case letters before keep "U.S.Army" whole.
        before = raw[max(line_start, match.start() - 2) : match.start()]
        return len(before) == 2 and before.isalpha() and before.islower()
    if next_char.islower():
        return False
    if next_char in _OPENING and following + 1 < line_end and raw[following + 1].islower():
        return False  # "… said. (and then …" is rare; "‘and" after a period is a continuation
    if terminator != ".":
        return True  # "!", "?", "…", "...", "?!"
    token = _LAST_TOKEN.search(raw, line_start, match.start())
    if token is None:
        return True
    word = token.group().lstrip(_OPENING).rstrip(".").casefold()
    if not word:
        return True
    if word in ALWAYS_JOIN:
        return False
    if len(word) == 1 and word.isalpha():
        # An initial ("John F. Kennedy") or a list letter; never the end of a sentence
        # in running text unless it is a pronoun or article, which takes no period.
        return False
    if word in NUMBER_JOIN and next_char.isdigit():
        return False
    if "." in word or word in SOMETIMES_JOIN:
        opener = _FIRST_WORD.match(raw, following + (1 if next_char in _OPENING else 0), line_end)
        return opener is not None and opener.group() in SENTENCE_OPENERS
    return True


def _cut_long(raw: str, sentence: Span, max_chars: int) -> list[Span]:
    if len(sentence) <= max_chars:
        return [sentence]
    pieces: list[Span] = []
    start = sentence.start
    while sentence.end - start > max_chars:
        limit = start + max_chars
        cut = limit
        while cut > start + 1 and not raw[cut].isspace():
            cut -= 1
        if cut <= start + 1:
            cut = limit  # no white space to cut at: cut inside the run
        _emit(raw, start, cut, pieces)
        start = cut
    _emit(raw, start, sentence.end, pieces)
    return pieces


def _emit(raw: str, start: int, end: int, out: list[Span]) -> None:
    piece = raw[start:end]
    stripped = piece.strip()
    if not stripped or _HAS_WORD.search(stripped) is None:
        return
    lead = len(piece) - len(piece.lstrip())
    out.append(Span(start + lead, start + lead + len(stripped)))


__all__ = ["sentences"]
