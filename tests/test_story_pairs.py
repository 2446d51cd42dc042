"""``same_story`` pairs from the stories stage."""

from __future__ import annotations

from retold.model import Pair, PairScores, Story, TimelineEntry
from retold.stories.pairs import same_story_pairs


def _story(docs: list[str], events: list[list[str]]) -> Story:
    event_of = {d: k for k, members in enumerate(events) for d in members}
    timeline = tuple(TimelineEntry(d, None, None, event_of[d], "report") for d in docs)
    return Story("story-x", "A title", tuple(docs), tuple(tuple(e) for e in events), docs[0], (None, None), timeline)


def test_small_story_lists_every_pair_not_already_related() -> None:
    story = _story(["d1", "d2", "d3"], [["d1", "d2"], ["d3"]])
    reprint = Pair("d1", "d2", "reprint", PairScores(0.9, 0.9, 0.9))
    pairs = same_story_pairs([story], [reprint])
    assert [(p.a, p.b, p.label) for p in pairs] == [("d1", "d3", "same_story"), ("d2", "d3", "same_story")]
    assert pairs[0].reasons[:2] == ("both in story story-x (A title)", "in different events of it")
    assert all(p.source is None and p.passages == () for p in pairs)


def test_large_story_pairs_each_document_with_the_story_and_event_openers() -> None:
    docs = [f"d{k:03d}" for k in range(100)]
    events = [docs[:50], docs[50:]]
    pairs = same_story_pairs([_story(docs, events)], [], max_docs=30)
    # 99 documents with the story's first, 49 of the second event with its opener d050.
    assert len(pairs) == 99 + 49
    keys = {(p.a, p.b) for p in pairs}
    assert ("d000", "d099") in keys and ("d050", "d099") in keys and ("d001", "d002") not in keys
    assert len(keys) == len(pairs)
