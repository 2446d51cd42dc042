"""The incremental story index: documents in, stories and events out.

The index keeps, per story and per event, the sum of its documents' unit vectors
(pruned to the heaviest features), its size and date range; per document only its
id, headline, date, outlet and event; the document frequencies of hashed features;
an inverted index from each story's heaviest features to the story; and the reuse
relations needed for timeline roles. It never keeps texts.

``add`` works chunk by chunk (``StoryConfig.chunk_size`` documents): update document
frequencies, vectorise the chunk, fetch candidate stories through the inverted index,
group the chunk at the story level against them (``solve.solve``), then inside each
story it touched group its new documents at the event level against the story's
events; last, a touched story whose events disagree on their specifics is regrouped
from its events and may split (``link``). So the cost of a document depends on the chunk size and the candidate caps,
not on how many documents the index holds.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
import xxhash

from retold.model import Pair, Story

from .config import StoryConfig
from .features import NUMBERS, TEXT_CHANNELS, DocVectorFn, StoryInput, Terms, extract, title_vector, vectors
from .link import ChannelSums, Linkage, StoryEvents, conflicting, regroup
from .solve import Problem, Rule, Solution, solve
from .timeline import DocInfo, Link, build_story

FORMAT = "retold-stories"
VERSION = 2
# Version 1 states lack the channel masses and the same-story links; they load with none.
READABLE_VERSIONS = frozenset({1, VERSION})
# Labels that put two documents in one event (one reuses the other's text) ...
EVENT_LABELS = frozenset({"duplicate", "reprint", "rewrite", "partial"})
# ... and those that only put them in one story.
STORY_LABELS = EVENT_LABELS | {"same_story"}
# Labels that give the later document a timeline role (copy or rewrite).
ROLE_LABELS = frozenset({"duplicate", "reprint", "rewrite"})
# A chunk compares its documents with at most this many existing clusters per chunk
# document, so one solve's arrays stay a few tens of MB.
CANDIDATES_PER_CHUNK_DOC = 2
# The channels whose disagreement breaks a story link between events (see ``link``).
# Numbers only: adding names (``ENTITIES``) changed nothing on the ECB+ development set
# and split more single-topic samples of it (other reports name other people).
SPECIFICS_CHANNELS = (NUMBERS,)
# Stories with more events than this are not checked for conflicting specifics: the
# check costs the square of their events each time they gain documents.
MAX_CHECKED_EVENTS = 256
# Warm-up rebuilds happen at this many documents, then at each doubling.
WARMUP_FIRST = 16
# The running sum of all documents keeps this many times ``centroid_terms`` features.
MEAN_TERMS_FACTOR = 8


@dataclass(slots=True)
class _Doc:
    seq: int
    title: str | None
    date: str | None
    outlet: str | None
    event: int


@dataclass(slots=True)
class _Cluster:
    """A story or an event: the sum of its members' vectors and what it spans."""

    idx: np.ndarray  # int64 feature ids, sorted
    val: np.ndarray  # float64
    dense: np.ndarray | None
    size: int
    first: float  # day number or NaN
    last: float
    members: list[Any] = field(default_factory=list)  # doc ids (event) or event ids (story)
    story: int = -1  # for an event: its story
    seed: str = ""  # for a story: the document that opened it (its id derives from it)
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # story: indexed features
    # Per text channel, the sum of the norms of the members' parts in it: how much of the
    # cluster carries names, numbers, ... (the specifics cosines divide by it).
    mass: np.ndarray = field(default_factory=lambda: np.zeros(TEXT_CHANNELS))
    # Per text channel, how many members have anything in it.
    carriers: np.ndarray = field(default_factory=lambda: np.zeros(TEXT_CHANNELS))


@dataclass(frozen=True, slots=True)
class _Centring:
    """The mean document vector (``idx``/``val``/``dense``), its squared norm, its dot
    product with each chunk document, and how much of it to subtract."""

    beta: float
    idx: np.ndarray
    val: np.ndarray
    dense: np.ndarray | None
    doc: np.ndarray
    norm2: float


def _day(date: str | None) -> float:
    if not date:
        return float("nan")
    try:
        return float(dt.date.fromisoformat(date[:10]).toordinal())
    except ValueError:
        return float("nan")


