"""Relate: one label per related pair, a direction where the evidence allows it,
with a confidence and readable reasons.

Labels follow ``data/seeds/gold.json``: ``duplicate`` (the same text after
cleaning), ``reprint`` (most of one text appears in the other verbatim or
lightly edited), ``partial`` (they share one or more passages but are otherwise
different articles). Rewrites and same-story pairs need the semantic route of a
later stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import CleanDocument, Document, Pair, PairScores, Passage, Span
from .text import WORD


@dataclass(frozen=True, slots=True)
class RelateConfig:
    # Both bodies covered this much by all-verbatim passages: the same text.
    duplicate_coverage: float = 0.97
    # One body covered this much by passages: "most of one text appears in the other".
    reprint_coverage: float = 0.6
    # Shared text shorter than this (in words, over all passages) is a coincidence,
    # not a shared passage.
    partial_min_words: int = 12

    def __post_init__(self) -> None:
        if not 0 < self.reprint_coverage <= self.duplicate_coverage <= 1:
            raise ValueError("need 0 < reprint_coverage <= duplicate_coverage <= 1")
        if self.partial_min_words < 1:
            raise ValueError(f"partial_min_words must be >= 1, got {self.partial_min_words}")


def coverage(spans: list[Span], body: tuple[Span, ...]) -> float:
    """Share of the body's characters that lie inside the (possibly overlapping) spans."""
    total = sum(len(s) for s in body)
    if not total:
        return 0.0
    merged: list[list[int]] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.start, span.end])
    covered = 0
    for part in body:
        for start, end in merged:
            covered += max(0, min(end, part.end) - max(start, part.start))
    return covered / total


def _shared_words(raw: str, spans: list[Span]) -> int:
    return sum(len(WORD.findall(raw[s.start : s.end])) for s in spans)


def _direction(
    doc_a: Document,
    doc_b: Document,
    clean_a: CleanDocument,
    clean_b: CleanDocument,
    aligned_a: float,
    aligned_b: float,
) -> tuple[str | None, float, list[str]]:
    date_a, date_b = clean_a.date or doc_a.date, clean_b.date or doc_b.date
    if date_a and date_b and date_a[:10] != date_b[:10]:
        earlier, later = (doc_a, doc_b) if date_a[:10] < date_b[:10] else (doc_b, doc_a)
        first, second = sorted([date_a[:10], date_b[:10]])
        return earlier.id, 0.8, [f"{earlier.id} is dated {first}, {later.id} {second}"]
    if abs(aligned_a - aligned_b) >= 0.25:
        # The derived text is the one that lies inside the other.
        inner, outer = (doc_a, doc_b) if aligned_a > aligned_b else (doc_b, doc_a)
        hi, lo = max(aligned_a, aligned_b), min(aligned_a, aligned_b)
        return (
            outer.id,
            0.55,
            [f"{inner.id} lies inside {outer.id} ({hi:.0%} of it is shared, against {lo:.0%})"],
        )
    return None, 0.0, ["no dates to compare and the shared text is balanced"]


def relate(
    doc_a: Document,
    clean_a: CleanDocument,
    doc_b: Document,
    clean_b: CleanDocument,
    scores: PairScores,
    passages: list[Passage],
    same_body: bool,
    config: RelateConfig = RelateConfig(),
) -> Pair | None:
    """The pair's label and direction, or ``None`` when the evidence shows no reuse."""
    aligned_a = coverage([p.a_span for p in passages], clean_a.body)
    aligned_b = coverage([p.b_span for p in passages], clean_b.body)
    scores = PairScores(scores.jaccard, scores.containment_a, scores.containment_b, aligned_a, aligned_b)
    verbatim = bool(passages) and all(p.kind == "verbatim" for p in passages)
    reasons: list[str] = []
    if same_body or (verbatim and min(aligned_a, aligned_b) >= config.duplicate_coverage):
        label = "duplicate"
        reasons.append("identical text after cleaning" if same_body else "every passage verbatim on both sides")
        confidence = 0.99 if same_body else 0.9
    elif max(aligned_a, aligned_b) >= config.reprint_coverage:
        label = "reprint"
        reasons.append(f"shared passages cover {aligned_a:.0%} of {doc_a.id} and {aligned_b:.0%} of {doc_b.id}")
        confidence = min(0.95, 0.5 + max(aligned_a, aligned_b) / 2)
    elif passages and _shared_words(doc_a.text, [p.a_span for p in passages]) >= config.partial_min_words:
        label = "partial"
        words = _shared_words(doc_a.text, [p.a_span for p in passages])
        reasons.append(f"{len(passages)} shared passage(s), {words} words")
        confidence = min(0.9, 0.4 + words / 200)
    else:
        return None
    source, direction_confidence, direction_reasons = _direction(doc_a, doc_b, clean_a, clean_b, aligned_a, aligned_b)
    if label == "partial" and source is not None:
        # Sharing a passage shows who printed it first, not that one copied the other:
        # both may quote a common source.
        direction_reasons = [f"{direction_reasons[0]}; shared passages alone do not show which derives from which"]
        source = None
    return Pair(
        a=doc_a.id,
        b=doc_b.id,
        label=label,
        scores=scores,
        passages=tuple(passages),
        source=source,
        # With a source, the confidence covers label and direction together.
        confidence=round(confidence * direction_confidence if source else confidence, 4),
        reasons=(*reasons, *direction_reasons),
    )
