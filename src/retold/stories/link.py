"""Story links between events, and what breaks them: conflicting specifics.

Stories are grouped document by document (``solve``) at a low threshold, because later
reports of one thread share its names and places but little wording. Two happenings of
one kind (two earthquakes years apart, two players arrested for drunk driving) clear that
bar on their topic words alone, and often on their main names too. What tells them apart
are their *specifics*: the numbers their reports carry (death tolls, magnitudes, scores,
ages, dates, years). Reports of one thread repeat some of them; two happenings of a kind
mostly carry others.

So once a story has gained documents, its events are compared with one another. The link
between two events is the solver's: the mean cosine of the smaller one's documents with
the larger one's centroid (centred), times the time factor. Per specifics channel it is
multiplied by ``min(1, cosine / floor)``, the cosine taken on that channel alone. A
channel either side lacks says nothing (factor 1), and neither does a side with fewer than
``min_docs`` documents carrying it: one or two reports carry a few numbers that other
reports of the same thread need not repeat, so they link on their words as before.

When the specifics of some pair of events disagree (a factor below 1), the story is
regrouped from its events: first best pair first while the discounted link reaches the
story threshold (centroid linkage, as the solver's merges), then groups join again unless
an event of one disagrees with an event of the other, so a story is only ever split where
specifics conflict. Each group becomes a story. Stories whose events agree are left as
the solver made them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .solve import date_gap, time_factor

# Below this a norm or a mass is treated as none (floating-point residue).
_EMPTY = 1e-12
# Ranks below any link: groups with nothing to compare still rejoin, last.
_NO_LINK = -1e300


@dataclass(frozen=True, slots=True)
class Linkage:
    """The story level's threshold and time factor; the specifics floor (0: off) and the
    fewest documents whose specifics are judged."""

    threshold: float
    window_days: float
    scale_days: float
    floor: float
    min_docs: int


@dataclass(frozen=True, slots=True)
class ChannelSums:
    """One specifics channel of a story's events: ``gram[i, j]`` is the product of the
    channel's part of event i's sum with event j's; ``mass[i]`` the sum of the norms of
    event i's documents' parts (0: none of them has the channel); ``carriers[i]`` how many
    of its documents have anything in the channel."""

    gram: np.ndarray  # (E, E)
    mass: np.ndarray  # (E,)
    carriers: np.ndarray  # (E,)


@dataclass(frozen=True, slots=True)
class StoryEvents:
    """A story's events as sums: what ``conflicting`` and ``regroup`` need.

    ``gram`` holds the products of the events' (centred) sums, ``size`` their documents,
    ``first``/``last`` their date spans (NaN: undated); ``together`` lists groups of events
    that must stay in one story (``same_story`` pairs between their documents).
    """

    gram: np.ndarray  # (E, E)
    size: np.ndarray  # (E,)
    first: np.ndarray  # (E,)
    last: np.ndarray  # (E,)
    channels: Sequence[ChannelSums]
    together: Sequence[Sequence[int]] = ()


def specifics_factor(cosine: np.ndarray, floor: float) -> np.ndarray:
    """``min(1, cosine / floor)``, and 1 where the cosine is NaN (nothing to compare)."""
    return np.where(np.isnan(cosine), 1.0, np.clip(np.nan_to_num(cosine) / floor, 0.0, 1.0))


class _Groups:
    """Events merged into groups; every product follows from the events' by sums."""

    def __init__(self, events: StoryEvents) -> None:
        n = len(events.size)
        self.gram = events.gram.astype(np.float64).copy()
        self.channel_gram = [c.gram.astype(np.float64).copy() for c in events.channels]
        self.channel_mass = [c.mass.astype(np.float64).copy() for c in events.channels]
        self.channel_carriers = [c.carriers.astype(np.float64).copy() for c in events.channels]
        self.size = events.size.astype(np.float64).copy()
        self.first = events.first.astype(np.float64).copy()
        self.last = events.last.astype(np.float64).copy()
        self.label = np.arange(n)
        self.alive = np.ones(n, dtype=bool)
        for group in events.together:
            for other in group[1:]:
                a, b = sorted((int(self.label[group[0]]), int(self.label[other])))
                if a != b:
                    self.merge(a, b)

    def merge(self, keep: int, gone: int) -> None:
        for gram in (self.gram, *self.channel_gram):
            gram[keep] += gram[gone]
            gram[:, keep] += gram[:, gone]
        for sums in (*self.channel_mass, *self.channel_carriers):
            sums[keep] += sums[gone]
        self.size[keep] += self.size[gone]
        self.first[keep] = np.fmin(self.first[keep], self.first[gone])
        self.last[keep] = np.fmax(self.last[keep], self.last[gone])
        self.label[self.label == gone] = keep
        self.alive[gone] = False

    def links(self, rows: np.ndarray, cols: np.ndarray, linkage: Linkage) -> tuple[np.ndarray, np.ndarray]:
        """The link between each group of ``rows`` and each of ``cols`` (group ids), without
        and with the specifics factor; -inf between a group and itself, or where the
        larger group has no vector."""
        row_size, col_size = self.size[rows][:, None], self.size[cols][None, :]
        # The smaller group's documents are compared with the larger one's centroid, as
        # in the solver's merges (ties: the later group counts as the smaller).
        row_small = (row_size < col_size) | ((row_size == col_size) & (rows[:, None] > cols[None, :]))
        small = np.where(row_small, rows[:, None], cols[None, :])
        big = np.where(row_small, cols[None, :], rows[:, None])
        big_norm2 = np.diagonal(self.gram)[big]
        with np.errstate(invalid="ignore", divide="ignore"):
            plain = self.gram[small, big] / (self.size[small] * np.sqrt(np.maximum(big_norm2, 0.0)))
        plain = np.where(big_norm2 > _EMPTY, plain, -np.inf)
        gap = date_gap(
            self.first[rows][:, None], self.last[rows][:, None], self.first[cols][None, :], self.last[cols][None, :]
        )
        plain = plain * time_factor(gap, linkage.window_days, linkage.scale_days)
        discounted = plain.copy()
        if linkage.floor > 0.0:
            for gram, mass, carriers in zip(self.channel_gram, self.channel_mass, self.channel_carriers, strict=True):
                # A few reports carry a few numbers that others of the same thread need
                # not repeat: too few to show a disagreement.
                too_few = np.minimum(carriers[small], carriers[big]) < linkage.min_docs
                small_mass, channel_norm2 = mass[small], np.diagonal(gram)[big]
                with np.errstate(invalid="ignore", divide="ignore"):
                    cosine = gram[small, big] / (small_mass * np.sqrt(np.maximum(channel_norm2, 0.0)))
                cosine = np.where((small_mass > _EMPTY) & (channel_norm2 > _EMPTY) & ~too_few, cosine, np.nan)
                discounted = discounted * specifics_factor(cosine, linkage.floor)
        same = rows[:, None] == cols[None, :]
        return np.where(same, -np.inf, plain), np.where(same, -np.inf, discounted)


