"""A story's record: who published first, the order of reports, and each one's role.

Roles: ``first`` (the earliest document of the story), ``copy`` (a duplicate or reprint
of an earlier document), ``rewrite`` (a rewrite of an earlier document), ``report``
(told independently). "Earlier" comes from the pair's ``source`` when the relate stage
found one; otherwise from the dates; otherwise the document added first is taken as
the source (an undirected duplicate has to have one copy).

Order: by date; an undated document that others copy or rewrite is placed at the
date of its earliest dated derivative (a source is no later than its copies), ahead
of them; other undated documents come last, in the order they were added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from retold.model import Story, TimelineEntry, TimelineRole

COPY_LABELS = frozenset({"duplicate", "reprint"})
REWRITE_LABELS = frozenset({"rewrite"})


class Link(NamedTuple):
    """A relation between two documents, as the index keeps it."""

    a: str
    b: str
    label: str
    source: str | None


@dataclass(frozen=True, slots=True)
class DocInfo:
    id: str
    seq: int  # order in which the index received it
    title: str | None
    date: str | None
    outlet: str | None


def _day(info: DocInfo) -> str | None:
    return info.date[:10] if info.date else None


def derives(doc: str, other: str, link: Link, docs: Mapping[str, DocInfo]) -> bool:
    """Whether ``doc`` derives from ``other`` through ``link``."""
    if link.source is not None:
        return link.source == other
    mine, theirs = _day(docs[doc]), _day(docs[other])
    if mine and theirs and mine != theirs:
        return theirs < mine
    return docs[other].seq < docs[doc].seq


def _sources(doc: str, docs: Mapping[str, DocInfo], relations: Mapping[str, Sequence[Link]]) -> list[tuple[str, str]]:
    """(source, label) of every document in the story that ``doc`` derives from."""
    out = []
    for link in relations.get(doc, ()):
        other = link.b if link.a == doc else link.a
        if other in docs and other != doc and derives(doc, other, link, docs):
            out.append((other, link.label))
    return out


def build_story(
    story_id: str,
    title: str | None,
    events: Sequence[Sequence[str]],
    docs: Mapping[str, DocInfo],
    relations: Mapping[str, Sequence[Link]],
) -> Story:
    """The ``Story`` record of one story from its events (lists of document ids)."""
    sources = {d: _sources(d, docs, relations) for d in docs}
    effective: dict[str, str | None] = {d: _day(info) for d, info in docs.items()}
    for doc, found in sources.items():
        for source, _ in found:
            mine = _day(docs[doc])
            if effective[source] is None and mine is not None:
                current = effective[source]
                effective[source] = mine if current is None or mine < current else current
    first = _first(docs, sources)

    def key(doc: str) -> tuple[int, int, str, int, int]:
        day = effective[doc]
        return (doc != first, day is None, day or "", bool(sources[doc]), docs[doc].seq)

    order = sorted(docs, key=key)
    position = {d: i for i, d in enumerate(order)}
    ordered_events = sorted((sorted(e, key=position.__getitem__) for e in events), key=lambda e: position[e[0]])
    event_of = {d: i for i, e in enumerate(ordered_events) for d in e}
    timeline = tuple(
        TimelineEntry(doc=d, date=docs[d].date, outlet=docs[d].outlet, event=event_of[d], role=_role(d, first, sources))
        for d in order
    )
    dated = sorted(docs[d].date for d in order if docs[d].date)  # type: ignore[type-var]
    return Story(
        id=story_id,
        title=title,
        documents=tuple(order),
        events=tuple(tuple(e) for e in ordered_events),
        first=first,
        dates=(dated[0], dated[-1]) if dated else (None, None),
        timeline=timeline,
    )


def _first(docs: Mapping[str, DocInfo], sources: Mapping[str, list[tuple[str, str]]]) -> str | None:
    """The earliest dated document (or the first added), then up its chain of sources."""
    if not docs:
        return None
    dated = [d for d in docs if _day(docs[d])]
    # Undated documents all compare equal on the day, so the first added wins.
    first = min(dated or docs, key=lambda d: (_day(docs[d]) or "", docs[d].seq))
    seen = {first}
    while sources[first]:
        parent = min((s for s, _ in sources[first]), key=lambda d: docs[d].seq)
        if parent in seen:
            break
        seen.add(parent)
        first = parent
    return first


def _role(doc: str, first: str | None, sources: Mapping[str, list[tuple[str, str]]]) -> TimelineRole:
    if doc == first:
        return "first"
    labels = {label for _, label in sources[doc]}
    if labels & COPY_LABELS:
        return "copy"
    if labels & REWRITE_LABELS:
        return "rewrite"
    return "report"
