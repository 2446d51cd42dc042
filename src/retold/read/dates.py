"""Dates as the inputs spell them, normalised to ISO 8601.

A date alone becomes ``YYYY-MM-DD``; a value that carries a time becomes a full
timestamp (``YYYY-MM-DDTHH:MM:SS``, with ``Z`` for UTC or the offset given).
Anything unparseable is ``None``: a missing date is not an error.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

# Day-first and month-first spellings seen in news metadata and bylines. Slashed
# dates are read US style first; a day above 12 then falls through to day-first.
_DATE_FORMATS = (
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%Y.%m.%d",
    "%d-%b-%Y",
)
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p")
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)
_MONTH_DOT = re.compile(r"\b([A-Za-z]{3,4})\.")
_SEPT = re.compile(r"\bsept\b", re.IGNORECASE)
_TIME_TAIL = re.compile(
    r"^(?P<date>.*?\d{2,4})[\s,T]+(?:at\s+)?(?P<time>\d{1,2}(?::\d{2}){0,2}\s*(?:[ap]\.?m\.?)?)"
    r"\s*(?P<zone>z|utc|gmt)?$",
    re.IGNORECASE,
)
# RFC 2822, as in HTTP and RSS: "Tue, 23 Nov 2021 10:00:00 GMT".
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
# Epoch values above this are milliseconds: 1e11 seconds is the year 5138.
_MILLIS = 100_000_000_000


def _format(moment: datetime) -> str:
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _from_epoch(value: float) -> str | None:
    if value != value:  # NaN
        return None
    seconds = value / 1000 if abs(value) >= _MILLIS else value
    try:
        return _format(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds))
    except (OverflowError, ValueError):
        return None


def _iso(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return _format(datetime.fromisoformat(text))
    except ValueError:
        return None


def _strptime_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _strptime_time(text: str) -> tuple[int, int, int] | None:
    compact = text.replace(".", "").upper()
    for pattern in _TIME_FORMATS:
        try:
            moment = datetime.strptime(compact, pattern)
        except ValueError:
            continue
        return moment.hour, moment.minute, moment.second
    return None


def _human(text: str) -> str | None:
    """Month names, slashes and dots: ``Nov 23, 2021``, ``Tuesday 23rd November 2021 10:00``."""
    cleaned = _WEEKDAY.sub("", text)
    cleaned = _ORDINAL.sub(r"\1", cleaned)
    cleaned = _SEPT.sub("Sep", _MONTH_DOT.sub(r"\1", cleaned))
    cleaned = " ".join(cleaned.replace(",", " ").split())
    day = _strptime_date(cleaned)
    if day is not None:
        return day.isoformat()
    match = _TIME_TAIL.match(cleaned)
    if match is None:
        return None
    day = _strptime_date(match["date"].strip())
    clock = _strptime_time(match["time"].strip())
    if day is None or clock is None:
        return None
    moment = datetime(day.year, day.month, day.day, *clock, tzinfo=UTC if match["zone"] else None)
    return _format(moment)


def parse_date(value: object) -> str | None:
    """``value`` as an ISO 8601 date or timestamp, or ``None`` when it cannot be read.

    Accepts ISO 8601 (``2021-11-23``, ``2021-11-23T10:00:00Z``), month names
    (``Nov 23, 2021``, ``23 November 2021``), US slashed dates (``12/31/2021``),
    RFC 2822 (``Tue, 23 Nov 2021 10:00:00 GMT``), unix epoch seconds or
    milliseconds, and ``date``/``datetime`` objects.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _format(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if text.isdigit() and len(text) >= 9:
        return _from_epoch(int(text))
    iso = _iso(text)
    if iso is not None:
        return iso
    if _RFC2822.match(text):
        try:
            return _format(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    return _human(text)


__all__ = ["parse_date"]