def conflicting(events: StoryEvents, linkage: Linkage) -> bool:
    """Whether the specifics of two events (or groups that must stay together) disagree
    at all: then the story is regrouped with the discounted links."""
    if linkage.floor <= 0.0 or len(events.size) < 2:
        return False
    groups = _Groups(events)
    live = np.flatnonzero(groups.alive)
    plain, discounted = groups.links(live, live, linkage)
    return bool(np.any(np.isfinite(plain) & (discounted < plain)))


def regroup(events: StoryEvents, linkage: Linkage) -> np.ndarray:
    """Group label of each event (0, 1, ... in order of each group's first event).

    First the best pair of groups while the discounted link reaches the threshold; then,
    best plain link first, groups join again unless an event of one disagrees with an
    event of the other: a story is only split where specifics conflict, never for want of
    similarity, which the solver has already judged.
    """
    groups = _Groups(events)
    n = len(events.size)
    plain = np.full((n, n), -np.inf)
    discounted = np.full((n, n), -np.inf)
    live = np.flatnonzero(groups.alive)
    plain[np.ix_(live, live)], discounted[np.ix_(live, live)] = groups.links(live, live, linkage)
    disagree = np.isfinite(plain) & (discounted < plain)

    def merge(keep: int, gone: int) -> None:
        keep, gone = min(keep, gone), max(keep, gone)
        groups.merge(keep, gone)
        disagree[keep] |= disagree[gone]
        disagree[:, keep] |= disagree[:, gone]
        for links in (plain, discounted):
            links[gone, :] = links[:, gone] = -np.inf
        live = np.flatnonzero(groups.alive)
        row_plain, row_discounted = groups.links(np.array([keep]), live, linkage)
        plain[keep, live] = plain[live, keep] = row_plain[0]
        discounted[keep, live] = discounted[live, keep] = row_discounted[0]

    while groups.alive.sum() > 1:
        best = int(np.argmax(discounted))
        if not discounted.flat[best] >= linkage.threshold:
            break
        merge(*divmod(best, n))
    while groups.alive.sum() > 1:
        pairs = groups.alive[:, None] & groups.alive[None, :] & ~np.eye(n, dtype=bool) & ~disagree
        # A group without a vector (documents without words) has no link: it comes last.
        agreeing = np.where(pairs, np.where(np.isfinite(plain), plain, _NO_LINK), -np.inf)
        best = int(np.argmax(agreeing))
        if not np.isfinite(agreeing.flat[best]):
            break
        merge(*divmod(best, n))
    _, labels = np.unique(groups.label, return_inverse=True)
    return labels.astype(np.int64)
