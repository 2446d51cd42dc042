"""Plain-dict forms of the data model: the one place that decides field names in
JSONL, Parquet and the store."""

from __future__ import annotations

from typing import Any

from .model import (
    Boilerplate,
    CleanDocument,
    Cluster,
    Document,
    Pair,
    PairScores,
    Passage,
    Quote,
    QuoteMention,
    Span,
    Story,
)


def span_to_list(span: Span) -> list[int]:
    return [span.start, span.end]


def cleaned_to_dict(cleaned: CleanDocument) -> dict[str, Any]:
    return {
        "doc_id": cleaned.doc_id,
        "title": cleaned.title,
        "date": cleaned.date,
        "outlet": cleaned.outlet,
        "byline": cleaned.byline,
        "body": [span_to_list(s) for s in cleaned.body],
        "boilerplate": [[b.span.start, b.span.end, b.reason] for b in cleaned.boilerplate],
    }


def cleaned_from_dict(data: dict[str, Any]) -> CleanDocument:
    return CleanDocument(
        doc_id=data["doc_id"],
        body=tuple(Span(s, e) for s, e in data["body"]),
        boilerplate=tuple(Boilerplate(Span(s, e), reason) for s, e, reason in data["boilerplate"]),
        title=data.get("title"),
        date=data.get("date"),
        outlet=data.get("outlet"),
        byline=data.get("byline"),
    )


def document_record(doc: Document, cleaned: CleanDocument) -> dict[str, Any]:
    """A row of documents.jsonl."""
    return {
        "id": doc.id,
        "path": doc.path,
        "location": doc.location or None,
        "title": cleaned.title,
        "date": cleaned.date,
        "outlet": cleaned.outlet,
        "byline": cleaned.byline,
        "url": doc.url,
        "chars": len(doc.text),
        "body": [span_to_list(s) for s in cleaned.body],
        "boilerplate": [span_to_list(b.span) for b in cleaned.boilerplate],
        "boilerplate_reasons": [b.reason for b in cleaned.boilerplate],
    }


def _rounded(value: float, digits: int | None) -> float:
    return value if digits is None else round(value, digits)


def passage_to_dict(passage: Passage, digits: int | None = 4) -> dict[str, Any]:
    return {
        "a_span": span_to_list(passage.a_span),
        "b_span": span_to_list(passage.b_span),
        "kind": passage.kind,
        "score": _rounded(passage.score, digits),
    }


def pair_to_dict(pair: Pair, digits: int | None = 4) -> dict[str, Any]:
    """A row of pairs.jsonl; scores rounded to ``digits`` (None: exact, as the Spark
    engine's frames carry them so both engines decide on the same numbers)."""
    scores = pair.scores
    return {
        "a": pair.a,
        "b": pair.b,
        "label": pair.label,
        "source": pair.source,
        "confidence": _rounded(pair.confidence, digits),
        "reasons": list(pair.reasons),
        "scores": {
            "jaccard": _rounded(scores.jaccard, digits),
            "containment_a": _rounded(scores.containment_a, digits),
            "containment_b": _rounded(scores.containment_b, digits),
            "aligned_a": _rounded(scores.aligned_a, digits),
            "aligned_b": _rounded(scores.aligned_b, digits),
        },
        "passages": [passage_to_dict(p, digits) for p in pair.passages],
    }


def pair_from_dict(data: dict[str, Any]) -> Pair:
    return Pair(
        a=data["a"],
        b=data["b"],
        label=data["label"],
        scores=PairScores(**data["scores"]),
        passages=tuple(
            Passage(Span(*p["a_span"]), Span(*p["b_span"]), p["kind"], p["score"]) for p in data["passages"]
        ),
        source=data.get("source"),
        confidence=data.get("confidence", 0.0),
        reasons=tuple(data.get("reasons", ())),
    )


def story_to_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "documents": list(story.documents),
        "events": [list(e) for e in story.events],
        "first": story.first,
        "dates": list(story.dates),
        "timeline": [
            {"doc": t.doc, "date": t.date, "outlet": t.outlet, "event": t.event, "role": t.role} for t in story.timeline
        ],
    }


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "speaker": quote.speaker,
        "text": quote.text,
        "occurrences": [
            {
                "doc": o.doc,
                "span": span_to_list(o.span),
                "text": o.text,
                "speaker": o.speaker,
                "altered": o.altered,
                "diff": [list(d) for d in o.diff],
            }
            for o in quote.occurrences
        ],
    }


def cluster_to_dict(cluster: Cluster) -> dict[str, Any]:
    return {
        "id": cluster.id,
        "cluster": cluster.cluster,
        "representative": cluster.representative,
        "similarity": round(cluster.similarity, 4),
    }


def _optional_span(value: list[int] | None) -> Span | None:
    return Span(*value) if value else None


def mention_to_dict(mention: QuoteMention) -> dict[str, Any]:
    return {
        "doc": mention.doc,
        "span": span_to_list(mention.span),
        "text": mention.text,
        "speaker": mention.speaker,
        "speaker_span": span_to_list(mention.speaker_span) if mention.speaker_span else None,
        "cue": span_to_list(mention.cue) if mention.cue else None,
    }


def mention_from_dict(data: dict[str, Any]) -> QuoteMention:
    return QuoteMention(
        doc=data["doc"],
        span=Span(*data["span"]),
        text=data["text"],
        speaker=data.get("speaker"),
        speaker_span=_optional_span(data.get("speaker_span")),
        cue=_optional_span(data.get("cue")),
    )
