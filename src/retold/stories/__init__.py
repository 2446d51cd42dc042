"""The stories stage: documents grouped into stories and events, incrementally, with a
timeline of who published what first.

Two levels. A *story* is one real-world thread (the dispute over US troops staying in
Iraq); its *events* are the distinct happenings inside it (a militia's warning and the
Pentagon's answer; the announcement that the combat mission ended). Copies, reprints,
rewrites and documents sharing passages always share an event; ``same_story`` pairs
share a story.

Signals: TF-IDF over body words, headline words and the lead; named entities and
numbers found by shape (no model); an optional plugged-in document embedding; dates
(a time factor per level); and the reuse relations as must-links. Two happenings of one
kind share topic words and often names; a story whose events disagree on their
specifics (the numbers their reports carry) is split between them.

- ``features``: channels, hashing, TF-IDF vectors; ``StoryInput``;
- ``solve``: the grouping kernel (DP-means with refinement, on dot products);
- ``link``: story links between events, discounted by conflicting specifics;
- ``index``: ``StoryIndex`` (incremental, serialisable) and ``build_stories``;
- ``timeline``: first document, order and roles.

What is approximate: see ``StoryIndex``. What is measured: ``benchmarks/stories_*.py``.
"""

from .config import StoryConfig
from .features import DocVectorFn, StoryInput
from .index import StoryIndex, build_stories

__all__ = ["DocVectorFn", "StoryConfig", "StoryIndex", "StoryInput", "build_stories"]
