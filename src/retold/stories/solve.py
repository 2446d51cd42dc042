"""The grouping kernel: a chunk of new documents against the clusters they may join.

A pure function of arrays, shared by the story level and the event level. It works on
dot products only, so it never needs the vectors themselves:

* ``gram[i, j]``: new document i · new document j;
* ``cross[i, k]``: new document i · the sum vector of existing cluster k;
* ``base_gram[k, l]``: sum of cluster k · sum of cluster l.

A cluster's centroid direction is the sum of its members' unit vectors, so after any
move every similarity follows from these arrays by additions (the sums are linear).

The procedure is hard-assignment clustering with a penalty for opening a cluster
(DP-means, Kulis & Jordan 2012, in cosine form), made order-robust by refinement:

1. one pass in input order: each unit (a document, or documents that must stay
   together because one reuses the other) joins the most similar cluster if the
   similarity reaches the threshold, else opens a new cluster;
2. rounds of (a) merging two clusters when the smaller one, as a unit, would join the
   larger (the mean cosine of its members to the larger's centroid reaches the
   threshold), then (b) reassigning each new unit leave-one-out (as if it were not in
   its cluster), until nothing changes or the rounds run out.

Similarity = mean cosine of the unit's members with the centroid, times a time factor:
1 while the date ranges are within ``window`` days, then ``exp(-(gap - window) / scale)``.
Units or clusters without dates get factor 1. Only new units move; existing clusters
keep their members and may absorb one another when new units bridge them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Below this squared norm a cluster sum is treated as empty (floating-point residue).
_EMPTY_NORM2 = 1e-12
# Merge sweeps per round: each sweep merges disjoint pairs, then scores are recomputed.
_MAX_MERGE_SWEEPS = 32


@dataclass(frozen=True, slots=True)
class Rule:
    """Threshold and time factor of one level (story or event)."""

    threshold: float
    window_days: float
    scale_days: float
    rounds: int
    # The first pass joins only above this (>= threshold): it seeds small, pure
    # clusters, and the merge rounds then join them best-first at ``threshold``.
    seed_threshold: float = 0.0
    # Whether clusters that gained no new unit may merge with each other.
    merge_untouched: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """A chunk of ``B`` new documents and ``K`` existing clusters, as dot products.

    ``units`` partitions the documents into must-link groups (each a list of document
    indices, in input order of their first member); ``forced`` maps a unit to the
    existing cluster it must join (it reuses a document there).
    """

    gram: np.ndarray  # (B, B)
    cross: np.ndarray  # (B, K)
    base_gram: np.ndarray  # (K, K)
    base_size: np.ndarray  # (K,) documents already in each cluster
    base_first: np.ndarray  # (K,) first day (NaN: undated)
    base_last: np.ndarray  # (K,) last day
    day: np.ndarray  # (B,) day of each document (NaN: undated)
    units: Sequence[Sequence[int]]
    forced: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Solution:
    """``labels[i]``: the cluster of document i, ``< K`` for an existing cluster, else
    ``K + n`` for the n-th new cluster (numbered in order of their first document).
    ``absorbed`` maps an existing cluster merged into another to the one it joined."""

    labels: np.ndarray
    absorbed: dict[int, int]


def time_factor(gap: np.ndarray, window: float, scale: float) -> np.ndarray:
    """1 within ``window`` days, exponential decay with ``scale`` beyond; NaN gap -> 1."""
    excess = np.maximum(np.nan_to_num(gap, nan=0.0) - window, 0.0)
    return np.exp(-excess / scale)


def date_gap(first_a: np.ndarray, last_a: np.ndarray, first_b: np.ndarray, last_b: np.ndarray) -> np.ndarray:
    """Days between two date ranges (0 if they overlap, NaN if either is undated)."""
    with np.errstate(invalid="ignore"):
        return np.maximum(np.maximum(first_a - last_b, first_b - last_a), 0.0)


class _State:
    """Clusters of one solve: slots ``[0, K)`` existing, ``[K, K + U)`` for new ones."""

    def __init__(self, problem: Problem) -> None:
        k = len(problem.base_size)
        units = [list(u) for u in problem.units]
        n_units = len(units)
        member = np.zeros((n_units, len(problem.day)))
        for u, docs in enumerate(units):
            member[u, docs] = 1.0
        self.k = k
        self.capacity = k + n_units
        self.unit_gram = member @ problem.gram @ member.T  # (U, U)
        self.unit_size = member.sum(axis=1)
        dated = (member > 0) & ~np.isnan(problem.day)[None, :]
        first = np.where(dated, problem.day[None, :], np.inf).min(axis=1, initial=np.inf)
        last = np.where(dated, problem.day[None, :], -np.inf).max(axis=1, initial=-np.inf)
        self.unit_first = np.where(np.isfinite(first), first, np.nan)
        self.unit_last = np.where(np.isfinite(last), last, np.nan)
        c = self.capacity
        # dots[u, c]: unit u · sum of cluster c (u's own vector included when u is in c).
        self.dots = np.zeros((n_units, c))
        self.dots[:, :k] = member @ problem.cross
        # cc[a, b]: sum of a · sum of b; its diagonal is each sum's squared norm.
        self.cc = np.zeros((c, c))
        self.cc[:k, :k] = problem.base_gram
        self.size = np.zeros(c)
        self.size[:k] = problem.base_size
        self.base_first = np.full(c, np.nan)
        self.base_last = np.full(c, np.nan)
        self.base_first[:k] = problem.base_first
        self.base_last[:k] = problem.base_last
        self.first = self.base_first.copy()
        self.last = self.base_last.copy()
        self.members: list[list[int]] = [[] for _ in range(c)]
        self.label = np.full(n_units, -1, dtype=np.int64)
        self.alive = np.zeros(c, dtype=bool)
        self.alive[:k] = True
        self.absorbed: dict[int, int] = {}

    # -- moves -------------------------------------------------------------------------
    def join(self, u: int, c: int) -> None:
        row = self.dots[u].copy()
        self.cc[c] += row
        self.cc[:, c] += row
        self.cc[c, c] += self.unit_gram[u, u]
        self.dots[:, c] += self.unit_gram[:, u]
        self.size[c] += self.unit_size[u]
        self.members[c].append(u)
        self.members[c].sort()
        self.label[u] = c
        self.alive[c] = True
        self.first[c] = np.fmin(self.first[c], self.unit_first[u])
        self.last[c] = np.fmax(self.last[c], self.unit_last[u])

    def leave(self, u: int) -> None:
        c = int(self.label[u])
        row = self.dots[u].copy()
        self.cc[c] -= row
        self.cc[:, c] -= row
        self.cc[c, c] += self.unit_gram[u, u]
        self.dots[:, c] -= self.unit_gram[:, u]
        self.size[c] -= self.unit_size[u]
        self.members[c].remove(u)
        self.label[u] = -1
        if not self.members[c] and c >= self.k:
            self._clear(c)
        else:
            self._respan(c)

    def merge(self, keep: int, gone: int) -> None:
        self.cc[keep] += self.cc[gone]
        self.cc[:, keep] += self.cc[:, gone]
        self.dots[:, keep] += self.dots[:, gone]
        self.size[keep] += self.size[gone]
        self.base_first[keep] = np.fmin(self.base_first[keep], self.base_first[gone])
        self.base_last[keep] = np.fmax(self.base_last[keep], self.base_last[gone])
        for u in self.members[gone]:
            self.label[u] = keep
        self.members[keep] = sorted(self.members[keep] + self.members[gone])
        self.members[gone] = []
        if gone < self.k:
            self.absorbed[gone] = keep
        self._clear(gone)
        self._respan(keep)

    def _clear(self, c: int) -> None:
        self.cc[c] = 0.0
        self.cc[:, c] = 0.0
        self.dots[:, c] = 0.0
        self.size[c] = 0.0
        self.alive[c] = False
        self.base_first[c] = self.base_last[c] = np.nan
        self.first[c] = self.last[c] = np.nan

    def _respan(self, c: int) -> None:
        self.first[c], self.last[c] = self.span(c)

    def span(self, c: int, without: int = -1) -> tuple[float, float]:
        """First and last day of cluster c (NaN: undated), optionally leaving unit ``without`` out."""
        units = [m for m in self.members[c] if m != without]
        first, last = float(self.base_first[c]), float(self.base_last[c])
        days = self.unit_first[units]
        if len(days) and not np.all(np.isnan(days)):
            first = float(np.fmin(first, np.nanmin(days)))
            last = float(np.fmax(last, np.nanmax(self.unit_last[units])))
        return first, last

    def free_slot(self) -> int:
        empty = np.flatnonzero(~self.alive[self.k :])
        return self.k + int(empty[0])

    # -- scores --------------------------------------------------------------------------
    def similarities(self, u: int, rule: Rule) -> np.ndarray:
        """Mean cosine of unit u's members with every live cluster, leave-one-out for
        u's own cluster, times the time factor; -inf where there is nothing to join."""
        dots = self.dots[u].copy()
        norm2 = np.diagonal(self.cc).copy()
        size = self.size.copy()
        first, last = self.first, self.last
        own = int(self.label[u])
        if own >= 0:
            dots[own] -= self.unit_gram[u, u]
            norm2[own] += -2.0 * self.dots[u, own] + self.unit_gram[u, u]
            size[own] -= self.unit_size[u]
            first, last = first.copy(), last.copy()
            first[own], last[own] = self.span(own, without=u)
        valid = self.alive & (size > 0) & (norm2 > _EMPTY_NORM2)
        sims = np.full(self.capacity, -np.inf)
        cos = dots[valid] / (self.unit_size[u] * np.sqrt(norm2[valid]))
        if not np.isnan(self.unit_first[u]):  # an undated unit gets factor 1 everywhere
            gap = date_gap(self.unit_first[u], self.unit_last[u], first[valid], last[valid])
            cos = cos * time_factor(gap, rule.window_days, rule.scale_days)
        sims[valid] = cos
        return sims

    def merge_scores(self, rule: Rule, touched: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scores of merging each touched live cluster (rows) with each other live cluster
        (columns): the mean cosine of the smaller one's members with the larger one's
        centroid, times the time factor. Returns (row slots, column slots, scores)."""
        norm2 = np.diagonal(self.cc)
        live = np.flatnonzero(self.alive & (self.size > 0) & (norm2 > _EMPTY_NORM2))
        rows = live[touched[live]]
        size, norm = self.size, np.sqrt(np.maximum(norm2, 0.0))
        small_is_row = (size[rows][:, None] < size[live][None, :]) | (
            (size[rows][:, None] == size[live][None, :]) & (rows[:, None] > live[None, :])
        )
        small_size = np.where(small_is_row, size[rows][:, None], size[live][None, :])
        big_norm = np.where(small_is_row, norm[live][None, :], norm[rows][:, None])
        scores = self.cc[np.ix_(rows, live)] / (small_size * big_norm)
        gap = date_gap(
            self.first[rows][:, None], self.last[rows][:, None], self.first[live][None, :], self.last[live][None, :]
        )
        scores = scores * time_factor(gap, rule.window_days, rule.scale_days)
        scores[rows[:, None] == live[None, :]] = -np.inf
        return rows, live, scores


def solve(problem: Problem, rule: Rule) -> Solution:
    """Group a chunk's units into the existing clusters and new ones (see the module doc)."""
    state = _State(problem)
    forced = dict(problem.forced)
    n_units = len(problem.units)
    for u in range(n_units):
        if u in forced:
            state.join(u, forced[u])
            continue
        sims = state.similarities(u, rule)
        best = int(np.argmax(sims)) if len(sims) else -1
        bar = max(rule.threshold, rule.seed_threshold)
        state.join(u, best if best >= 0 and sims[best] >= bar else state.free_slot())
    for _ in range(rule.rounds):
        merged = _merge(state, rule)
        moved = _reassign(state, rule, forced)
        if not merged and not moved:
            break
    return _solution(state, problem)


def _merge(state: _State, rule: Rule) -> bool:
    touched = np.full(state.capacity, rule.merge_untouched, dtype=bool)
    touched[state.label[state.label >= 0]] = True
    any_merge = False
    for _ in range(_MAX_MERGE_SWEEPS):
        rows, cols, scores = state.merge_scores(rule, touched)
        order = np.argsort(-scores, axis=None, kind="stable")
        used: set[int] = set()
        merged = False
        for flat in order.tolist():
            i, j = divmod(flat, len(cols))
            if not scores[i, j] >= rule.threshold:
                break
            a, b = sorted((int(rows[i]), int(cols[j])))
            if a in used or b in used:
                continue
            state.merge(a, b)  # the older (or existing) cluster keeps its slot
            touched[a] = True
            used.update((a, b))
            merged = any_merge = True
        if not merged:
            break
    return any_merge


def _reassign(state: _State, rule: Rule, forced: Mapping[int, int]) -> bool:
    moved = False
    for u in range(len(state.label)):
        if u in forced:
            continue
        own = int(state.label[u])
        sims = state.similarities(u, rule)
        best = int(np.argmax(sims))
        if sims[best] >= rule.threshold:
            if best != own:
                state.leave(u)
                state.join(u, best)
                moved = True
        elif state.size[own] > state.unit_size[u]:  # nothing to join: a cluster of its own
            state.leave(u)
            state.join(u, state.free_slot())
            moved = True
    return moved


def _solution(state: _State, problem: Problem) -> Solution:
    labels = np.empty(len(problem.day), dtype=np.int64)
    renumber: dict[int, int] = {}
    for u, docs in enumerate(problem.units):
        c = int(state.label[u])
        if c >= state.k and c not in renumber:
            renumber[c] = state.k + len(renumber)
        labels[list(docs)] = renumber.get(c, c)
    return Solution(labels=labels, absorbed=dict(state.absorbed))
