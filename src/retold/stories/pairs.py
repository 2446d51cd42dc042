"""``same_story`` pairs: documents the stories stage put in one story that share no
passage (gold.json: "no shared passage, but they report the same story").

A story of ``n`` documents holds ``n * (n - 1) / 2`` pairs, so only stories of at most
``max_docs`` documents list them all; in a larger one each document is paired with the
story's first document and with its event's first, which keeps the count linear and
still says where each document's story began.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations

from ..model import Pair, PairScores, Story

# 30 documents: 435 pairs, about what a reader can scan in one story.
SAME_STORY_MAX_DOCS = 30
_NOT_COMPARED = PairScores(0.0, 0.0, 0.0)


def same_story_pairs(
    stories: Sequence[Story], related: Iterable[Pair], max_docs: int = SAME_STORY_MAX_DOCS
) -> list[Pair]:
    """The ``same_story`` pairs of ``stories`` that no pair in ``related`` already covers,
    sorted by ``(a, b)``."""
    taken = {(p.a, p.b) for p in related}
    out: list[Pair] = []
    for story in stories:
        event_of = {doc: k for k, members in enumerate(story.events) for doc in members}
        for a, b, why in _story_pairs(story, max_docs):
            key = (a, b) if a < b else (b, a)
            if key in taken:
                continue
            taken.add(key)
            together = event_of.get(a) == event_of.get(b)
            out.append(
                Pair(
                    a=key[0],
                    b=key[1],
                    label="same_story",
                    scores=_NOT_COMPARED,
                    reasons=(
                        f"both in story {story.id} ({story.title or 'untitled'})",
                        "in the same event" if together else "in different events of it",
                        why,
                        "no shared passage found between them (scores are not computed for same-story pairs)",
                    ),
                )
            )
    out.sort(key=lambda p: (p.a, p.b))
    return out


def _story_pairs(story: Story, max_docs: int) -> Iterator[tuple[str, str, str]]:
    docs = story.documents
    if len(docs) <= max_docs:
        for a, b in combinations(docs, 2):
            yield a, b, f"every pair of the story's {len(docs)} documents is listed"
        return
    order = [entry.doc for entry in story.timeline] or list(docs)
    first = story.first or order[0]
    event_first: dict[int, str] = {}
    for entry in story.timeline:
        event_first.setdefault(entry.event, entry.doc)
    for entry in story.timeline:
        if entry.doc != first:
            yield entry.doc, first, f"{first} opened the story ({len(docs)} documents: pairs with its first listed)"
        opener = event_first[entry.event]
        if entry.doc != opener and opener != first:
            yield entry.doc, opener, f"{opener} opened its event"