class StoryIndex:
    """Stories and events of the documents added so far, updated incrementally.

    >>> index = StoryIndex()
    >>> index.add([StoryInput("a", "Quake hits Chile", "2024-01-02", None, "A strong earthquake ...")])
    >>> [s.documents for s in index.stories()]
    [('a',)]

    ``embed`` plugs in a document-vector function (for instance sentence embeddings):
    its vectors become one more channel, weighted by ``StoryConfig.embedding_weight``.
    The same function must be passed again to ``from_bytes``.

    Approximate: centroids are pruned to ``centroid_terms`` features; document
    frequencies, and so the weights of terms, are those known when a chunk is added
    (earlier documents are not re-weighted); candidate stories come from an inverted
    index with capped posting lists; stories of more than ``MAX_CHECKED_EVENTS`` events
    are not checked for conflicting specifics. Adding in batches gives nearly, not
    exactly, the grouping of one batch (``benchmarks/stories_incremental.py`` measures how near).
    """

    def __init__(self, config: StoryConfig = StoryConfig(), *, embed: DocVectorFn | None = None) -> None:  # noqa: B008
        self.config = config
        self._embed = embed
        self._embedding_dim: int | None = None
        self._n_docs = 0
        self._df = np.zeros(TEXT_CHANNELS << config.hash_bits, dtype=np.int32)
        self._docs: dict[str, _Doc] = {}
        self._events: dict[int, _Cluster] = {}
        self._stories: dict[int, _Cluster] = {}
        self._postings: dict[int, dict[int, None]] = {}
        self._relations: dict[str, list[Link]] = {}
        # Documents tied by ``same_story`` pairs: a story split keeps them together.
        self._story_links: dict[str, list[str]] = {}
        self._pending: list[Link] = []
        self._next_event = 0
        self._next_story = 0
        # The sum of every document's vector: its direction is "generic news", which
        # similarities are centred on (see ``_centre``).
        self._mean = _Cluster(
            idx=np.zeros(0, dtype=np.int64), val=np.zeros(0), dense=None, size=0, first=np.nan, last=np.nan
        )
        # Warm-up (see ``_warm_up``): the first documents' features and links, kept
        # until the index holds ``warmup_docs`` documents; ``None`` afterwards.
        self._warm: list[tuple[StoryInput, Terms, np.ndarray | None]] | None = [] if config.warmup_docs else None
        self._warm_links: list[Link] = []
        self._next_rebuild = WARMUP_FIRST

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    # -- adding ------------------------------------------------------------------------
    def add(self, items: Sequence[StoryInput], pairs: Sequence[Pair] = ()) -> None:
        """Add documents (in order) and the relations found between documents.

        Pairs labelled ``duplicate``, ``reprint``, ``rewrite`` or ``partial`` put their
        two documents in one event, ``same_story`` in one story. A pair may refer to
        documents added earlier or later; it takes effect once both are in the index.
        """
        seen: set[str] = set()
        for item in items:
            if not isinstance(item.id, str) or not item.id:
                raise ValueError(f"a document id must be a non-empty string, got {item.id!r}")
            if item.id in self._docs or item.id in seen:
                raise ValueError(f"document {item.id!r} is already in the index (ids must be unique)")
            seen.add(item.id)
        # The same pair may come again with a later batch: keep one of each.
        links = list(dict.fromkeys([*self._pending, *(Link(p.a, p.b, p.label, p.source) for p in pairs)]))
        for link in links:
            if link.label not in STORY_LABELS:
                raise ValueError(f"pair {link.a}-{link.b}: unknown label {link.label!r}")
        self._pending = []
        ready: list[Link] = []
        for link in links:
            present = all(d in seen or d in self._docs for d in (link.a, link.b))
            (ready if present else self._pending).append(link)
        for link in ready:
            if link.label in ROLE_LABELS:
                for doc_id in (link.a, link.b):
                    known = self._relations.setdefault(doc_id, [])
                    if link not in known:
                        known.append(link)
        # Links between documents already indexed: their clusters merge now.
        for link in ready:
            if link.a in self._docs and link.b in self._docs:
                self._link_existing(link)
        start_size = len(self._docs)
        size = self.config.chunk_size
        for start in range(0, len(items), size):
            chunk = list(items[start : start + size])
            ids = {item.id for item in chunk}
            terms = [extract(item, self.config) for item in chunk]
            embeddings = self._embeddings(chunk)
            self._add_chunk(chunk, terms, embeddings, [link for link in ready if link.a in ids or link.b in ids])
            if self._warm is not None:
                for row, item in enumerate(chunk):
                    meta = StoryInput(item.id, item.title, item.date, item.outlet)
                    self._warm.append((meta, terms[row], None if embeddings is None else embeddings[row]))
        if self._warm is not None:
            self._warm_links = list(dict.fromkeys([*self._warm_links, *ready]))
            self._warm_up(start_size)

    def _warm_up(self, start_size: int) -> None:
        """While the index is small, regroup it from scratch each time its size doubles.

        The first documents are weighted with the document frequencies of the few
        seen so far (in a stream sorted by topic, of one topic): their vectors, summed
        into centroids, would keep those weights for good. So until ``warmup_docs`` the
        index keeps their hashed features (never their text) and, at 16, 32, 64, ...
        documents, rebuilds itself as if they had come in one batch. The cost is at
        most twice that of adding them once.
        """
        assert self._warm is not None
        n = len(self._docs)
        limit = self.config.warmup_docs
        if start_size > 0 and self._next_rebuild <= n <= 2 * limit:
            self._rebuild()
        while self._next_rebuild <= n:
            self._next_rebuild *= 2
        if n >= limit:
            self._warm, self._warm_links = None, []

    def _rebuild(self) -> None:
        assert self._warm is not None
        fresh = StoryIndex(self.config, embed=self._embed)
        fresh._warm = None
        fresh._embedding_dim = self._embedding_dim
        kept, links = self._warm, self._warm_links
        size = self.config.chunk_size
        for start in range(0, len(kept), size):
            part = kept[start : start + size]
            chunk = [meta for meta, _, _ in part]
            ids = {item.id for item in chunk}
            for link in links:
                if link.label in ROLE_LABELS and (link.a in ids or link.b in ids):
                    for doc_id in (link.a, link.b):
                        known = fresh._relations.setdefault(doc_id, [])
                        if link not in known:
                            known.append(link)
            vectors_ = [v for _, _, v in part]
            embeddings = None if vectors_[0] is None else np.vstack(vectors_)  # type: ignore[arg-type]
            fresh._add_chunk(
                chunk, [t for _, t, _ in part], embeddings, [link for link in links if link.a in ids or link.b in ids]
            )
        pending, next_rebuild = self._pending, self._next_rebuild
        # Take over the fresh index's state wholesale (every field is rebuilt state),
        # then put back what the rebuild does not own.
        self.__dict__.update(fresh.__dict__)
        self._warm, self._warm_links, self._pending, self._next_rebuild = kept, links, pending, next_rebuild

    def _remember_story_link(self, link: Link) -> None:
        if link.label in STORY_LABELS - EVENT_LABELS and link.a != link.b:
            for doc_id, other in ((link.a, link.b), (link.b, link.a)):
                known = self._story_links.setdefault(doc_id, [])
                if other not in known:
                    known.append(other)

    def _link_existing(self, link: Link) -> None:
        self._remember_story_link(link)
        a, b = self._docs[link.a].event, self._docs[link.b].event
        sa, sb = self._events[a].story, self._events[b].story
        if sa != sb:
            self._merge_stories(min(sa, sb), max(sa, sb))
        if link.label in EVENT_LABELS and a != b:
            self._merge_events(min(a, b), max(a, b))

    def _add_chunk(
        self, chunk: list[StoryInput], terms: list[Terms], embeddings: np.ndarray | None, links: list[Link]
    ) -> None:
        config = self.config
        for link in links:
            self._remember_story_link(link)
        for doc in terms:
            for ids in doc.buckets:
                self._df[ids] += 1
        self._n_docs += len(chunk)
        matrix, dense = vectors(terms, self._df, self._n_docs, config, embeddings)
        local = _in_space(matrix, np.unique(matrix.indices))
        gram = (local @ local.T).toarray()
        if dense is not None:
            gram += dense @ dense.T
        days = np.array([_day(item.date) for item in chunk])
        norms = _channel_norms(matrix, config.hash_bits)
        self._absorb(
            self._mean,
            list(range(len(chunk))),
            matrix,
            dense,
            days,
            norms,
            keep=MEAN_TERMS_FACTOR * config.centroid_terms,
        )
        centring = self._centring(matrix, dense)
        position = {item.id: i for i, item in enumerate(chunk)}

        # Story level.
        story_units = _units(len(chunk), position, links, STORY_LABELS)
        forced_stories = self._forced(story_units, chunk, links, STORY_LABELS, story_level=True)
        candidates = self._candidates(matrix, forced_stories.values())
        problem = self._problem(
            [self._stories[s] for s in candidates],
            matrix,
            dense,
            gram,
            days,
            story_units,
            forced_stories,
            candidates,
            centring,
            list(range(len(chunk))),
        )
        story_rule = Rule(
            config.story_threshold,
            config.story_window_days,
            config.story_scale_days,
            config.refine_rounds,
            config.story_threshold * config.seed_factor,
        )
        solution = solve(problem, story_rule)
        for gone, keep in sorted(solution.absorbed.items()):
            self._merge_stories(candidates[_root(solution.absorbed, keep)], candidates[gone])
        story_of = self._resolve(solution, candidates, chunk, self._new_story)

        # Event level, story by story (in order of their first new document).
        for story_id in dict.fromkeys(story_of):
            rows = [i for i, s in enumerate(story_of) if s == story_id]
            self._add_events(story_id, rows, chunk, matrix, dense, gram, days, norms, links, centring)

        # Story sums, spans and postings.
        for story_id in dict.fromkeys(story_of):
            rows = [i for i, s in enumerate(story_of) if s == story_id]
            self._absorb(self._stories[story_id], rows, matrix, dense, days, norms)
            self._rekey(story_id)

        # Stories whose events disagree on their specifics are regrouped from their events.
        for story_id in dict.fromkeys(story_of):
            self._split_conflicting(story_id, centring)

    def _split_conflicting(self, story_id: int, centring: _Centring) -> None:
        """Regroup a story's events when their specifics break a link (see ``link``);
        each group becomes a story, the one holding the story's first document keeps it."""
        config = self.config
        story = self._stories[story_id]
        event_ids = list(story.members)
        if config.story_specifics_floor <= 0.0 or not 2 <= len(event_ids) <= MAX_CHECKED_EVENTS:
            return
        clusters = [self._events[e] for e in event_ids]
        # A disagreement needs two events each with ``min_docs`` documents carrying a channel.
        judged = np.array([c.carriers[list(SPECIFICS_CHANNELS)] >= config.story_specifics_min_docs for c in clusters])
        if not np.any(judged.sum(axis=0) >= 2):
            return
        with_embedding = None if self._embedding_dim is None else np.zeros((0, self._embedding_dim))
        sums, vocab, sums_dense = _stack(clusters, with_embedding)
        size = np.array([c.size for c in clusters], dtype=np.float64)
        gram = (sums @ sums.T).toarray()
        if sums_dense is not None:
            gram += sums_dense @ sums_dense.T
        c = _mean_products(centring, sums, vocab, sums_dense)
        channels = []
        for channel in SPECIFICS_CHANNELS:
            part = sums[:, np.flatnonzero((vocab >> config.hash_bits) == channel)]
            channels.append(
                ChannelSums(
                    (part @ part.T).toarray(),
                    np.array([cl.mass[channel] for cl in clusters], dtype=np.float64),
                    np.array([cl.carriers[channel] for cl in clusters], dtype=np.float64),
                )
            )
        position = {e: i for i, e in enumerate(event_ids)}
        together = [
            [position[self._docs[doc_id].event], position[self._docs[other].event]]
            for e in event_ids
            for doc_id in self._events[e].members
            for other in self._story_links.get(doc_id, ())
            if other in self._docs and self._docs[other].event in position
        ]
        events = StoryEvents(
            gram=_centred_gram(gram, size, c, centring),
            size=size,
            first=np.array([cl.first for cl in clusters], dtype=np.float64),
            last=np.array([cl.last for cl in clusters], dtype=np.float64),
            channels=channels,
            together=together,
        )
        linkage = Linkage(
            config.story_threshold,
            config.story_window_days,
            config.story_scale_days,
            config.story_specifics_floor,
            config.story_specifics_min_docs,
        )
        if not conflicting(events, linkage):
            return
        labels = regroup(events, linkage).tolist()
        if len(set(labels)) == 1:
            return
        seed_event = self._docs[story.seed].event if story.seed in self._docs else -1
        keep = labels[position[seed_event]] if seed_event in position else labels[0]
        for label in dict.fromkeys(labels):
            members = [e for e, lab in zip(event_ids, labels, strict=True) if lab == label]
            if label == keep:
                target_id = story_id
            else:
                first_doc = min((d for e in members for d in self._events[e].members), key=lambda d: self._docs[d].seq)
                target_id = self._new_story(first_doc)
            self._rebuild_story(target_id, members)

    def _rebuild_story(self, story_id: int, event_ids: list[int]) -> None:
        """Make a story the sum of the given events (after a split)."""
        story = self._stories[story_id]
        story.idx, story.val, story.dense = np.zeros(0, dtype=np.int64), np.zeros(0), None
        story.size, story.first, story.last = 0, np.nan, np.nan
        story.mass, story.carriers = np.zeros(TEXT_CHANNELS), np.zeros(TEXT_CHANNELS)
        story.members = list(event_ids)
        for event_id in event_ids:
            _add_sums(story, self._events[event_id])
            self._events[event_id].story = story_id
        self._prune(story)
        self._rekey(story_id)

    def _add_events(
        self,
        story_id: int,
        rows: list[int],
        chunk: list[StoryInput],
        matrix: sp.csr_matrix,
        dense: np.ndarray | None,
        gram: np.ndarray,
        days: np.ndarray,
        norms: np.ndarray,
        links: list[Link],
        centring: _Centring,
    ) -> None:
        config = self.config
        sub_chunk = [chunk[i] for i in rows]
        position = {item.id: i for i, item in enumerate(sub_chunk)}
        sub_links = [link for link in links if link.a in position or link.b in position]
        units = _units(len(rows), position, sub_links, EVENT_LABELS)
        forced = self._forced(units, sub_chunk, sub_links, EVENT_LABELS, story_level=False)
        story = self._stories[story_id]
        events = list(story.members)
        sub_matrix = matrix[rows]
        sub_dense = dense[rows] if dense is not None else None
        events = self._cap(events, sub_matrix, sub_dense, forced.values())
        problem = self._problem(
            [self._events[e] for e in events],
            sub_matrix,
            sub_dense,
            gram[np.ix_(rows, rows)],
            days[rows],
            units,
            forced,
            events,
            centring,
            rows,
        )
        event_rule = Rule(
            config.event_threshold,
            config.event_window_days,
            config.event_scale_days,
            config.refine_rounds,
            config.event_threshold * config.seed_factor,
        )
        solution = solve(problem, event_rule)
        for gone, keep in sorted(solution.absorbed.items()):
            self._merge_events(events[_root(solution.absorbed, keep)], events[gone])

        def new_event(seed: str) -> int:
            del seed  # events have no ids of their own outside the index
            event_id = self._next_event
            self._next_event += 1
            self._events[event_id] = _Cluster(
                idx=np.zeros(0, dtype=np.int64), val=np.zeros(0), dense=None, size=0, first=np.nan, last=np.nan
            )
            self._events[event_id].story = story_id
            story.members.append(event_id)
            return event_id

        event_of = self._resolve(solution, events, sub_chunk, new_event)
        for event_id in dict.fromkeys(event_of):
            local = [i for i, e in enumerate(event_of) if e == event_id]
            event = self._events[event_id]
            self._absorb(event, local, sub_matrix, sub_dense, days[rows], norms[rows])
            for i in local:
                item = sub_chunk[i]
                title = item.title[: config.max_title_chars] if item.title else None
                self._docs[item.id] = _Doc(len(self._docs), title, item.date, item.outlet, event_id)
                event.members.append(item.id)

    def _embeddings(self, chunk: list[StoryInput]) -> np.ndarray | None:
        if self._embed is None:
            return None
        values = np.asarray(self._embed(chunk), dtype=np.float64)
        if values.ndim != 2 or values.shape[0] != len(chunk):
            raise ValueError(f"embed returned shape {values.shape}, expected ({len(chunk)}, dim)")
        if self._embedding_dim is None:
            self._embedding_dim = values.shape[1]
        elif values.shape[1] != self._embedding_dim:
            raise ValueError(f"embed returned width {values.shape[1]}, the index holds width {self._embedding_dim}")
        return values

    def _forced(
        self,
        units: list[list[int]],
        chunk: list[StoryInput],
        links: list[Link],
        labels: frozenset[str],
        *,
        story_level: bool,
    ) -> dict[int, int]:
        """Each unit linked to documents already indexed must join their cluster; when
        they lie in several clusters, those merge first (the links say they are one)."""
        unit_of = {chunk[d].id: u for u, docs in enumerate(units) for d in docs}
        targets: dict[int, list[str]] = {}  # unit -> indexed documents it is linked to
        for link in links:
            if link.label not in labels:
                continue
            for new, old in ((link.a, link.b), (link.b, link.a)):
                if new in unit_of and old in self._docs:
                    targets.setdefault(unit_of[new], []).append(old)

        def cluster_of(doc_id: str) -> int:
            event = self._docs[doc_id].event
            return self._events[event].story if story_level else event

        merge = self._merge_stories if story_level else self._merge_events
        for unit in sorted(targets):
            clusters = sorted({cluster_of(d) for d in targets[unit]})
            for other in clusters[1:]:
                merge(clusters[0], other)
        # Looked up after all merges: a later unit may have merged an earlier one's target.
        return {unit: cluster_of(targets[unit][0]) for unit in sorted(targets)}

    def _candidates(self, matrix: sp.csr_matrix, forced: Iterable[int]) -> list[int]:
        """Stories worth comparing with the chunk: those sharing heavy features with its
        documents (inverted index), best first per document, capped; plus forced ones."""
        config = self.config
        best: dict[int, float] = {s: np.inf for s in forced}
        for row in range(matrix.shape[0]):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            ids, values = matrix.indices[start:end], matrix.data[start:end]
            top = np.argsort(-values, kind="stable")[: config.query_features]
            scores: dict[int, float] = {}
            for feature, value in zip(ids[top].tolist(), values[top].tolist(), strict=True):
                for story in self._postings.get(feature, ()):
                    scores[story] = scores.get(story, 0.0) + value
            ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[: config.max_candidates]
            for story, score in ranked:
                best[story] = max(best.get(story, 0.0), score)
        cap = CANDIDATES_PER_CHUNK_DOC * max(matrix.shape[0], 1)
        chosen = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:cap]
        return sorted(s for s, _ in chosen)

    def _cap(
        self, events: list[int], matrix: sp.csr_matrix, dense: np.ndarray | None, forced: Iterable[int]
    ) -> list[int]:
        """A story's events, or, for a story with very many, those closest to the chunk."""
        cap = CANDIDATES_PER_CHUNK_DOC * max(matrix.shape[0], 1)
        if len(events) <= cap:
            return events
        sums, vocab, sums_dense = _stack([self._events[e] for e in events], dense)
        closeness = (_in_space(matrix, vocab) @ sums.T).toarray().max(axis=0)
        if dense is not None and sums_dense is not None:
            closeness = np.maximum(closeness, (dense @ sums_dense.T).max(axis=0))
        keep = set(np.argsort(-closeness, kind="stable")[:cap].tolist())
        must = set(forced)
        return [e for i, e in enumerate(events) if i in keep or e in must]

    def _problem(
        self,
        clusters: list[_Cluster],
        matrix: sp.csr_matrix,
        dense: np.ndarray | None,
        gram: np.ndarray,
        days: np.ndarray,
        units: list[list[int]],
        forced: dict[int, int],
        ids: list[int],
        centring: _Centring,
        rows: list[int],
    ) -> Problem:
        """The solver's input: dot products among the chunk documents ``rows`` (their
        vectors are ``matrix``/``dense``) and the ``clusters``, centred."""
        sums, vocab, sums_dense = _stack(clusters, dense)
        cross = (_in_space(matrix, vocab) @ sums.T).toarray()
        base_gram = (sums @ sums.T).toarray()
        if dense is not None and sums_dense is not None:
            cross += dense @ sums_dense.T
            base_gram += sums_dense @ sums_dense.T
        slot = {cluster_id: k for k, cluster_id in enumerate(ids)}
        problem = Problem(
            gram=gram,
            cross=cross,
            base_gram=base_gram,
            base_size=np.array([c.size for c in clusters], dtype=np.float64),
            base_first=np.array([c.first for c in clusters], dtype=np.float64),
            base_last=np.array([c.last for c in clusters], dtype=np.float64),
            day=days,
            units=units,
            forced={u: slot[c] for u, c in forced.items()},
        )
        return self._centre(centring, rows, problem, sums, vocab, sums_dense)

    def _centring(self, matrix: sp.csr_matrix, dense: np.ndarray | None) -> _Centring:
        """The mean document vector and its products with a chunk's documents, once per chunk."""
        mean = self._mean
        n = max(mean.size, 1)
        mu_val = mean.val / n
        a = _in_space(matrix, mean.idx) @ mu_val  # x · m per document
        q = float((mu_val * mu_val).sum())  # not BLAS: its threads cost more than this sum
        mu_dense = None
        if dense is not None and mean.dense is not None:
            mu_dense = mean.dense / n
            a = a + dense @ mu_dense
            q += float((mu_dense * mu_dense).sum())
        beta = mean.size / (mean.size + self.config.centring_prior_docs) if mean.size else 0.0
        return _Centring(beta=beta, idx=mean.idx, val=mu_val, dense=mu_dense, doc=a, norm2=q)

    def _centre(
        self,
        centring: _Centring,
        rows: list[int],
        problem: Problem,
        sums: sp.csr_matrix,
        vocab: np.ndarray,
        sums_dense: np.ndarray | None,
    ) -> Problem:
        """The problem's dot products for vectors minus ``beta`` times the mean document vector.

        Long articles share many middling words with any large cluster, so a cluster
        mixing several stories keeps attracting more (chaining). Subtracting the mean
        removes that common part; it is exact for the current mean because
        ``(x - m)·(S - n m) = x·S - n x·m - S·m + n m·m``. ``beta = N / (N + prior)``:
        in a handful of documents the mean is the story itself, not the background.
        """
        beta, q, size = centring.beta, centring.norm2, problem.base_size
        a = centring.doc[rows]
        c = _mean_products(centring, sums, vocab, sums_dense)
        return replace(
            problem,
            gram=problem.gram - beta * (a[:, None] + a[None, :]) + beta * beta * q,
            cross=problem.cross - beta * (size[None, :] * a[:, None] + c[None, :]) + beta * beta * q * size[None, :],
            base_gram=_centred_gram(problem.base_gram, size, c, centring),
        )

    def _resolve(self, solution: Solution, ids: list[int], chunk: list[StoryInput], new: Any) -> list[int]:
        """Cluster id of each chunk document: existing ones through merges, new ones created in order."""
        created: dict[int, int] = {}
        out: list[int] = []
        for label in solution.labels.tolist():
            if label < len(ids):
                out.append(ids[_root(solution.absorbed, label)])
            else:
                if label not in created:
                    created[label] = new(chunk[len(out)].id)
                out.append(created[label])
        return out

    def _new_story(self, seed: str) -> int:
        story_id = self._next_story
        self._next_story += 1
        self._stories[story_id] = _Cluster(
            idx=np.zeros(0, dtype=np.int64), val=np.zeros(0), dense=None, size=0, first=np.nan, last=np.nan, seed=seed
        )
        return story_id

    def _absorb(
        self,
        cluster: _Cluster,
        rows: list[int],
        matrix: sp.csr_matrix,
        dense: np.ndarray | None,
        days: np.ndarray,
        norms: np.ndarray,
        keep: int = 0,
    ) -> None:
        """Add documents' vectors, count, dates and channel norms (``_channel_norms`` of
        ``matrix``) to a cluster's sums."""
        added_idx, added_val = _row_sum(matrix, rows)
        idx = np.concatenate([cluster.idx, added_idx])
        val = np.concatenate([cluster.val, added_val])
        unique, inverse = np.unique(idx, return_inverse=True)
        cluster.idx, cluster.val = unique, np.bincount(inverse, weights=val)
        if dense is not None:
            extra = dense[rows].sum(axis=0)
            cluster.dense = extra if cluster.dense is None else cluster.dense + extra
        cluster.size += len(rows)
        cluster.mass = cluster.mass + norms[rows].sum(axis=0)
        cluster.carriers = cluster.carriers + (norms[rows] > 0).sum(axis=0)
        dated = days[rows][~np.isnan(days[rows])]
        if len(dated):
            cluster.first = float(np.fmin(cluster.first, dated.min()))
            cluster.last = float(np.fmax(cluster.last, dated.max()))
        self._prune(cluster, keep)

    def _prune(self, cluster: _Cluster, keep: int = 0) -> None:
        keep = keep or self.config.centroid_terms
        if len(cluster.idx) > 2 * keep:
            top = np.sort(np.argsort(-np.abs(cluster.val), kind="stable")[:keep])
            cluster.idx, cluster.val = cluster.idx[top], cluster.val[top]

    def _rekey(self, story_id: int) -> None:
        """Re-index a story under its heaviest features, as the most recently updated."""
        story = self._stories[story_id]
        for feature in story.keys.tolist():
            posting = self._postings.get(feature)
            if posting is not None:
                posting.pop(story_id, None)
                if not posting:
                    del self._postings[feature]
        top = np.argsort(-story.val, kind="stable")[: self.config.key_features]
        story.keys = np.sort(story.idx[top])
        for feature in story.keys.tolist():
            posting = self._postings.setdefault(feature, {})
            posting[story_id] = None
            if len(posting) > self.config.posting_cap:
                del posting[next(iter(posting))]

    # -- merging -----------------------------------------------------------------------
    def _merge_events(self, keep: int, gone: int) -> None:
        kept, lost = self._events[keep], self._events.pop(gone)
        _add_sums(kept, lost)
        kept.members.extend(lost.members)
        for doc_id in lost.members:
            self._docs[doc_id].event = keep
        self._stories[lost.story].members.remove(gone)
        self._prune(kept)

    def _merge_stories(self, keep: int, gone: int) -> None:
        kept, lost = self._stories[keep], self._stories.pop(gone)
        _add_sums(kept, lost)
        for event_id in lost.members:
            self._events[event_id].story = keep
        kept.members.extend(lost.members)
        for feature in lost.keys.tolist():
            posting = self._postings.get(feature)
            if posting is not None:
                posting.pop(gone, None)
                if not posting:
                    del self._postings[feature]
        self._prune(kept)
        self._rekey(keep)

    # -- reading -----------------------------------------------------------------------
    def story_of(self, doc_id: str) -> str | None:
        """The id of the story holding a document, or ``None`` if it is not indexed."""
        doc = self._docs.get(doc_id)
        if doc is None:
            return None
        return _story_key(self._stories[self._events[doc.event].story].seed)

    def stories(self) -> list[Story]:
        """Every story, in the order they were opened; ids derive from the document that
        opened each story, so they stay put as documents are added."""
        out: list[Story] = []
        for story in self._stories.values():
            events = [[d for d in self._events[e].members] for e in story.members]
            docs = {d: self._info(d) for event in events for d in event}
            title = self._title(list(docs.values()))
            out.append(build_story(_story_key(story.seed), title, events, docs, self._relations))
        return out

    def _info(self, doc_id: str) -> DocInfo:
        doc = self._docs[doc_id]
        return DocInfo(doc_id, doc.seq, doc.title, doc.date, doc.outlet)

    def _title(self, docs: list[DocInfo]) -> str | None:
        """The headline most like the story's other headlines (TF-IDF cosine with their
        sum, current weights), so it depends on the documents, not the order they came
        in; ties go to the earliest added."""
        titled = sorted((d for d in docs if d.title), key=lambda d: d.seq)
        if len(titled) <= 1:
            return titled[0].title if titled else None
        vectors_ = [title_vector(d.title or "", self._df, self._n_docs, self.config) for d in titled]
        total: dict[int, float] = {}
        for ids, weights in vectors_:
            for i, w in zip(ids.tolist(), weights.tolist(), strict=True):
                total[i] = total.get(i, 0.0) + w
        best, best_score = titled[0].title, -np.inf
        for doc, (ids, weights) in zip(titled, vectors_, strict=True):
            score = sum(w * (total[i] - w) for i, w in zip(ids.tolist(), weights.tolist(), strict=True))
            if score > best_score + 1e-12:
                best, best_score = doc.title, score
        return best

    # -- persistence -------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The whole state, deterministic bytes (zlib-compressed JSON with base64 arrays)."""
        nonzero = np.flatnonzero(self._df)
        state = {
            "format": FORMAT,
            "version": VERSION,
            "config": self.config.to_dict(),
            "embedding_dim": self._embedding_dim,
            "n_docs": self._n_docs,
            "next": [self._next_event, self._next_story],
            "df": [_b64(nonzero.astype(np.int64)), _b64(self._df[nonzero].astype(np.int64))],
            "docs": [[k, d.seq, d.title, d.date, d.outlet, d.event] for k, d in self._docs.items()],
            "events": [[k, *_cluster_state(c)] for k, c in self._events.items()],
            "stories": [[k, *_cluster_state(c)] for k, c in self._stories.items()],
            "mean": _cluster_state(self._mean),
            "postings": [[f, list(p)] for f, p in self._postings.items()],
            "relations": [[k, [list(link) for link in v]] for k, v in self._relations.items()],
            "story_links": [[k, v] for k, v in self._story_links.items()],
            "pending": [list(link) for link in self._pending],
            "warm": None if self._warm is None else [_warm_state(entry) for entry in self._warm],
            "warm_links": [list(link) for link in self._warm_links],
            "next_rebuild": self._next_rebuild,
        }
        text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        return zlib.compress(text.encode("utf-8"), 6)

    @classmethod
    def from_bytes(cls, data: bytes, *, embed: DocVectorFn | None = None) -> StoryIndex:
        """Restore an index saved by ``to_bytes`` (pass the same ``embed`` function)."""
        try:
            state = json.loads(zlib.decompress(data).decode("utf-8"))
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"not a saved story index: {error}") from None
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise ValueError("not a saved story index")
        if state.get("version") not in READABLE_VERSIONS:
            raise ValueError(f"saved story index version {state.get('version')} is not supported (want {VERSION})")
        if (state["embedding_dim"] is not None) != (embed is not None):
            raise ValueError(
                "the saved index was built with an embed function: pass the same one"
                if embed is None
                else "the saved index was built without an embed function"
            )
        index = cls(StoryConfig.from_dict(state["config"]), embed=embed)
        index._embedding_dim = state["embedding_dim"]
        index._n_docs = state["n_docs"]
        index._next_event, index._next_story = state["next"]
        index._df[_unb64(state["df"][0], np.int64)] = _unb64(state["df"][1], np.int64)
        for doc_id, seq, title, date, outlet, event in state["docs"]:
            index._docs[doc_id] = _Doc(seq, title, date, outlet, event)
        for key, *rest in state["events"]:
            index._events[key] = _cluster_from(rest)
        for key, *rest in state["stories"]:
            index._stories[key] = _cluster_from(rest)
        index._mean = _cluster_from(state["mean"])
        for feature, stories in state["postings"]:
            index._postings[feature] = dict.fromkeys(stories)
        for doc_id, links in state["relations"]:
            index._relations[doc_id] = [Link(*link) for link in links]
        for doc_id, others in state.get("story_links", ()):
            index._story_links[doc_id] = list(others)
        index._pending = [Link(*link) for link in state["pending"]]
        index._warm = None if state["warm"] is None else [_warm_from(entry) for entry in state["warm"]]
        index._warm_links = [Link(*link) for link in state["warm_links"]]
        index._next_rebuild = state["next_rebuild"]
        return index


