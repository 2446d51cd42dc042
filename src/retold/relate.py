"""Relate: one label per related pair, a direction where the evidence allows it,
with a confidence and readable reasons.

Labels follow ``data/seeds/gold.json``:

* ``duplicate``: the same text after cleaning;
* ``reprint``: most of one text appears in the other verbatim or lightly edited;
* ``rewrite``: one text restates the other sentence by sentence in other words;
* ``partial``: they share passages but are otherwise different articles.

``same_story`` needs the stories stage and is not decided here.

Direction weighs independent signs, each with a reason: an earlier date; the
derived text lying inside the other (its body covered more by the shared
passages); condensing (a rewrite shorter than its source); spinner artefacts (a
stretch of text repeated inside one document only).

A rewrite or partial pair also gets the pair's sentence order as a reason
(:func:`retold.align_semantic.sentence_order`): how much of each text follows the
other sentence for sentence, and how many of each text's names and numbers recur in
the other; it is what tells a paraphrase of a whole article from two articles that
share passages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .align import coverage
from .align_semantic import DEFAULT_SEMANTIC_CONFIG, sentence_order
from .fingerprint import _mix64, word_hashes
from .model import CleanDocument, Document, Pair, PairScores, Passage, Span
from .text import DOCUMENTS_CACHED, words

# Words in a stretch that, repeated inside one article, betrays a spinner or a
# careless paste rather than style.
ARTEFACT_NGRAM = 12
# ...and only when its two occurrences are this close (in words).
ARTEFACT_WINDOW = 80


@dataclass(frozen=True, slots=True)
class RelateConfig:
    # Both bodies covered this much by all-verbatim passages: the same text.
    duplicate_coverage: float = 0.97
    # One body covered this much by verbatim or edited passages: a reprint.
    reprint_coverage: float = 0.6
    # One body covered this much by passages of any kind, with at least
    # ``rewrite_reworded`` of it reworded: a rewrite.
    rewrite_coverage: float = 0.5
    rewrite_reworded: float = 0.15
    # Shared text shorter than this (in words, over all passages) is a coincidence.
    partial_min_words: int = 12
    # Net direction evidence below this leaves the source undetermined.
    min_direction_margin: float = 0.3

    def __post_init__(self) -> None:
        if not 0 < self.reprint_coverage <= self.duplicate_coverage <= 1:
            raise ValueError("need 0 < reprint_coverage <= duplicate_coverage <= 1")
        if not 0 < self.rewrite_coverage <= 1 or not 0 <= self.rewrite_reworded <= 1:
            raise ValueError("rewrite_coverage must be in (0, 1] and rewrite_reworded in [0, 1]")
        if self.partial_min_words < 1:
            raise ValueError(f"partial_min_words must be >= 1, got {self.partial_min_words}")


def _word_count(raw: str, spans: list[Span]) -> int:
    return sum(len(words(raw[s.start : s.end])) for s in spans)


@functools.lru_cache(maxsize=DOCUMENTS_CACHED)
def _body_grams(raw: str, body: tuple[Span, ...]) -> tuple[int, np.ndarray]:
    """Number of body words, and a 64-bit hash of each ``ARTEFACT_NGRAM``-word stretch
    of the body in word order (stretches run on across body spans).

    Cached: a document is related to several candidates. The array is read-only.
    """
    hashes, _ = word_hashes([raw[s.start : s.end] for s in body], seed=0)
    count = len(hashes) - ARTEFACT_NGRAM + 1
    grams = np.zeros(max(count, 0), dtype=np.uint64)
    # Mixed word by word: a weighted sum of the word hashes (tried first) collides for
    # stretches that differ by a swap of words whose weights sum alike.
    for k in range(ARTEFACT_NGRAM if count > 0 else 0):
        grams = _mix64(grams ^ hashes[k : k + count])
    grams.setflags(write=False)
    return len(hashes), grams


def _duplicated_from(mine: np.ndarray, theirs: np.ndarray) -> int:
    """Stretches this text repeats close together that the other text has exactly once:
    what a spinner or a careless paste does to the text it copies. A phrase an article
    repeats far apart (a quotation and its later echo) is style, not an artefact."""
    if len(mine) < 2:
        return 0
    order = np.argsort(mine, kind="stable")  # positions ascend within each stretch
    values = mine[order]
    same = values[1:] == values[:-1]
    close = same & (np.diff(order) <= ARTEFACT_WINDOW)
    repeated = np.unique(values[1:][close])
    if not len(repeated):
        return 0
    their_values, their_counts = np.unique(theirs, return_counts=True)
    if not len(their_values):
        return 0
    where = np.minimum(np.searchsorted(their_values, repeated), len(their_values) - 1)
    once = (their_values[where] == repeated) & (their_counts[where] == 1)
    return int(np.count_nonzero(once))


@dataclass(frozen=True, slots=True)
class _Side:
    doc: Document
    clean: CleanDocument
    date: str | None
    words: int
    repeats: int
    covered: float  # share of the body inside shared passages


def _direction(label: str, a: _Side, b: _Side, config: RelateConfig) -> tuple[str | None, float, list[str]]:
    """``(source id or None, confidence, reasons)``; positive evidence says b derives from a."""
    evidence = 0.0
    reasons: list[str] = []
    if a.date and b.date and a.date[:10] != b.date[:10]:
        earlier, later = (a, b) if a.date[:10] < b.date[:10] else (b, a)
        evidence += 1.0 if earlier is a else -1.0
        reasons.append(f"{earlier.doc.id} is dated {earlier.date[:10]}, {later.doc.id} {later.date[:10]}")
    gap = a.covered - b.covered
    if abs(gap) >= 0.2:
        inner, outer = (a, b) if gap > 0 else (b, a)
        evidence += (-1 if inner is a else 1) * min(0.6, abs(gap))
        reasons.append(
            f"{inner.doc.id} lies inside {outer.doc.id}: shared passages cover {inner.covered:.0%} of it "
            f"against {outer.covered:.0%} of {outer.doc.id}"
        )
    if label == "rewrite" and min(a.words, b.words) <= 0.8 * max(a.words, b.words):
        short, long = (a, b) if a.words < b.words else (b, a)
        evidence += (-1 if short is a else 1) * 0.3
        reasons.append(f"{short.doc.id} is condensed ({short.words} words against {long.words})")
    if (a.repeats > 0) != (b.repeats > 0):
        spun = a if a.repeats else b
        evidence += (-1 if spun is a else 1) * 0.3
        reasons.append(f"{spun.doc.id} repeats a {ARTEFACT_NGRAM}-word stretch the other has once, a spinner artefact")
    if abs(evidence) < config.min_direction_margin:
        reasons.append("the evidence on which came first is balanced")
        return None, 0.0, reasons
    source = a if evidence > 0 else b
    return source.doc.id, min(0.95, 0.5 + abs(evidence) / 2), reasons


def _order_reason(doc_a: Document, clean_a: CleanDocument, doc_b: Document, clean_b: CleanDocument, label: str) -> str:
    """How far the two follow each other sentence by sentence, the evidence that makes
    a paraphrase of a whole text (see ``retold.align_semantic.SemanticAlignConfig``)."""
    order = sentence_order(doc_a.text, clean_a.body, doc_b.text, clean_b.body)
    reason = (
        f"sentences correspond one to one, in order, over {order.covered_a:.0%} of {doc_a.id} and "
        f"{order.covered_b:.0%} of {doc_b.id}; {order.names_a:.0%} and {order.names_b:.0%} of their names and "
        "numbers recur in the other"
    )
    if order.paraphrase:
        return reason + ": a paraphrase of the whole text"
    if label == "partial":
        return reason + (
            f" (a paraphrase of the whole reaches {DEFAULT_SEMANTIC_CONFIG.paraphrase_cover:.0%} and "
            f"{DEFAULT_SEMANTIC_CONFIG.paraphrase_names:.0%} on both sides)"
        )
    return reason


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
    aligned_a = coverage(passages, clean_a.body, "a")
    aligned_b = coverage(passages, clean_b.body, "b")
    scores = PairScores(scores.jaccard, scores.containment_a, scores.containment_b, aligned_a, aligned_b)
    lexical = [p for p in passages if p.kind != "reworded"]
    reworded = [p for p in passages if p.kind == "reworded"]
    lexical_cover = max(coverage(lexical, clean_a.body, "a"), coverage(lexical, clean_b.body, "b"))
    reworded_cover = max(coverage(reworded, clean_a.body, "a"), coverage(reworded, clean_b.body, "b"))
    verbatim = bool(passages) and all(p.kind == "verbatim" for p in passages)
    # Only copied words make a shared passage: reworded sentences alone are what
    # independent reports of one story look like.
    shared_words = _word_count(doc_a.text, [p.a_span for p in lexical])
    reasons: list[str] = []
    if same_body or (verbatim and min(aligned_a, aligned_b) >= config.duplicate_coverage):
        label, confidence = "duplicate", 0.99 if same_body else 0.9
        reasons.append("identical text after cleaning" if same_body else "every passage verbatim on both sides")
    elif lexical_cover >= config.reprint_coverage:
        label, confidence = "reprint", min(0.95, 0.5 + lexical_cover / 2)
        reasons.append(
            f"verbatim or lightly edited passages cover {coverage(lexical, clean_a.body, 'a'):.0%} of {doc_a.id} "
            f"and {coverage(lexical, clean_b.body, 'b'):.0%} of {doc_b.id}"
        )
    elif max(aligned_a, aligned_b) >= config.rewrite_coverage and reworded_cover >= config.rewrite_reworded:
        label, confidence = "rewrite", min(0.9, 0.4 + max(aligned_a, aligned_b) / 2)
        reasons.append(
            f"{len(passages)} aligned passages ({len(reworded)} reworded) restate "
            f"{aligned_a:.0%} of {doc_a.id} and {aligned_b:.0%} of {doc_b.id}"
        )
    elif shared_words >= config.partial_min_words:
        label, confidence = "partial", min(0.9, 0.4 + shared_words / 200)
        reasons.append(f"{len(lexical)} shared passage(s), {shared_words} words copied")
    else:
        return None
    if label in ("rewrite", "partial"):
        reasons.append(_order_reason(doc_a, clean_a, doc_b, clean_b, label))
    words_a, grams_a = _body_grams(doc_a.text, tuple(clean_a.body))
    words_b, grams_b = _body_grams(doc_b.text, tuple(clean_b.body))
    sides = [
        _Side(doc_a, clean_a, clean_a.date or doc_a.date, words_a, _duplicated_from(grams_a, grams_b), aligned_a),
        _Side(doc_b, clean_b, clean_b.date or doc_b.date, words_b, _duplicated_from(grams_b, grams_a), aligned_b),
    ]
    source, direction_confidence, direction_reasons = _direction(label, sides[0], sides[1], config)
    if label == "partial" and source is not None:
        # Sharing a passage shows who printed it first, not that one copied the
        # other: both may quote a common source.
        direction_reasons.append("shared passages alone do not show which derives from which")
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
