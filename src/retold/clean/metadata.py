"""Metadata read from a page's header: dates, headline shape, names of outlets and authors.

English only for now: month names, weekday names and name connectors are English.
"""

from __future__ import annotations

import re
from datetime import date

# Headlines are short and do not end like a sentence; these bounds keep a one-line
# lede or a deck (a sentence-case standfirst of ~200 characters) out of the title.
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 30
TITLE_MAX_CHARS = 200
# Share of long words (>= TITLE_CASE_MIN_LETTERS letters) that start upper-case for a
# line to read as Title Case: short function words ("of", "in", "the") are often lower.
TITLE_CASE_SHARE = 0.75
TITLE_CASE_MIN_LETTERS = 4
TITLE_CASE_MIN_WORDS = 2
# A byline names a few people or an agency, not a clause.
BYLINE_MAX_WORDS = 8
OUTLET_MAX_WORDS = 6

_MONTH_NUMBERS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_ORDINAL = r"(?:st|nd|rd|th)?"
# Group-free, so rules can embed it; matched case-insensitively.
DATE = (
    rf"(?:{WEEKDAY},?\s+)?(?:{MONTH}\.?\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}}"
    rf"|\d{{1,2}}{_ORDINAL}\s+{MONTH}\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
_DATE_PARTS = re.compile(
    rf"(?P<m1>{MONTH})\.?\s+(?P<d1>\d{{1,2}}){_ORDINAL},?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}}){_ORDINAL}\s+(?P<m2>{MONTH})\.?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})",
    re.IGNORECASE,
)
_WEEKDAY_OR_MONTH = re.compile(rf"^(?:{WEEKDAY}|{MONTH})\.?$", re.IGNORECASE)
# Words that may stay lower-case inside a person's or outlet's name.
_NAME_CONNECTORS = frozenset(
    {
        "and",
        "&",
        "de",
        "da",
        "del",
        "der",
        "den",
        "di",
        "du",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "ibn",
        "y",
        "of",
    }
)
# A "name" that starts with one of these is a clause ("On Thursday, December 9, 2021").
_NOT_NAME_START = frozenset({"on", "in", "at", "as", "since", "until", "by", "from", "for", "this", "last"})
# Outlets may be "The Cradle"; a person is not "The Smith".
_NOT_PERSON_START = _NOT_NAME_START | {"the"}
_SENTENCE_END = ".,;:"
_CLOSERS = "\"'”’)]»*_ "
_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def parse_date(text: str) -> str | None:
    """The first English or ISO calendar date in ``text`` as ``YYYY-MM-DD``, if it is a real day."""
    for m in _DATE_PARTS.finditer(text):
        if m["y1"]:
            year, month, day = int(m["y1"]), _MONTH_NUMBERS[m["m1"][:3].lower()], int(m["d1"])
        elif m["y2"]:
            year, month, day = int(m["y2"]), _MONTH_NUMBERS[m["m2"][:3].lower()], int(m["d2"])
        else:
            year, month, day = int(m["y3"]), int(m["m3"]), int(m["d3"])
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def iso_date(value: str | None) -> str | None:
    """A reader-supplied date as ``YYYY-MM-DD``; None when it is not a recognisable date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        # Also accepts datetimes ("2021-11-23T10:00:00Z"): a day is what stories compare.
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return parse_date(value)


def is_name_like(text: str, max_words: int = BYLINE_MAX_WORDS, not_first: frozenset[str] = _NOT_PERSON_START) -> bool:
    """Whether ``text`` reads as a list of proper names ("Tom Smith and Jane Doe, Reuters")."""
    items = text.replace(",", " ").split()
    if not 1 <= len(items) <= max_words or items[0].lower() in not_first:
        return False
    capitalised = 0
    for k, item in enumerate(items):
        if item.lower() in _NAME_CONNECTORS or (k == 0 and item.lower() == "the"):
            continue
        if not item[0].isupper() or _WEEKDAY_OR_MONTH.match(item):
            return False
        capitalised += 1
    return capitalised > 0


def is_outlet_like(text: str) -> bool:
    return is_name_like(text, OUTLET_MAX_WORDS, _NOT_NAME_START)


def looks_like_title(plain: str) -> bool:
    """Whether a line is shaped like a headline: a few words, not ending like a sentence."""
    if len(plain) > TITLE_MAX_CHARS:
        return False
    n_words = len(plain.split())
    if not TITLE_MIN_WORDS <= n_words <= TITLE_MAX_WORDS:
        return False
    ending = plain.rstrip(_CLOSERS)
    return bool(ending) and ending[-1] not in _SENTENCE_END and any(c.isalpha() for c in plain)


def is_title_case(plain: str) -> bool:
    """Whether most long words start upper-case, as in "Pentagon Says Forces Will Remain"."""
    long_words = [w for w in _WORD.findall(plain) if len(w) >= TITLE_CASE_MIN_LETTERS]
    if len(long_words) < TITLE_CASE_MIN_WORDS:
        return False
    upper = sum(1 for w in long_words if w[0].isupper())
    return upper / len(long_words) >= TITLE_CASE_SHARE


def one_line(text: str) -> str:
    """Whitespace runs (including no-break spaces) collapsed to one space."""
    return " ".join(text.split())
