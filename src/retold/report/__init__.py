"""The self-contained HTML report: documents and related pairs side by side.

Every byte of document text and metadata goes through ``html.escape``; the page
loads nothing from the network (inline CSS, no script) and declares a
Content-Security-Policy that forbids scripts altogether.
"""

from __future__ import annotations

import itertools
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ..model import Pair, Quote, Span, Story
from .svg import legend_html, provenance_svg, timeline_svg

if TYPE_CHECKING:
    from ..api import AnalysisResult

# A pair view shows at most this many characters of each text; longer texts are
# cut after the last passage so the page stays light.
MAX_PAIR_CHARS = 60_000


def _style() -> str:
    return files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def _marked(text: str, spans: list[tuple[Span, str]], boilerplate: list[list[int]]) -> str:
    """``text`` with passages wrapped in <mark> by kind and boilerplate greyed; all escaped.

    The text is cut at every span boundary and each piece is wrapped on its own,
    so overlapping passages and boilerplate never produce crossing tags.
    """
    limit = min(len(text), MAX_PAIR_CHARS)
    bounds = {0, limit}
    for span, _ in spans:
        bounds.update((min(span.start, limit), min(span.end, limit)))
    for start, end in boilerplate:
        bounds.update((min(start, limit), min(end, limit)))
    cuts = sorted(bounds)
    out: list[str] = []
    for left, right in itertools.pairwise(cuts):
        piece = escape(text[left:right])
        kind = next((k for s, k in spans if s.start <= left and right <= s.end), None)
        if kind:
            piece = f'<mark class="{kind}">{piece}</mark>'
        if any(s <= left and right <= e for s, e in boilerplate):
            piece = f'<span class="bp">{piece}</span>'
        out.append(piece)
    if limit < len(text):
        out.append(f'<span class="cut">[… {len(text) - limit} more characters]</span>')
    return "".join(out)


def _pair_section(pair: Pair, number: int, texts: dict[str, str], docs: dict[str, dict[str, Any]]) -> str:
    a_spans = [(p.a_span, p.kind) for p in pair.passages]
    b_spans = [(p.b_span, p.kind) for p in pair.passages]
    source = escape(pair.source) if pair.source else "not determined"
    reasons = "".join(f"<li>{escape(r)}</li>" for r in pair.reasons)
    s = pair.scores
    side = []
    for doc_id, spans in ((pair.a, a_spans), (pair.b, b_spans)):
        meta = docs.get(doc_id, {})
        side.append(
            f'<div class="side"><h4>{escape(doc_id)}</h4>'
            f'<p class="meta">{escape(str(meta.get("title") or ""))} · {escape(str(meta.get("date") or "no date"))}</p>'
            f"<pre>{_marked(texts.get(doc_id, ''), spans, meta.get('boilerplate', []))}</pre></div>"
        )
    return (
        f'<section class="pair" id="pair-{number}"><h3>{escape(pair.a)} ↔ {escape(pair.b)}: '
        f'<span class="label {escape(pair.label)}">{escape(pair.label)}</span></h3>'
        f"<p>source: <b>{source}</b> · confidence {pair.confidence:.2f} · Jaccard {s.jaccard:.2f} · "
        f"aligned {s.aligned_a:.0%} / {s.aligned_b:.0%} · {len(pair.passages)} passage(s)</p>"
        f'<ul class="reasons">{reasons}</ul><div class="sides">{"".join(side)}</div></section>'
    )


def _diff_html(diff: tuple[tuple[str, str], ...]) -> str:
    parts = []
    for op, words in diff:
        text = escape(words)
        parts.append(f"<del>{text}</del>" if op == "-" else f"<ins>{text}</ins>" if op == "+" else text)
    return " ".join(parts)


def _quote_section(quote: Quote, docs: dict[str, dict[str, Any]]) -> str:
    rows = []
    # Where and when it appeared first: dated occurrences in date order, undated after.
    ordered = sorted(
        quote.occurrences,
        key=lambda o: (docs.get(o.doc, {}).get("date") is None, docs.get(o.doc, {}).get("date") or ""),
    )
    for number, occurrence in enumerate(ordered):
        meta = docs.get(occurrence.doc, {})
        wording = _diff_html(occurrence.diff) if occurrence.altered else escape(occurrence.text)
        flag = '<span class="altered">altered</span>' if occurrence.altered else ""
        if number == 0 and meta.get("date"):
            flag = '<span class="first">first</span> ' + flag
        rows.append(
            f"<tr><td>{escape(occurrence.doc)}</td><td>{escape(str(meta.get('date') or ''))}</td>"
            f"<td>{escape(occurrence.speaker or '')}</td><td>{flag}</td><td>{wording}</td>"
            f"<td>{occurrence.span.start}–{occurrence.span.end}</td></tr>"
        )
    return (
        f'<section class="quote" id="quote-{escape(quote.id)}"><h3>{escape(quote.speaker or "unknown speaker")}</h3>'
        f"<blockquote>{escape(quote.text)}</blockquote>"
        "<table><thead><tr><th>document</th><th>date</th><th>speaker as attributed</th><th></th>"
        f"<th>wording (against the canonical)</th><th>offsets</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></section>"
    )


