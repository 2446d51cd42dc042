"""The report's views as HTML fragments: story, pair, quotation and document.

Each view is a ``<section>`` with a stable id (``story-3``, ``pair-0``,
``quote-12``, ``doc-4``: the index in the analysis result) and the ``data-*``
attributes the script filters on. Without the script every view still reads
top to bottom and every cross-reference is a plain anchor link.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Pair, Quote, Story
from .budget import ReportBudget, ReportPlan
from .markup import Highlight, attr, bdi, marked_text, text, url_html
from .svg import provenance_svg, timeline_svg

# A story view links at most this many of its pairs; the pairs table lists them all.
STORY_PAIR_LINKS = 50
# A story view lists at most this many documents under its events; stories.jsonl has them all.
STORY_EVENT_DOCUMENTS = 60
# A quotation shows at most this many occurrences (the first, then altered ones, then by date).
QUOTE_OCCURRENCES = 12


def doc_anchor(plan: ReportPlan, doc_id: str) -> str:
    return f"doc-{plan.doc_index[doc_id]}" if doc_id in plan.doc_index else ""


def doc_link(plan: ReportPlan, doc_id: str) -> str:
    anchor = doc_anchor(plan, doc_id)
    return f'<a href="#{anchor}">{bdi(doc_id)}</a>' if anchor else bdi(doc_id)


def story_link(plan: ReportPlan, number: int | None) -> str:
    if number is None:
        return ""
    anchor = plan.story_anchor(number)
    return f'<a href="#{anchor}">{number + 1}</a>' if anchor else str(number + 1)


def pair_link(plan: ReportPlan, number: int, inner: str) -> str:
    anchor = plan.pair_anchor(number)
    return f'<a href="#{anchor}">{inner}</a>' if anchor else inner


def _date(value: object) -> str:
    return text(value) if value else '<span class="note">no date</span>'


# --- stories -------------------------------------------------------------------------------------------------


def story_row(plan: ReportPlan, number: int, story: Story, has_view: bool) -> str:
    first, last = story.dates
    name = bdi(story.title or story.id)
    title = f'<a href="#story-{number}">{name}</a>' if has_view else name
    return (
        f'<tr data-kind="story-row" id="story-row-{number}" data-view="story-{number}"><td>{title}</td>'
        f"<td>{len(story.documents)}</td><td>{len(story.events)}</td>"
        f"<td>{text(first or '')}</td><td>{text(last or '')}</td>"
        f"<td>{doc_link(plan, story.first) if story.first else ''}</td>"
        f"<td>{len(plan.pairs_of_story.get(number, []))}</td></tr>"
    )


def story_view(plan: ReportPlan, number: int, story: Story) -> str:
    numbered_pairs = plan.pairs_of_story.get(number, [])
    pairs = [pair for _, pair in numbered_pairs]
    anchors = {doc: doc_anchor(plan, doc) for doc in story.documents}
    first, last = story.dates
    span = f"{text(first or '?')} – {text(last or '?')}" if first or last else "no dates"
    roles = {entry.doc: entry for entry in story.timeline}
    events = []
    room = STORY_EVENT_DOCUMENTS
    for k, event in enumerate(story.events):
        listed = event[: max(room, 1)]
        room -= len(listed)
        members = ", ".join(
            f"{doc_link(plan, doc)} ({text(roles[doc].role) if doc in roles else ''}"
            f"{', ' + text(roles[doc].date) if doc in roles and roles[doc].date else ''})"
            for doc in listed
        )
        more = f" … and {len(event) - len(listed):,} more" if len(listed) < len(event) else ""
        events.append(f"<li>event {k + 1} ({len(event):,} documents): {members}{more}</li>")
    pair_links = ", ".join(
        pair_link(plan, pair_number, f"{bdi(pair.a)} – {bdi(pair.b)}") + " "
        f'<span class="label {attr(pair.label)}">{text(pair.label)}</span>'
        for pair_number, pair in numbered_pairs[:STORY_PAIR_LINKS]
    )
    if len(numbered_pairs) > STORY_PAIR_LINKS:
        pair_links += f" … and {len(numbered_pairs) - STORY_PAIR_LINKS:,} more (showing {STORY_PAIR_LINKS})"
    return (
        f'<section class="story view" id="story-{number}" data-kind="story">'
        f"<h3>{bdi(story.title or story.id)}</h3>"
        f"<p>{len(story.documents)} documents · {len(story.events)} events · {span} · first report: "
        f"{doc_link(plan, story.first) if story.first else 'unknown'}</p>"
        f'<div class="charts">{timeline_svg(story, anchors)}{provenance_svg(story, pairs, anchors)}</div>'
        f"<ul>{''.join(events)}</ul>"
        + (f'<p class="story-pairs">related pairs: {pair_links}</p>' if pair_links else "")
        + "</section>"
    )


# --- pairs ---------------------------------------------------------------------------------------------------


def _direction(plan: ReportPlan, pair: Pair) -> str:
    if not pair.source:
        return "direction: <b>not determined</b>"
    derived = pair.b if pair.source == pair.a else pair.a
    return f"direction: <b>{doc_link(plan, pair.source)}</b> → {doc_link(plan, derived)}"


def pair_row(plan: ReportPlan, number: int, pair: Pair) -> str:
    name = f"{bdi(pair.a)} ↔ {bdi(pair.b)}"
    if number in plan.viewed_pairs or number in plan.lazy_pairs:
        name = f'<a href="#pair-{number}">{name}</a>'
    else:
        name += ' <span class="note">(texts beyond the size budget)</span>'
    return (
        f'<tr data-kind="pair-row" id="pair-row-{number}" data-view="pair-{number}" data-label="{attr(pair.label)}">'
        f"<td>{name}</td>"
        f'<td><span class="label {attr(pair.label)}">{text(pair.label)}</span></td>'
        f"<td>{bdi(pair.source) if pair.source else ''}</td><td>{pair.confidence:.2f}</td>"
        f"<td>{len(pair.passages)}</td><td>{pair.scores.aligned_a:.0%} / {pair.scores.aligned_b:.0%}</td></tr>"
    )


def _passage_table(number: int, pair: Pair, left: str, limit: int) -> str:
    """The passages with their offsets, each linked to where it is highlighted on the left and on the right."""
    left_side, right_side = ("a", "b") if left == pair.a else ("b", "a")

    def jump(side: str, k: int, label: str) -> str:
        span = pair.passages[k].a_span if side == "a" else pair.passages[k].b_span
        # A passage past the part of a long text that is shown has nothing to jump to.
        return f'<a href="#pair-{number}-{side}-{k}">{label}</a>' if span.start < min(span.end, limit) else label

    rows = [
        f"<tr><td>{jump(left_side, k, str(k + 1))}</td>"
        f'<td><mark class="hl {attr(passage.kind)}">{text(passage.kind)}</mark></td><td>{passage.score:.2f}</td>'
        f"<td>{passage.a_span.start}–{passage.a_span.end}</td><td>{passage.b_span.start}–{passage.b_span.end}</td>"
        f"<td>{jump(right_side, k, 'other side')}</td></tr>"
        for k, passage in enumerate(pair.passages)
    ]
    return (
        f"<details><summary>{len(pair.passages)} aligned passage(s)</summary>"
        f'<table class="passages"><thead><tr><th>#</th><th>kind</th><th>score</th><th>offsets in {bdi(pair.a)}</th>'
        f"<th>offsets in {bdi(pair.b)}</th><th></th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    )


def pair_view(plan: ReportPlan, number: int, pair: Pair, texts: dict[str, str], budget: ReportBudget) -> str:
    # The source goes on the left when it is known: evidence reads from original to copy.
    left, right = (pair.source, pair.b if pair.source == pair.a else pair.a) if pair.source else (pair.a, pair.b)
    sides = []
    for doc_id in (left, right):
        side = "a" if doc_id == pair.a else "b"
        other_side = "b" if side == "a" else "a"
        highlights = [
            Highlight(
                start=(p.a_span if side == "a" else p.b_span).start,
                end=(p.a_span if side == "a" else p.b_span).end,
                kind=p.kind,
                passage=k,
                anchor=f"pair-{number}-{side}-{k}",
                target=f"pair-{number}-{other_side}-{k}",
            )
            for k, p in enumerate(pair.passages)
        ]
        meta = plan.documents[plan.doc_index[doc_id]] if doc_id in plan.doc_index else {}
        role = "source" if pair.source == doc_id else "derived" if pair.source else ""
        role_html = f' <span class="role">{role}</span>' if role else ""
        body = marked_text(
            texts.get(doc_id, ""),
            highlights,
            meta.get("boilerplate", []),
            meta.get("boilerplate_reasons", []),
            budget.max_text_chars,
        )
        sides.append(
            f'<div class="side side-{side}" data-doc="{attr(doc_id)}">'
            f"<h4>{doc_link(plan, doc_id)}{role_html}</h4>"
            f'<p class="meta">{bdi(meta.get("title") or "")} · {_date(meta.get("date"))}'
            f"{' · ' + bdi(meta['outlet']) if meta.get('outlet') else ''}</p>"
            f'<pre dir="auto">{body}</pre></div>'
        )
    reasons = "".join(f"<li>{text(r)}</li>" for r in pair.reasons)
    scores = pair.scores
    story = plan.story_of_doc.get(pair.a)
    story_ref = f" · story: {story_link(plan, story)}" if story is not None else ""
    return (
        f'<section class="pair view" id="pair-{number}" data-kind="pair" data-label="{attr(pair.label)}" '
        f'data-a="{attr(pair.a)}" data-b="{attr(pair.b)}">'
        f"<h3>{doc_link(plan, pair.a)} ↔ {doc_link(plan, pair.b)} "
        f'<span class="label {attr(pair.label)}">{text(pair.label)}</span></h3>'
        f'<p class="verdict">{_direction(plan, pair)} · confidence {pair.confidence:.2f} · '
        f"Jaccard {scores.jaccard:.2f} · containment {scores.containment_a:.2f} / {scores.containment_b:.2f} · "
        f"aligned {scores.aligned_a:.0%} / {scores.aligned_b:.0%}{story_ref}</p>"
        f'<ul class="reasons">{reasons}</ul>{_passage_table(number, pair, left, budget.max_text_chars)}'
        f'<div class="sides">{"".join(sides)}</div></section>'
    )


# --- quotations ----------------------------------------------------------------------------------------------


def _diff_html(diff: Sequence[Sequence[str]]) -> str:
    parts = []
    for op, words in diff:
        if op == "-":
            parts.append(f"<del>{text(words)}</del>")
        elif op == "+":
            parts.append(f"<ins>{text(words)}</ins>")
        else:
            parts.append(text(words))
    return " ".join(parts)


def quote_view(plan: ReportPlan, number: int, quote: Quote) -> str:
    docs = plan.documents
    index = plan.doc_index

    def date_of(doc: str) -> str | None:
        return docs[index[doc]].get("date") if doc in index else None

    # Where and when it appeared first: dated occurrences in date order, undated after.
    ordered = sorted(quote.occurrences, key=lambda o: (date_of(o.doc) is None, date_of(o.doc) or ""))
    if len(ordered) > QUOTE_OCCURRENCES:
        # Keep the first and the altered ones before the rest, shown in date order.
        keep = set(sorted(range(len(ordered)), key=lambda k: (k > 0, not ordered[k].altered, k))[:QUOTE_OCCURRENCES])
        shown = [o for k, o in enumerate(ordered) if k in keep]
    else:
        shown = ordered
    altered = any(o.altered for o in quote.occurrences)
    travelling = len({o.doc for o in quote.occurrences}) > 1
    rows = []
    for k, occurrence in enumerate(shown):
        wording = _diff_html(occurrence.diff) if occurrence.altered else text(occurrence.text)
        flags = []
        if k == 0 and date_of(occurrence.doc):
            flags.append('<span class="first">first</span>')
        if occurrence.altered:
            flags.append('<span class="altered">altered</span>')
        rows.append(
            f'<tr class="{"altered-row" if occurrence.altered else ""}"><td>{doc_link(plan, occurrence.doc)}</td>'
            f"<td>{text(date_of(occurrence.doc) or '')}</td><td>{bdi(occurrence.speaker or '')}</td>"
            f'<td class="flags">{" ".join(flags)}</td><td dir="auto">{wording}</td>'
            f"<td>{occurrence.span.start}–{occurrence.span.end}</td></tr>"
        )
    status = " ".join(s for s, on in (("altered", altered), ("travelling", travelling)) if on) or "single"
    altered_flag = ' <span class="altered">altered</span>' if altered else ""
    return (
        f'<section class="quote view" id="quote-{number}" data-kind="quote" data-status="{status}">'
        f"<h3>{bdi(quote.speaker or 'unknown speaker')}"
        f"{altered_flag}</h3>"
        f'<blockquote dir="auto">{text(quote.text)}</blockquote>'
        "<table><thead><tr><th>document</th><th>date</th><th>speaker as attributed</th><th></th>"
        f"<th>wording (against the canonical)</th><th>offsets</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table>"
        + (
            f'<p class="budget truncated">showing {len(shown)} of {len(ordered):,} occurrences (the first and the '
            "altered ones first); all are in quotes.jsonl.</p>"
            if len(shown) < len(ordered)
            else ""
        )
        + "</section>"
    )


# --- documents -----------------------------------------------------------------------------------------------


def document_row(plan: ReportPlan, doc: dict[str, Any], has_view: bool) -> str:
    number = plan.doc_index[doc["id"]]
    story = plan.story_of_doc.get(doc["id"])
    pairs = len(plan.pairs_of_doc.get(doc["id"], []))
    story_cell = story_link(plan, story)
    return (
        f'<tr data-kind="doc-row" data-view="doc-{number}"><td><a href="#doc-{number}">{bdi(doc["id"])}</a></td>'
        f"<td>{bdi(doc.get('title') or '')}</td><td>{text(doc.get('date') or '')}</td>"
        f"<td>{bdi(doc.get('outlet') or '')}</td><td>{bdi(doc.get('byline') or '')}</td>"
        f"<td>{story_cell}</td>"
        f"<td>{pairs}</td><td>{len(doc.get('boilerplate', []))}</td></tr>"
    )


def document_view(plan: ReportPlan, doc: dict[str, Any], raw: str, budget: ReportBudget) -> str:
    number = plan.doc_index[doc["id"]]
    story = plan.story_of_doc.get(doc["id"])
    boilerplate = doc.get("boilerplate", [])
    boilerplate_chars = sum(end - start for start, end in boilerplate)
    location = f" ({text(doc['location'])})" if doc.get("location") else ""
    fields = [
        ("id", doc["id"], bdi(doc["id"])),
        ("title", doc.get("title"), bdi(doc.get("title"))),
        ("date", True, _date(doc.get("date"))),
        ("outlet", doc.get("outlet"), bdi(doc.get("outlet"))),
        ("byline", doc.get("byline"), bdi(doc.get("byline"))),
        ("url", doc.get("url"), url_html(doc.get("url"))),
        ("file", doc.get("path"), bdi(doc.get("path")) + location),
    ]
    meta = "".join(f"<dt>{name}</dt><dd>{markup}</dd>" for name, value, markup in fields if value)
    pair_links = ", ".join(_pair_link(plan, n, doc["id"]) for n in plan.pairs_of_doc.get(doc["id"], []))
    links = []
    if story is not None:
        links.append(f"story: {story_link(plan, story)}")
    if pair_links:
        links.append(f"related: {pair_links}")
    return (
        f'<section class="doc view" id="doc-{number}" data-kind="doc">'
        f"<h3>{bdi(doc.get('title') or doc['id'])}</h3>"
        f'<dl class="docmeta">{meta}</dl>'
        + (f'<p class="links">{" · ".join(links)}</p>' if links else "")
        + f'<p class="note">{len(raw):,} characters; boilerplate (greyed): {len(boilerplate)} span(s), '
        f"{boilerplate_chars:,} characters</p>"
        f'<pre dir="auto" class="text">'
        f"{marked_text(raw, [], boilerplate, doc.get('boilerplate_reasons', []), budget.max_text_chars)}</pre>"
        "</section>"
    )


def _pair_link(plan: ReportPlan, number: int, doc_id: str) -> str:
    pair = plan.pair_by_number[number]
    other = pair.b if pair.a == doc_id else pair.a
    return f'{pair_link(plan, number, bdi(other))} <span class="label {attr(pair.label)}">{text(pair.label)}</span>'
