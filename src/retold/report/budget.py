"""What goes into the report, in which order, and what is left out to keep it light.

A report over thousands of articles must still open in a few seconds, so every
section has a budget: the biggest stories and the most telling pairs come first
and are drawn in full; the rest are listed, embedded as compact JSON and rendered
on demand, or only counted. The page always says what it left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import Pair, Quote, Story

if TYPE_CHECKING:
    from ..api import AnalysisResult

# Which pairs a reader looks at first inside a story: rewrites are the hardest to
# see by eye, exact duplicates the least informative.
LABEL_PRIORITY = {"rewrite": 0, "reprint": 1, "partial": 2, "duplicate": 3, "same_story": 4}


@dataclass(frozen=True, slots=True)
class ReportBudget:
    """How much of a corpus the report shows in full. The defaults keep a report over
    10,000 articles at a few megabytes; the samples fit entirely."""

    story_views: int = 20  # stories drawn with their timeline and provenance graph
    story_rows: int = 500  # stories listed in the stories table
    pair_views: int = 40  # pairs shown side by side in the page itself
    pair_rows: int = 1_000  # pairs listed in the pairs table (rendered side by side on demand)
    quote_views: int = 200  # quotations in the tracker
    document_views: int = 40  # documents whose full view (metadata and text) is in the page itself
    document_rows: int = 500  # documents listed in the documents table
    # Further document text, in characters, embedded as JSON for views rendered on demand.
    embedded_chars: int = 2_000_000
    # A view shows at most this many characters of one text; the rest is cut with a note.
    max_text_chars: int = 250_000


@dataclass(slots=True)
class ReportPlan:
    """The report's content in display order, with the indexes the views link through.

    Stories, pairs, quotations and documents keep the index they have in the
    analysis result: anchors (``#pair-3``) are stable whatever is shown.
    """

    documents: list[dict[str, Any]]
    doc_index: dict[str, int]
    stories: list[tuple[int, Story]]  # biggest first
    pairs: list[tuple[int, Pair]]  # top stories first, then by label priority and confidence
    quotes: list[tuple[int, Quote]]  # travelling and altered first
    pair_by_number: dict[int, Pair] = field(default_factory=dict)
    story_of_doc: dict[str, int] = field(default_factory=dict)
    pairs_of_doc: dict[str, list[int]] = field(default_factory=dict)
    pairs_of_story: dict[int, list[tuple[int, Pair]]] = field(default_factory=dict)
    document_order: list[str] = field(default_factory=list)  # most relevant first
    document_views: set[str] = field(default_factory=set)
    embedded_texts: set[str] = field(default_factory=set)
    listed_documents: set[str] = field(default_factory=set)
    viewed_stories: set[int] = field(default_factory=set)  # drawn in the page
    listed_stories: set[int] = field(default_factory=set)  # in the stories table
    viewed_pairs: set[int] = field(default_factory=set)  # side by side in the page
    lazy_pairs: set[int] = field(default_factory=set)  # side by side on demand, from embedded JSON
    listed_pairs: set[int] = field(default_factory=set)  # in the pairs table

    def story_anchor(self, number: int | None) -> str | None:
        """Where a link to a story goes: its view, else its table row, else nowhere."""
        if number is None:
            return None
        if number in self.viewed_stories:
            return f"story-{number}"
        return f"story-row-{number}" if number in self.listed_stories else None

    def pair_anchor(self, number: int) -> str | None:
        """Where a link to a pair goes: its view (in the page or on demand), else its table row, else nowhere."""
        if number in self.viewed_pairs or number in self.lazy_pairs:
            return f"pair-{number}"
        return f"pair-row-{number}" if number in self.listed_pairs else None


def _story_key(story: Story) -> tuple[int, str]:
    return (-len(story.documents), story.id)


def _quote_key(numbered: tuple[int, Quote]) -> tuple[int, bool, str]:
    # Quotations carried by several documents, then altered ones: those are the ones that travel.
    quote = numbered[1]
    return (-len({o.doc for o in quote.occurrences}), not any(o.altered for o in quote.occurrences), quote.id)


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def plan_report(result: AnalysisResult, texts: dict[str, str], budget: ReportBudget) -> ReportPlan:
    documents = result.documents
    doc_index = {d["id"]: n for n, d in enumerate(documents)}
    stories = sorted(enumerate(result.stories), key=lambda numbered: _story_key(numbered[1]))
    story_rank = {number: rank for rank, (number, _) in enumerate(stories)}
    story_of_doc = {doc: number for number, story in enumerate(result.stories) for doc in story.documents}

    pairs_of_doc: dict[str, list[int]] = defaultdict(list)
    pairs_of_story: dict[int, list[tuple[int, Pair]]] = defaultdict(list)
    for number, pair in enumerate(result.pairs):
        pairs_of_doc[pair.a].append(number)
        pairs_of_doc[pair.b].append(number)
        story = story_of_doc.get(pair.a)
        if story is not None and story_of_doc.get(pair.b) == story:
            pairs_of_story[story].append((number, pair))

    def pair_key(numbered: tuple[int, Pair]) -> tuple[int, int, float, int]:
        number, pair = numbered
        rank = story_rank.get(story_of_doc.get(pair.a, -1), len(stories))
        return (rank, LABEL_PRIORITY.get(pair.label, 9), -pair.confidence, number)

    pairs = sorted(enumerate(result.pairs), key=pair_key)
    quotes = sorted(enumerate(result.quotes), key=_quote_key)

    # Documents a reader reaches first: those of the pairs shown, then of the stories shown, then the rest.
    order = _unique(
        [doc for _, pair in pairs[: budget.pair_rows] for doc in (pair.a, pair.b)]
        + [doc for _, story in stories for doc in story.documents]
        + [d["id"] for d in documents]
    )
    order = [doc for doc in order if doc in doc_index]
    views = set(order[: budget.document_views])
    embedded: set[str] = set()
    spent = 0
    for doc in order[budget.document_views :]:
        size = min(len(texts.get(doc, "")), budget.max_text_chars)
        if spent + size <= budget.embedded_chars:
            embedded.add(doc)
            spent += size
    viewed_pairs = {number for number, _ in pairs[: budget.pair_views]}
    with_text = views | embedded
    lazy_pairs = {
        number
        for number, pair in pairs[: budget.pair_rows]
        if number not in viewed_pairs and pair.a in with_text and pair.b in with_text
    }
    return ReportPlan(
        documents=documents,
        doc_index=doc_index,
        stories=stories,
        pairs=pairs,
        quotes=quotes,
        pair_by_number=dict(enumerate(result.pairs)),
        story_of_doc=story_of_doc,
        pairs_of_doc=dict(pairs_of_doc),
        pairs_of_story=dict(pairs_of_story),
        document_order=order,
        document_views=views,
        embedded_texts=embedded,
        listed_documents=set(order[: budget.document_rows]),
        viewed_stories={number for number, _ in stories[: budget.story_views]},
        listed_stories={number for number, _ in stories[: budget.story_rows]},
        viewed_pairs=viewed_pairs,
        lazy_pairs=lazy_pairs,
        listed_pairs={number for number, _ in pairs[: budget.pair_rows]},
    )