def build_stories(
    items: Sequence[StoryInput],
    pairs: Sequence[Pair] = (),
    config: StoryConfig = StoryConfig(),  # noqa: B008
    *,
    embed: DocVectorFn | None = None,
) -> list[Story]:
    """Stories and events of a set of documents in one go (a fresh ``StoryIndex``)."""
    index = StoryIndex(config, embed=embed)
    index.add(items, pairs)
    return index.stories()


# -- helpers ---------------------------------------------------------------------------
def _units(n: int, position: dict[str, int], links: list[Link], labels: frozenset[str]) -> list[list[int]]:
    """Must-link groups of a chunk's documents (union-find over links inside the chunk),
    ordered by their first document."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        if link.label in labels and link.a in position and link.b in position:
            ra, rb = find(position[link.a]), find(position[link.b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _mean_products(
    centring: _Centring, sums: sp.csr_matrix, vocab: np.ndarray, sums_dense: np.ndarray | None
) -> np.ndarray:
    """Each cluster sum's product with the mean document vector (``sums`` over ``vocab``)."""
    mu_idx = centring.idx
    pos = np.minimum(np.searchsorted(mu_idx, vocab), max(len(mu_idx) - 1, 0))
    mu_in = np.where(mu_idx[pos] == vocab, centring.val[pos], 0.0) if len(mu_idx) else np.zeros(len(vocab))
    c = sums @ mu_in  # S · m per cluster
    if sums_dense is not None and centring.dense is not None:
        c = c + sums_dense @ centring.dense
    return c


