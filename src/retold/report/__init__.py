"""The self-contained HTML report: overview, stories, related pairs side by side,
the quotation tracker and every document's view, with search and filters.

One file, nothing loaded from the network, readable from ``file://`` and in print.
Every byte of document text and metadata is escaped (see ``markup``). The one
inline script and the one inline style are allowed by their SHA-256 hashes in the
page's Content-Security-Policy, so nothing else can run or style the page even if
escaping ever failed. The script only enhances: without it every listed view is
there and every link is a plain anchor; with it, search and filters work and views
beyond the size budget (``ReportBudget``) render on demand from embedded JSON.
"""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ..model import Pair
from .budget import ReportBudget, ReportPlan, plan_report
from .markup import attr, linkable_url, script_json, text
from .svg import LABEL_COLOURS, legend_css, legend_html
from .views import document_row, document_view, pair_row, pair_view, quote_view, story_row, story_view

if TYPE_CHECKING:
    from ..api import AnalysisResult

__all__ = ["ReportBudget", "content_security_policy", "render_report"]

# Above this many views in the page, views off screen are laid out lazily (CSS content-visibility).
LARGE_REPORT_VIEWS = 150
PAIR_LABELS = ("duplicate", "reprint", "rewrite", "partial", "same_story")


def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _sha256(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(script: str, style: str) -> str:
    """Nothing from anywhere, except the page's own script and style (by hash) and data: images."""
    return (
        f"default-src 'none'; script-src '{_sha256(script)}'; style-src '{_sha256(style)}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _showing(shown: int, total: int, what: str, rest: str) -> str:
    if shown >= total:
        return f'<p class="budget">{total:,} {what}.</p>'
    return f'<p class="budget truncated">showing {shown:,} of {total:,} {what}; {rest}</p>'


# Metadata of documents without a view, one array per field (keys once, not once per document).
DOCUMENT_COLUMNS = (
    "number",
    "id",
    "title",
    "date",
    "outlet",
    "byline",
    "url",
    "link",
    "path",
    "location",
    "chars",
    "story",
    "pairCount",
    "listed",
)


def _lazy_data(plan: ReportPlan, texts: dict[str, str], budget: ReportBudget, lazy_pairs: list[int]) -> dict[str, Any]:
    """Compact JSON for what the page does not render itself: documents without a view
    (metadata always, so links and search reach them; text and boilerplate within the
    budget) and listed pairs without a view."""
    needed_texts = set(plan.embedded_texts)
    for number in lazy_pairs:
        pair = plan.pair_by_number[number]
        needed_texts.update((pair.a, pair.b))
    paths: dict[str, int] = {}  # most documents of a corpus share a few files
    columns: dict[str, list[Any]] = {name: [] for name in DOCUMENT_COLUMNS}
    embedded: dict[str, Any] = {}
    doc_pairs: dict[str, list[int]] = {}
    for doc in plan.documents:
        doc_id = doc["id"]
        if doc_id in plan.document_views and doc_id not in needed_texts:
            continue
        number = plan.doc_index[doc_id]
        all_pairs = plan.pairs_of_doc.get(doc_id, [])
        row = {
            "number": number,
            "id": doc_id,
            "title": doc.get("title"),
            "date": doc.get("date"),
            "outlet": doc.get("outlet"),
            "byline": doc.get("byline"),
            "url": doc.get("url"),
            "link": linkable_url(doc.get("url")),
            "path": paths.setdefault(doc.get("path") or "", len(paths)),
            "location": doc.get("location"),
            "chars": doc.get("chars"),
            "story": plan.story_of_doc.get(doc_id),
            "pairCount": len(all_pairs),
            "listed": doc_id in plan.listed_documents,
        }
        for name in DOCUMENT_COLUMNS:
            columns[name].append(row[name])
        # Only pairs a link can reach; pairCount says how many there are in all.
        reachable = [n for n in all_pairs if plan.pair_anchor(n)]
        if reachable:
            doc_pairs[str(number)] = reachable
        if doc_id in needed_texts and doc_id in texts:
            raw = texts[doc_id]
            embedded[str(number)] = {
                "text": raw[: budget.max_text_chars],
                "cut": max(0, len(raw) - budget.max_text_chars),
                "bp": doc.get("boilerplate", []),
                "bpr": doc.get("boilerplate_reasons", []),
            }
    pairs = {str(number): _pair_record(plan, plan.pair_by_number[number]) for number in lazy_pairs}
    # Per reachable pair: its documents, its label and where a link to it goes.
    pair_index = {
        str(number): [plan.doc_index.get(pair.a), plan.doc_index.get(pair.b), pair.label, anchor]
        for number, pair in plan.pair_by_number.items()
        if (anchor := plan.pair_anchor(number))
    }
    story_anchors = {
        str(number): anchor for number, _ in plan.stories if (anchor := plan.story_anchor(number)) is not None
    }
    return {
        "documents": columns,
        "texts": embedded,
        "docPairs": doc_pairs,
        "paths": list(paths),
        "storyAnchors": story_anchors,
        "pairs": pairs,
        "pairIndex": pair_index,
    }


def _pair_record(plan: ReportPlan, pair: Pair) -> dict[str, Any]:
    scores = pair.scores
    return {
        "a": plan.doc_index.get(pair.a),
        "b": plan.doc_index.get(pair.b),
        "label": pair.label,
        "source": plan.doc_index.get(pair.source) if pair.source else None,
        "confidence": round(pair.confidence, 3),
        "reasons": list(pair.reasons),
        "scores": [scores.jaccard, scores.containment_a, scores.containment_b, scores.aligned_a, scores.aligned_b],
        "passages": [
            [p.a_span.start, p.a_span.end, p.b_span.start, p.b_span.end, p.kind, round(p.score, 3)]
            for p in pair.passages
        ],
        "story": plan.story_of_doc.get(pair.a),
        "storyAnchor": plan.story_anchor(plan.story_of_doc.get(pair.a)),
    }


def _tools() -> str:
    labels = " ".join(
        f'<label><input type="checkbox" name="pair-label" value="{attr(label)}" checked> '
        f'<span class="label {attr(label)}">{text(label)}</span></label>'
        for label in PAIR_LABELS
    )
    return (
        '<div id="tools" class="tools" hidden>'
        '<label>Search <input type="search" id="search" placeholder="words in ids, titles, texts, quotations…" '
        'autocomplete="off"></label>'
        f'<span class="filter">pairs: {labels}</span>'
        '<label class="filter">quotations <select id="quote-status">'
        '<option value="">all</option><option value="altered">altered</option>'
        '<option value="travelling">in several documents</option><option value="single">in one document</option>'
        "</select></label>"
        '<output id="filter-status" aria-live="polite"></output>'
        '<div id="more-docs"></div></div>'
        '<noscript><p class="note">Search, filters and views beyond the size budget need JavaScript; '
        "everything listed below reads without it.</p></noscript>"
    )


def render_report(result: AnalysisResult, texts: dict[str, str], budget: ReportBudget | None = None) -> str:
    """The report as one HTML string. ``texts`` maps document ids to their raw text."""
    budget = budget or ReportBudget()
    plan = plan_report(result, texts, budget)
    summary = result.summary

    shown_stories = plan.stories[: budget.story_views]
    story_views = "".join(story_view(plan, number, story) for number, story in shown_stories)
    story_rows = "".join(
        story_row(plan, number, story, number in plan.viewed_stories)
        for number, story in plan.stories[: budget.story_rows]
    )

    viewed_pairs = plan.viewed_pairs
    listed_pairs = plan.pairs[: budget.pair_rows]
    lazy_pairs = [number for number, _ in listed_pairs if number in plan.lazy_pairs]
    pair_rows = "".join(pair_row(plan, number, pair) for number, pair in listed_pairs)
    pair_views = "".join(
        pair_view(plan, number, pair, texts, budget) for number, pair in plan.pairs[: budget.pair_views]
    )

    quotes = plan.quotes[: budget.quote_views]
    quote_views = "".join(quote_view(plan, number, quote) for number, quote in quotes)
    altered = sum(any(o.altered for o in quote.occurrences) for quote in result.quotes)

    listed_docs = [d for d in plan.documents if d["id"] in plan.listed_documents]
    doc_rows = "".join(document_row(plan, d, d["id"] in plan.document_views) for d in listed_docs)
    doc_views = "".join(
        document_view(plan, d, texts.get(d["id"], ""), budget) for d in plan.documents if d["id"] in plan.document_views
    )
    # Deferred layout pays off only with many views; a small report lays out plainly (and prints the same).
    large = len(shown_stories) + len(viewed_pairs) + len(quotes) + len(plan.document_views) > LARGE_REPORT_VIEWS
    data = script_json(_lazy_data(plan, texts, budget, lazy_pairs))

    script = _asset("report.js")
    style = _asset("report.css") + legend_css()
    labels = {label: sum(p.label == label for p in result.pairs) for label in LABEL_COLOURS}
    label_counts = ", ".join(f"{n:,} {label}" for label, n in labels.items() if n)
    n_docs, n_pairs, n_stories, n_quotes = (
        len(plan.documents),
        len(result.pairs),
        len(result.stories),
        len(result.quotes),
    )
    stories_note = _showing(
        len(shown_stories),
        n_stories,
        "stories drawn (biggest first)",
        "the table lists more; all are in stories.jsonl.",
    )
    story_rows_note = _showing(
        min(budget.story_rows, n_stories), n_stories, "stories in the table", "all are in stories.jsonl."
    )
    pair_rows_note = _showing(
        len(listed_pairs),
        n_pairs,
        "pairs in the table (top stories first, then rewrites, reprints, partial, duplicates)",
        "all are in pairs.jsonl.",
    )
    pair_views_note = _showing(
        len(viewed_pairs),
        n_pairs,
        "pairs shown side by side",
        f"{len(lazy_pairs):,} more open on demand from the table (with JavaScript).",
    )
    quotes_note = _showing(
        len(quotes), n_quotes, "quotations (those in several documents or altered first)", "all are in quotes.jsonl."
    )
    doc_rows_note = _showing(
        len(listed_docs), n_docs, "documents in the table", "all are in documents.jsonl; search finds the rest."
    )
    doc_views_note = _showing(
        len(plan.document_views),
        n_docs,
        "documents shown in full",
        f"{len(plan.embedded_texts):,} more open with their text on demand (with JavaScript); the others show "
        "their metadata only (size budget).",
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{attr(content_security_policy(script, style))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>retold report</title><style>{style}</style></head>
<body class="{"large" if large else "small"}"><header id="overview"><h1>retold report</h1>
<p class="counts">{n_docs:,} documents · {n_stories:,} stories · {n_pairs:,} related pairs
{f"({label_counts})" if label_counts else ""} · {n_quotes:,} quotations ({altered:,} with altered wordings) ·
{len(summary.skipped):,} inputs skipped</p>
<nav><a href="#stories">Stories</a> · <a href="#pairs">Pairs</a> · <a href="#quotes">Quotation tracker</a> ·
<a href="#documents">Documents</a></nav>
{_tools()}
</header>
<main>
<h2 id="stories">Stories</h2>
{stories_note}
{legend_html()}
<table class="stories"><thead><tr><th>story</th><th>documents</th><th>events</th><th>first date</th>
<th>last date</th><th>first report</th><th>related pairs</th></tr></thead><tbody>{story_rows}</tbody></table>
{story_rows_note}
{story_views}
<h2 id="pairs">Related pairs</h2>
<p>Each pair shows both texts side by side, the source on the left when the direction is known. Aligned passages:
<mark class="hl verbatim">verbatim</mark> <mark class="hl edited">edited</mark>
<mark class="hl reworded">reworded</mark>; <span class="bp">boilerplate</span> is greyed. Click a passage to jump to
its counterpart on the other side.</p>
{pair_rows_note}
{pair_views_note}
<table class="pairs"><thead><tr><th>pair</th><th>label</th><th>source</th><th>confidence</th><th>passages</th>
<th>aligned</th></tr></thead><tbody>{pair_rows}</tbody></table>
{pair_views}
<div id="lazy-pairs"></div>
<h2 id="quotes">Quotation tracker</h2>
<p>Each quotation with its canonical wording, then every document that carries it, in date order. In altered
wordings, words of the canonical wording that were dropped are <del>struck through</del> and words put in are
<ins>underlined</ins>.</p>
{quotes_note}
{quote_views}
<h2 id="documents">Documents</h2>
{doc_rows_note}
{doc_views_note}
<table class="documents"><thead><tr><th>id</th><th>title</th><th>date</th><th>outlet</th><th>byline</th>
<th>story</th><th>pairs</th><th>boilerplate spans</th></tr></thead><tbody>{doc_rows}</tbody></table>
{doc_views}
<div id="lazy-docs"></div>
</main>
<footer><p>Written by retold. Highlighted: <mark class="hl verbatim">verbatim</mark>
<mark class="hl edited">edited</mark> <mark class="hl reworded">reworded</mark> ·
<span class="bp">boilerplate</span></p>
</footer>
<script type="application/json" id="retold-data">{data}</script>
<script id="retold-script">{script}</script>
</body></html>
"""
