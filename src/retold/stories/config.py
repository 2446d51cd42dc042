"""Parameters of story and event grouping, validated once.

Similarities are cosines between a document's vector and a cluster's centroid, in
[0, 1]; thresholds below are on that scale after the time factor is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """How documents are grouped into stories and events.

    A document joins the story (event) whose centroid it is most similar to when that
    similarity reaches ``story_threshold`` (``event_threshold``); otherwise it opens a
    new one. The similarity is a weighted cosine over channels (body words, headline
    words, lead words, named entities, numbers and an optional plugged-in embedding),
    multiplied by a time factor that is 1 within ``*_window_days`` of the cluster's
    dates and decays exponentially with ``*_scale_days`` beyond.

    The defaults were chosen on the development halves of ECB+ and Google News and on
    the sample articles (``benchmarks/stories_*.py`` print the tables); see the module
    docstring of ``retold.stories`` for what is approximate.
    """

    # A story is one real-world thread: a low bar, because later reports of a thread
    # share its names and places but little wording (the samples' 003 and 004).
    story_threshold: float = 0.12
    # An event is one happening: most reports of it share names, numbers and wording;
    # two happenings of one kind (two quakes, two arrests) mostly stay below 0.3.
    event_threshold: float = 0.30
    # Two happenings of one kind share topic words (and often names) but mostly not their
    # numbers (tolls, ages, scores, dates): a story link between two events is scaled by
    # min(1, cosine / floor) of their numbers alone; 0 turns the check off (see ``link``).
    # ECB+ development: the same results for floors 0.4 to 0.5, more merges at 0.2-0.3.
    story_specifics_floor: float = 0.4
    # ... judged only between events with at least this many documents carrying numbers.
    story_specifics_min_docs: int = 3

    # Channel weights (relative): body words, headline, lead, entities, numbers,
    # and the plugged-in document embedding when one is given.
    body_weight: float = 1.0
    title_weight: float = 0.5
    lead_weight: float = 0.0
    entity_weight: float = 1.0
    number_weight: float = 1.5
    embedding_weight: float = 1.0
    lead_words: int = 60  # words of the body that form the lead channel

    # Time: a happening is reported over a few days; a thread runs for months.
    event_window_days: float = 4.0
    event_scale_days: float = 4.0
    story_window_days: float = 30.0
    story_scale_days: float = 90.0

    # Refinement: after the first pass, documents of a chunk are reassigned and
    # clusters merged, at most this many rounds (each round is cheap: a chunk's
    # documents against the clusters they touch).
    refine_rounds: int = 4
    # The first pass opens a cluster unless a document reaches ``seed_factor`` times
    # the threshold; merge rounds then join the small clusters best pair first, which
    # is less sensitive to input order than joining at the threshold on first sight.
    seed_factor: float = 2.0
    # Documents are vectorised and grouped this many at a time; ``add`` of a larger
    # batch is the same as adding its chunks one after the other.
    chunk_size: int = 512

    # Similarities are taken after subtracting beta times the mean document vector,
    # beta = N / (N + centring_prior_docs): full centring in a large corpus, little in
    # a handful of documents (where the mean is the story itself, not the background).
    centring_prior_docs: float = 50.0

    # Until the index holds this many documents it keeps their hashed features and
    # regroups them from scratch at 16, 32, 64, ... documents, so the first ones are
    # not left weighted by the few documents seen before them (0: never).
    warmup_docs: int = 512

    # Feature hashing: 2**hash_bits buckets per channel.
    hash_bits: int = 20
    # Candidate retrieval (keeps the cost per document flat as the index grows): a
    # document looks up its ``query_features`` heaviest features in an inverted index
    # of each story's ``key_features`` heaviest ones; a posting list keeps the
    # ``posting_cap`` stories updated last; at most ``max_candidates`` stories per
    # document are compared in full.
    query_features: int = 24
    key_features: int = 48
    posting_cap: int = 64
    max_candidates: int = 12
    # Centroids keep their ``centroid_terms`` heaviest features once they pass twice that.
    centroid_terms: int = 2048
    # Headlines longer than this are cut before they are kept (the index keeps no texts).
    max_title_chars: int = 300

    def __post_init__(self) -> None:
        for name in ("story_threshold", "event_threshold"):
            value = getattr(self, name)
            _require(0.0 < value < 1.0, f"{name} must be in (0, 1), got {value}")
        _require(
            self.story_threshold <= self.event_threshold,
            f"story_threshold ({self.story_threshold}) must not exceed event_threshold ({self.event_threshold}):"
            " an event lies inside a story",
        )
        _require(
            0.0 <= self.story_specifics_floor < 1.0,
            f"story_specifics_floor must be in [0, 1), got {self.story_specifics_floor}",
        )
        for name in (
            "body_weight",
            "title_weight",
            "lead_weight",
            "entity_weight",
            "number_weight",
            "embedding_weight",
        ):
            value = getattr(self, name)
            _require(value >= 0.0, f"{name} must be >= 0, got {value}")
        _require(
            self.body_weight + self.title_weight + self.lead_weight + self.entity_weight + self.number_weight > 0,
            "at least one text channel weight must be positive",
        )
        for name in ("event_window_days", "story_window_days"):
            value = getattr(self, name)
            _require(value >= 0.0, f"{name} must be >= 0, got {value}")
        for name in ("event_scale_days", "story_scale_days"):
            value = getattr(self, name)
            _require(value > 0.0, f"{name} must be > 0, got {value}")
        _require(1.0 <= self.seed_factor <= 3.0, f"seed_factor must be between 1 and 3, got {self.seed_factor}")
        _require(self.centring_prior_docs >= 0, f"centring_prior_docs must be >= 0, got {self.centring_prior_docs}")
        _require(0 <= self.warmup_docs <= 100_000, f"warmup_docs must be between 0 and 100000, got {self.warmup_docs}")
        _require(0 <= self.refine_rounds <= 50, f"refine_rounds must be between 0 and 50, got {self.refine_rounds}")
        _require(1 <= self.chunk_size <= 100_000, f"chunk_size must be between 1 and 100000, got {self.chunk_size}")
        _require(10 <= self.hash_bits <= 26, f"hash_bits must be between 10 and 26, got {self.hash_bits}")
        for name in (
            "story_specifics_min_docs",
            "lead_words",
            "query_features",
            "key_features",
            "posting_cap",
            "max_candidates",
        ):
            value = getattr(self, name)
            _require(value >= 1, f"{name} must be >= 1, got {value}")
        _require(self.centroid_terms >= 16, f"centroid_terms must be >= 16, got {self.centroid_terms}")
        _require(self.max_title_chars >= 16, f"max_title_chars must be >= 16, got {self.max_title_chars}")

    def to_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, float | int]) -> StoryConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        _require(not unknown, f"unknown StoryConfig fields: {', '.join(unknown)}")
        return cls(**data)  # type: ignore[arg-type]