def _centred_gram(gram: np.ndarray, size: np.ndarray, c: np.ndarray, centring: _Centring) -> np.ndarray:
    """Products of cluster sums after subtracting ``beta`` times the mean from each member:
    ``(S_k - n_k b m)·(S_l - n_l b m)``, from ``S_k·S_l``, the sizes and ``c_k = S_k·m``."""
    beta, q = centring.beta, centring.norm2
    return (
        gram - beta * (size[None, :] * c[:, None] + size[:, None] * c[None, :]) + beta * beta * q * np.outer(size, size)
    )


def _channel_norms(matrix: sp.csr_matrix, bits: int) -> np.ndarray:
    """Per row and text channel, the norm of the row's part in that channel: (rows, channels)."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    cell = rows * TEXT_CHANNELS + np.minimum(matrix.indices >> bits, TEXT_CHANNELS - 1)
    squares = np.bincount(cell, weights=matrix.data * matrix.data, minlength=matrix.shape[0] * TEXT_CHANNELS)
    return np.sqrt(squares.reshape(matrix.shape[0], TEXT_CHANNELS))


def _root(absorbed: dict[int, int], slot: int) -> int:
    while slot in absorbed:
        slot = absorbed[slot]
    return slot


def _stack(clusters: list[_Cluster], dense: np.ndarray | None) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray | None]:
    """Clusters' sums as rows of a matrix over the features they use (``vocab``): scipy's
    products cost time in the number of columns, and the hashed space has millions."""
    idx = np.concatenate([c.idx for c in clusters]) if clusters else np.zeros(0, dtype=np.int64)
    val = np.concatenate([c.val for c in clusters]) if clusters else np.zeros(0)
    vocab = np.unique(idx)
    indptr = np.concatenate([[0], np.cumsum([len(c.idx) for c in clusters])]).astype(np.int64)
    sums = sp.csr_matrix((val, np.searchsorted(vocab, idx), indptr), shape=(len(clusters), len(vocab)))
    sums_dense = None
    if dense is not None:
        sums_dense = np.zeros((len(clusters), dense.shape[1]))
        for k, c in enumerate(clusters):
            if c.dense is not None:
                sums_dense[k] = c.dense
    return sums, vocab, sums_dense


def _in_space(matrix: sp.csr_matrix, vocab: np.ndarray) -> sp.csr_matrix:
    """The rows of ``matrix`` over the columns ``vocab`` (sorted feature ids); other features dropped."""
    if len(vocab) == 0:
        return sp.csr_matrix((matrix.shape[0], 0))
    pos = np.minimum(np.searchsorted(vocab, matrix.indices), len(vocab) - 1)
    keep = vocab[pos] == matrix.indices
    kept_before = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
    indptr = kept_before[matrix.indptr]  # rows may be empty (a document without words)
    return sp.csr_matrix((matrix.data[keep], pos[keep], indptr), shape=(matrix.shape[0], len(vocab)))


def _row_sum(matrix: sp.csr_matrix, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Sum of some rows as (sorted feature ids, values), without a dense row of the hashed width."""
    sub = matrix[rows]
    unique, inverse = np.unique(sub.indices, return_inverse=True)
    return unique.astype(np.int64), np.bincount(inverse, weights=sub.data, minlength=len(unique))