def _story_section(story: Story, pairs: list[Pair]) -> str:
    events = "".join(
        f"<li>event {k + 1}: {', '.join(escape(d) for d in event)}</li>" for k, event in enumerate(story.events)
    )
    first, last = story.dates
    span = f"{escape(first or '?')} – {escape(last or '?')}" if first or last else "no dates"
    return (
        f'<section class="story" id="{escape(story.id)}"><h3>{escape(story.title or story.id)}</h3>'
        f"<p>{len(story.documents)} documents · {len(story.events)} events · {span} · first: "
        f"{escape(story.first or 'unknown')}</p>"
        f'<div class="charts">{timeline_svg(story)}{provenance_svg(story, pairs)}</div>'
        f"<ul>{events}</ul></section>"
    )


def render_report(result: AnalysisResult, texts: dict[str, str]) -> str:
    docs = {d["id"]: d for d in result.documents}
    rows = "".join(
        f"<tr><td>{escape(d['id'])}</td><td>{escape(str(d.get('title') or ''))}</td>"
        f"<td>{escape(str(d.get('date') or ''))}</td><td>{escape(str(d.get('outlet') or ''))}</td>"
        f"<td>{len(d.get('boilerplate', []))}</td><td>{escape(d['path'])}</td></tr>"
        for d in result.documents
    )
    pair_rows = "".join(
        f'<tr><td><a href="#pair-{i}">{escape(p.a)} ↔ {escape(p.b)}</a></td><td>{escape(p.label)}</td>'
        f"<td>{escape(p.source or '')}</td><td>{p.confidence:.2f}</td><td>{len(p.passages)}</td></tr>"
        for i, p in enumerate(result.pairs)
    )
    sections = "".join(_pair_section(p, i, texts, docs) for i, p in enumerate(result.pairs))
    # Quotations seen in several documents or altered first: those are the ones that travel.
    quotes = sorted(
        result.quotes,
        key=lambda q: (-len({o.doc for o in q.occurrences}), not any(o.altered for o in q.occurrences), q.id),
    )
    quote_sections = "".join(_quote_section(q, docs) for q in quotes)
    # Largest stories first: a corpus of thousands should open on what matters.
    stories = sorted(result.stories, key=lambda st: (-len(st.documents), st.id))
    story_sections = "".join(_story_section(st, result.pairs) for st in stories)
    summary = result.summary
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>retold report</title><style>{_style()}</style></head>
<body><header><h1>retold report</h1>
<p>{summary.documents} documents · {len(result.stories)} stories · {len(result.pairs)} related pairs ·
{len(result.quotes)} quotations · {len(summary.skipped)} inputs skipped</p>
</header>
<nav><a href="#stories">Stories</a> · <a href="#documents">Documents</a> · <a href="#pairs">Pairs</a> ·
<a href="#quotes">Quotations</a></nav>
<h2 id="stories">Stories</h2>
{legend_html()}
{story_sections}
<h2 id="documents">Documents</h2>
<table><thead><tr><th>id</th><th>title</th><th>date</th><th>outlet</th><th>boilerplate spans</th><th>path</th></tr>
</thead><tbody>{rows}</tbody></table>
<h2 id="pairs">Related pairs</h2>
<table><thead><tr><th>pair</th><th>label</th><th>source</th><th>confidence</th><th>passages</th></tr></thead>
<tbody>{pair_rows}</tbody></table>
{sections}
<h2 id="quotes">Quotations</h2>
<p>{len(result.quotes)} quotations; in altered wordings, words of the canonical wording that were dropped
are struck through and words put in are underlined.</p>
{quote_sections}
<footer><p>Highlighted: <mark class="verbatim">verbatim</mark> <mark class="edited">edited</mark>
<mark class="reworded">reworded</mark> · <span class="bp">boilerplate</span></p></footer>
</body></html>
"""
