"""Scores of a clustering against a gold one: B-cubed, pairwise and the adjusted Rand index.

Inputs are two label sequences of equal length (one label per document, any hashable
values). All scores are computed from the contingency table, so they cost
O(documents), never O(documents²).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _check(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> None:
    if len(pred) != len(gold):
        raise ValueError(f"pred and gold must have the same length, got {len(pred)} and {len(gold)}")


def bcubed(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> Scores:
    """B-cubed (Bagga & Baldwin 1998): per document, the share of its predicted cluster
    in its gold cluster (precision) and of its gold cluster in its predicted one
    (recall), averaged over documents."""
    _check(pred, gold)
    if not pred:
        return Scores(1.0, 1.0, 1.0)
    both = Counter(zip(pred, gold, strict=True))
    in_pred, in_gold = Counter(pred), Counter(gold)
    n = len(pred)
    precision = sum(c * c / in_pred[p] for (p, _), c in both.items()) / n
    recall = sum(c * c / in_gold[g] for (_, g), c in both.items()) / n
    return Scores(precision, recall, _f1(precision, recall))


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pairwise(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> Scores:
    """Precision and recall over document pairs placed together."""
    _check(pred, gold)
    together = sum(_pairs(c) for c in Counter(zip(pred, gold, strict=True)).values())
    predicted = sum(_pairs(c) for c in Counter(pred).values())
    actual = sum(_pairs(c) for c in Counter(gold).values())
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0
    return Scores(precision, recall, _f1(precision, recall))


def adjusted_rand(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """The adjusted Rand index (Hubert & Arabie 1985): 1 for identical clusterings, about 0 for chance."""
    _check(pred, gold)
    together = sum(_pairs(c) for c in Counter(zip(pred, gold, strict=True)).values())
    predicted = sum(_pairs(c) for c in Counter(pred).values())
    actual = sum(_pairs(c) for c in Counter(gold).values())
    total = _pairs(len(pred))
    if total == 0:
        return 1.0
    expected = predicted * actual / total
    maximum = (predicted + actual) / 2
    return 1.0 if maximum == expected else (together - expected) / (maximum - expected)


@dataclass(frozen=True, slots=True)
class Merged:
    """How many topics (groups of gold clusters that are different events of one kind)
    had two of their gold clusters merged: ``strict`` counts a topic when any predicted
    cluster holds documents of two of them; ``whole`` when two of them have the same
    largest predicted cluster (the events themselves were merged, not a stray document)."""

    topics: int
    strict: int
    whole: int


def merged_topics(pred: Sequence[Hashable], gold: Sequence[Hashable], topic: Sequence[Hashable]) -> Merged:
    _check(pred, gold)
    _check(pred, topic)
    golds_in: dict[Hashable, dict[Hashable, set[Hashable]]] = defaultdict(lambda: defaultdict(set))
    sizes: dict[tuple[Hashable, Hashable], Counter[Hashable]] = defaultdict(Counter)
    for p, g, t in zip(pred, gold, topic, strict=True):
        golds_in[t][p].add(g)
        sizes[(t, g)][p] += 1
    strict = whole = 0
    for t, clusters in golds_in.items():
        strict += any(len(gs) > 1 for gs in clusters.values())
        largest = [max(sorted(c.items(), key=repr), key=lambda kv: kv[1])[0] for (tt, _), c in sizes.items() if tt == t]
        whole += len(largest) != len(set(largest))
    return Merged(topics=len(golds_in), strict=strict, whole=whole)