def _add_sums(kept: _Cluster, lost: _Cluster) -> None:
    idx = np.concatenate([kept.idx, lost.idx])
    val = np.concatenate([kept.val, lost.val])
    unique, inverse = np.unique(idx, return_inverse=True)
    kept.idx, kept.val = unique, np.bincount(inverse, weights=val)
    if lost.dense is not None:
        kept.dense = lost.dense.copy() if kept.dense is None else kept.dense + lost.dense
    kept.size += lost.size
    kept.mass = kept.mass + lost.mass
    kept.carriers = kept.carriers + lost.carriers
    kept.first = float(np.fmin(kept.first, lost.first))
    kept.last = float(np.fmax(kept.last, lost.last))


def _story_key(seed: str) -> str:
    return "story-" + xxhash.xxh3_64_hexdigest(seed.encode("utf-8"))


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).decode("ascii")


def _unb64(text: str, dtype: type) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)


def _num(value: float) -> float | None:
    return None if np.isnan(value) else value


def _cluster_state(c: _Cluster) -> list[Any]:
    return [
        _b64(c.idx.astype(np.int64)),
        _b64(c.val.astype(np.float64)),
        None if c.dense is None else _b64(c.dense.astype(np.float64)),
        c.size,
        _num(c.first),
        _num(c.last),
        c.members,
        c.story,
        c.seed,
        _b64(c.keys.astype(np.int64)),
        _b64(c.mass.astype(np.float64)),
        _b64(c.carriers.astype(np.float64)),
    ]


