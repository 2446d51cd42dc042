"""Cleaning one document: furniture rules, the headline, and metadata from the header."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retold.clean.metadata import is_title_case, iso_date, looks_like_title, one_line, parse_date
from retold.clean.rules import Hit, match_inline, match_line, plain_text
from retold.clean.spans import Line, body_spans, split_lines, trim
from retold.config import CleanConfig
from retold.model import Boilerplate, CleanDocument, Document, Span
from retold.text import normalize

TITLE_REASON = "title line"
HEADLINE_REASON = "headline"
TAIL_REASON = "after comment form"
DATELINE_REASON = "dateline header"
BYLINE_REASON = "byline"
# A comment heading ends the article only if real prose came before it; a line of
# this many words is prose rather than a menu entry or a headline.
PROSE_MIN_WORDS = 8

# The samples' header line: " date 2021-11-23 Headline text".
_DATE_HEADER = re.compile(r"^date\s+(?P<date>\d{4}-\d{2}-\d{2})\b\s*(?P<title>.*)$", re.IGNORECASE)


@dataclass(slots=True)
class _Mark:
    reason: str
    hit: Hit | None = None
    joined: bool = False  # continues the previous line's span (one paragraph-scope match)


def clean_document(doc: Document, config: CleanConfig) -> CleanDocument:
    """Split a document into body spans and boilerplate spans and read its metadata.

    The raw text is never changed; every span is an offset range into ``doc.text``.
    ``config`` is accepted for symmetry with the corpus stage; the rules need no parameters.
    """
    del config  # per-document rules are fixed; CleanConfig tunes corpus recurrence
    raw = doc.text
    lines = split_lines(raw)
    plains = [plain_text(raw[line.start : line.end]) for line in lines]
    marks: list[_Mark | None] = [None] * len(lines)

    header_date: str | None = None
    header_title: str | None = None
    if lines and (m := _DATE_HEADER.match(plains[0])):
        marks[0] = _Mark(TITLE_REASON)
        header_date = iso_date(m["date"])
        header_title = one_line(m["title"]) or None

    for i, line in enumerate(lines):
        if marks[i] is None and (hit := match_line(raw[line.start : line.end], plains[i])):
            marks[i] = _Mark(hit.rule.name, hit)

    _sweep_tail(lines, plains, marks)
    _extend_paragraphs(lines, marks)
    detected_title, first_body = _mark_headlines(doc, plains, marks, header_title is not None)

    spans: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        mark = marks[i]
        if mark is None:
            for start, end, reason in match_inline(raw[line.start : line.end]):
                start, end = trim(raw, line.start + start, line.start + end)
                if end > start:
                    spans.append((start, end, reason))
        elif mark.joined and spans:
            start, _, reason = spans[-1]
            spans[-1] = (start, line.end, reason)
        else:
            spans.append((line.start, line.end, mark.reason))
    spans.sort()
    boilerplate = tuple(Boilerplate(Span(s, e), reason) for s, e, reason in spans)

    header = marks[:first_body]
    return CleanDocument(
        doc_id=doc.id,
        body=body_spans(raw, (b.span for b in boilerplate)),
        boilerplate=boilerplate,
        title=_first(doc.title and one_line(doc.title), header_title, detected_title),
        date=_first(iso_date(doc.date), header_date, _header_date(header)),
        outlet=_first(doc.outlet and doc.outlet.strip(), _header_outlet(header)),
        byline=_first(doc.byline and doc.byline.strip(), _byline(marks)),
    )


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _sweep_tail(lines: list[Line], plains: list[str], marks: list[_Mark | None]) -> None:
    """Everything after a comment-section heading is the form and the comments."""
    seen_prose = False
    for i, mark in enumerate(marks):
        if mark is None:
            seen_prose = seen_prose or len(plains[i].split()) >= PROSE_MIN_WORDS
        elif mark.hit is not None and mark.hit.rule.scope == "tail" and seen_prose:
            for j in range(i + 1, len(lines)):
                if marks[j] is None:
                    marks[j] = _Mark(TAIL_REASON)
            return


def _extend_paragraphs(lines: list[Line], marks: list[_Mark | None]) -> None:
    for i, mark in enumerate(marks):
        if mark is None or mark.joined or mark.hit is None or mark.hit.rule.scope != "paragraph":
            continue
        j = i + 1
        while j < len(lines) and lines[j].paragraph == lines[i].paragraph and marks[j] is None:
            marks[j] = _Mark(mark.reason, mark.hit, joined=True)
            j += 1


def _mark_headlines(
    doc: Document, plains: list[str], marks: list[_Mark | None], have_title: bool
) -> tuple[str | None, int]:
    """Mark the headline (and any further Title-Case headlines) in the page header.

    The header runs up to the first line that is neither furniture nor headline; returns
    the headline found, if any, and the index of that first body line.
    """
    wanted = normalize(doc.title) if doc.title else ""
    detected: str | None = None
    unmarked = [i for i, mark in enumerate(marks) if mark is None]
    for k, i in enumerate(unmarked):
        plain = plains[i]
        has_more = k + 1 < len(unmarked)
        if (wanted and normalize(plain) == wanted) or (not have_title and has_more and looks_like_title(plain)):
            marks[i] = _Mark(TITLE_REASON)
            detected = detected or plain
            have_title = True
        elif have_title and has_more and looks_like_title(plain) and is_title_case(plain):
            # A second headline in the header: a blog's own title above the original one (001).
            marks[i] = _Mark(HEADLINE_REASON)
        else:
            return detected, i
    return detected, len(marks)


def _header_date(header: list[_Mark | None]) -> str | None:
    for mark in header:
        if mark is not None and mark.reason == DATELINE_REASON and mark.hit is not None:
            found = parse_date(mark.hit.match["date"])
            if found:
                return found
    return None


def _header_outlet(header: list[_Mark | None]) -> str | None:
    for mark in header:
        if mark is not None and mark.reason == DATELINE_REASON and mark.hit is not None:
            outlet = mark.hit.match.groupdict().get("outlet")
            if outlet:
                return one_line(outlet)
    return None


def _byline(marks: list[_Mark | None]) -> str | None:
    for mark in marks:
        if mark is not None and mark.reason == BYLINE_REASON and mark.hit is not None:
            return one_line(mark.hit.match["name"]).strip(" ,") or None
    return None
