"""Server-side SVG for the report: a story's timeline and its provenance graph.

Rendered as markup so the charts need no script; every label is escaped. Each
document is a link to its view. Big stories are drawn with their first
``MAX_CHART_DOCUMENTS`` documents and say so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from html import escape

from ..model import Pair, Story, TimelineEntry

LABEL_COLOURS = {
    "duplicate": "#d62728",
    "reprint": "#ff7f0e",
    "rewrite": "#9467bd",
    "partial": "#bcbd22",
    "same_story": "#7f7f7f",
}
ROLE_COLOURS = {"first": "#2ca02c", "copy": "#ff7f0e", "rewrite": "#9467bd", "report": "#1f77b4"}
WIDTH = 760
LANE = 34
MARGIN = 110
# Documents are drawn with at most this many characters of their id.
SHORT_ID = 14
# A chart draws at most this many documents of a story (in timeline order); more is unreadable.
MAX_CHART_DOCUMENTS = 40


def _short(doc_id: str) -> str:
    return doc_id if len(doc_id) <= SHORT_ID else doc_id[: SHORT_ID - 1] + "…"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _linked(anchor: str | None, inner: str) -> str:
    return f'<a href="#{escape(anchor)}">{inner}</a>' if anchor else inner


def _drawn_entries(story: Story) -> list[TimelineEntry]:
    return list(story.timeline[:MAX_CHART_DOCUMENTS])


def _cut_note(story: Story, width: int, y: int) -> str:
    if len(story.documents) <= MAX_CHART_DOCUMENTS:
        return ""
    return (
        f'<text x="{width - 6}" y="{y}" class="tick" text-anchor="end">showing {MAX_CHART_DOCUMENTS} of '
        f"{len(story.documents):,} documents</text>"
    )


def timeline_svg(story: Story, anchors: Mapping[str, str] | None = None) -> str:
    """Documents on a date axis, one lane per event; undated ones in a column at the right."""
    anchors = anchors or {}
    entries = _drawn_entries(story)
    days = [d for t in entries if (d := _day(t.date))]
    lanes = max((t.event for t in entries), default=0) + 1
    height = 40 + lanes * LANE
    first, last = (min(days), max(days)) if days else (None, None)
    span = max(1, (last - first).days) if first and last else 1
    plot = WIDTH - MARGIN - 120
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="timeline of story {escape(story.id)}">'
    ]
    for lane in range(lanes):
        y = 24 + lane * LANE
        parts.append(f'<text x="4" y="{y + 4}" class="lane">event {lane + 1}</text>')
        parts.append(f'<line x1="{MARGIN}" y1="{y}" x2="{MARGIN + plot}" y2="{y}" class="axis"/>')
    if first and last:
        parts.append(f'<text x="{MARGIN}" y="{height - 4}" class="tick">{first.isoformat()}</text>')
        if last != first:
            parts.append(
                f'<text x="{MARGIN + plot}" y="{height - 4}" class="tick" text-anchor="end">{last.isoformat()}</text>'
            )
    parts.append(f'<text x="{MARGIN + plot + 60}" y="{height - 4}" class="tick" text-anchor="middle">undated</text>')
    undated_row: dict[int, int] = {}
    for entry in entries:
        y = 24 + entry.event * LANE
        day = _day(entry.date)
        if day and first:
            x = MARGIN + plot * (day - first).days / span
        else:
            column = undated_row.get(entry.event, 0)
            undated_row[entry.event] = column + 1
            x = MARGIN + plot + 30 + 28 * column
        colour = ROLE_COLOURS.get(entry.role, "#333")
        title = escape(f"{entry.doc} · {entry.date or 'no date'} · {entry.outlet or ''} · {entry.role}")
        node = (
            f'<g><title>{title}</title><circle cx="{x:.1f}" cy="{y}" r="7" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{y - 10}" class="node" text-anchor="middle">{escape(_short(entry.doc))}</text></g>'
        )
        parts.append(_linked(anchors.get(entry.doc), node))
    parts.append(_cut_note(story, WIDTH, 12))
    parts.append("</svg>")
    return "".join(parts)


def provenance_svg(story: Story, pairs: list[Pair], anchors: Mapping[str, str] | None = None) -> str:
    """Documents on a circle; an arrow from source to derived document per directed pair,
    a dashed line where the direction is unknown; coloured by relation."""
    anchors = anchors or {}
    drawn = [entry.doc for entry in _drawn_entries(story)]
    members = drawn if drawn else list(story.documents[:MAX_CHART_DOCUMENTS])
    inside = set(members)
    edges = [p for p in pairs if p.a in inside and p.b in inside]
    size = 360 if len(members) <= 12 else 520
    centre, radius = size / 2, size / 2 - 60
    position = {
        doc: (
            centre + radius * math.cos(2 * math.pi * k / len(members) - math.pi / 2),
            centre + radius * math.sin(2 * math.pi * k / len(members) - math.pi / 2),
        )
        for k, doc in enumerate(members)
    }
    parts = [
        f'<svg class="provenance" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" '
        f'aria-label="provenance graph of story {escape(story.id)}"><defs>'
    ]
    for label, colour in LABEL_COLOURS.items():
        parts.append(
            f'<marker id="arrow-{label}" viewBox="0 0 10 10" refX="18" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    parts.append("</defs>")
    for pair in edges:
        colour = LABEL_COLOURS.get(pair.label, "#333")
        if pair.source:
            derived = pair.b if pair.source == pair.a else pair.a
            (x1, y1), (x2, y2) = position[pair.source], position[derived]
            style = f'stroke="{colour}" stroke-width="2" marker-end="url(#arrow-{pair.label})"'
        else:
            (x1, y1), (x2, y2) = position[pair.a], position[pair.b]
            style = f'stroke="{colour}" stroke-width="2" stroke-dasharray="5 4"'
        title = escape(f"{pair.a} – {pair.b}: {pair.label}, source {pair.source or 'not determined'}")
        parts.append(
            f'<g><title>{title}</title><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/></g>'
        )
    for doc, (x, y) in position.items():
        node = (
            f'<g><title>{escape(doc)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="9" class="doc"/>'
            f'<text x="{x:.1f}" y="{y + 24:.1f}" class="node" text-anchor="middle">{escape(_short(doc))}</text></g>'
        )
        parts.append(_linked(anchors.get(doc), node))
    parts.append(_cut_note(story, size, 14))
    parts.append("</svg>")
    return "".join(parts)


def legend_css() -> str:
    """Colour rules for the legend's keys (the Content-Security-Policy forbids style attributes)."""
    relations = "".join(f".key.rel-{label} {{ border-color: {c}; }}\n" for label, c in LABEL_COLOURS.items())
    roles = "".join(f".key.role-{role} {{ border-color: {c}; }}\n" for role, c in ROLE_COLOURS.items())
    return relations + roles


def legend_html() -> str:
    relations = " ".join(f'<span class="key rel-{label}">{escape(label)}</span>' for label in LABEL_COLOURS)
    roles = " ".join(f'<span class="key role-{role}">{escape(role)}</span>' for role in ROLE_COLOURS)
    return (
        f'<p class="legend">relations: {relations} · roles: {roles} · dashed line: direction not determined · '
        "click a document to open it</p>"
    )