def _warm_state(entry: tuple[StoryInput, Terms, np.ndarray | None]) -> list[Any]:
    meta, terms, vector = entry
    return [
        [meta.id, meta.title, meta.date, meta.outlet],
        [_b64(b.astype(np.int64)) for b in terms.buckets],
        [_b64(c.astype(np.float64)) for c in terms.counts],
        None if vector is None else _b64(vector.astype(np.float64)),
    ]


def _warm_from(state: list[Any]) -> tuple[StoryInput, Terms, np.ndarray | None]:
    (doc_id, title, date, outlet), buckets, counts, vector = state
    terms = Terms(tuple(_unb64(b, np.int64) for b in buckets), tuple(_unb64(c, np.float64) for c in counts))
    return StoryInput(doc_id, title, date, outlet), terms, None if vector is None else _unb64(vector, np.float64)


def _cluster_from(rest: list[Any]) -> _Cluster:
    idx, val, dense, size, first, last, members, story, seed, keys = rest[:10]
    # Version 1 states have neither masses nor carriers: their clusters show no specifics.
    mass = _unb64(rest[10], np.float64) if len(rest) > 10 else np.zeros(TEXT_CHANNELS)
    carriers = _unb64(rest[11], np.float64) if len(rest) > 11 else np.zeros(TEXT_CHANNELS)
    return _Cluster(
        idx=_unb64(idx, np.int64),
        val=_unb64(val, np.float64),
        dense=None if dense is None else _unb64(dense, np.float64),
        size=size,
        first=np.nan if first is None else first,
        last=np.nan if last is None else last,
        members=list(members),
        story=story,
        seed=seed,
        keys=_unb64(keys, np.int64),
        mass=mass,
        carriers=carriers,
    )
