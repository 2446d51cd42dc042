"""One parameters object per algorithm; the CLI and the API both fill these.

Values are validated once, here, with messages that name the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """How records are read. Field names apply to JSONL, CSV and Parquet records."""

    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"
    date_field: str = "date"
    url_field: str = "url"
    outlet_field: str = "outlet"
    encoding: str = "utf-8"
    # A record larger than this is skipped with a message rather than loaded:
    # news articles are a few kB; a 100 MB "article" is a crawl accident.
    max_chars: int = 5_000_000

    def record_fields(self) -> tuple[str, ...]:
        """The fields a record may carry, without repeats (``byline``/``author`` by those names)."""
        fields = (self.text_field, self.id_field, self.title_field, self.date_field, self.url_field, self.outlet_field)
        return tuple(dict.fromkeys((*fields, "byline", "author")))

    def __post_init__(self) -> None:
        _require(self.max_chars > 0, f"max_chars must be positive, got {self.max_chars}")
        for name in ("text_field", "id_field"):
            _require(bool(getattr(self, name)), f"{name} must be a non-empty field name")


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Boilerplate detection. A line recurring in at least ``recurring_min_docs``
    documents, which share little else with each other, is corpus boilerplate."""

    recurring_min_docs: int = 3
    # Lines shorter than this (after normalisation) are too generic to count as recurring evidence.
    recurring_min_chars: int = 12
    # Lines longer than this many words are prose: when one recurs across unrelated
    # documents it is shared text (a wire paragraph, a statement everyone quotes), the
    # reuse retold reports, not furniture. Footers and prompts are shorter; with no cap,
    # 4,046 of 5,000 generated articles lost 29% of their text this way
    # (benchmarks/rewrite_scaling.py).
    recurring_max_words: int = 40
    # If most of the lines of the documents holding a recurring line are shared among
    # them too, they are copies of one article, not pages of one outlet.
    recurring_max_shared: float = 0.5

    def __post_init__(self) -> None:
        _require(self.recurring_min_docs >= 2, f"recurring_min_docs must be >= 2, got {self.recurring_min_docs}")
        _require(0 < self.recurring_max_shared <= 1, "recurring_max_shared must be in (0, 1]")
        _require(self.recurring_max_words >= 1, f"recurring_max_words must be >= 1, got {self.recurring_max_words}")


def optimal_bands(threshold: float, num_perm: int, fp_weight: float = 0.5) -> tuple[int, int]:
    """LSH ``(bands, rows)`` with ``bands * rows <= num_perm`` minimising the weighted
    false-positive and false-negative areas under the S-curve ``1 - (1 - s**r)**b``.

    The same criterion as datasketch's ``MinHashLSH``; integrals by the midpoint rule,
    every (bands, rows) at once; ties go to fewer bands, then fewer rows.
    """
    grid = 400
    candidates = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands = np.asarray([b for b, _ in candidates], dtype=np.float64)[:, None]
    rows = np.asarray([r for _, r in candidates], dtype=np.float64)[:, None]

    def midpoints(lo: float, hi: float) -> tuple[np.ndarray, float]:
        step = (hi - lo) / grid
        return lo + (np.arange(grid) + 0.5) * step, step

    below, step_below = midpoints(0.0, threshold)
    above, step_above = midpoints(threshold, 1.0)
    fp = (1 - (1 - below[None, :] ** rows) ** bands).sum(axis=1) * step_below
    fn = ((1 - above[None, :] ** rows) ** bands).sum(axis=1) * step_above
    error = fp_weight * fp + (1 - fp_weight) * fn
    best = int(np.argmin(error))
    return candidates[best]


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """MinHash + LSH near-duplicate detection, shared by every stage that needs it."""

    threshold: float = 0.8
    num_perm: int = 128
    ngram: int = 5
    seed: int = 1
    # Containment (share of the smaller text's shingles inside the larger) above which
    # a pair is a candidate reprint even when Jaccard is low.
    containment: float = 0.8
    # Weight of false positives against false negatives when choosing bands and rows;
    # below 0.5 favours recall, which verification by exact Jaccard makes cheap: at
    # 0.05 (16 bands of 8 rows) a pair at Jaccard 0.85 collides with probability 0.994.
    fp_weight: float = 0.05
    bands: int = field(default=0)
    rows: int = field(default=0)

    def __post_init__(self) -> None:
        _require(0.0 < self.threshold <= 1.0, f"threshold must be in (0, 1], got {self.threshold}")
        _require(0.0 < self.containment <= 1.0, f"containment must be in (0, 1], got {self.containment}")
        _require(8 <= self.num_perm <= 1024, f"num_perm must be between 8 and 1024, got {self.num_perm}")
        _require(1 <= self.ngram <= 20, f"ngram must be between 1 and 20, got {self.ngram}")
        if self.bands == 0 or self.rows == 0:
            bands, rows = _cached_bands(min(self.threshold, self.containment), self.num_perm, self.fp_weight)
            object.__setattr__(self, "bands", bands)
            object.__setattr__(self, "rows", rows)
        _require(
            self.bands * self.rows <= self.num_perm,
            f"bands * rows must be <= num_perm ({self.bands} * {self.rows} > {self.num_perm})",
        )


_BANDS_CACHE: dict[tuple[float, int, float], tuple[int, int]] = {}


def _cached_bands(threshold: float, num_perm: int, fp_weight: float) -> tuple[int, int]:
    # A pure function of its arguments, memoised because the search costs ~0.3 s.
    key = (round(threshold, 6), num_perm, round(fp_weight, 6))
    if key not in _BANDS_CACHE:
        _BANDS_CACHE[key] = optimal_bands(*key)
    return _BANDS_CACHE[key]


def collision_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two documents of this Jaccard share at least one LSH band."""
    return 1.0 - (1.0 - similarity**rows) ** bands


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs; the CLI and the API both build one of these."""

    read: ReadConfig = field(default_factory=ReadConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    # Documents per store transaction: a killed run loses at most this much work.
    batch_size: int = 500
    workers: int = 0  # 0: one per core
    # Sentence embeddings for reworded text ("static": the shipped model2vec model;
    # "minilm": all-MiniLM-L6-v2 with torch, the retold[minilm] extra).
    embedder: str = "static"
    # Each document's nearest neighbours by embedding become rewrite candidates.
    neighbours: int = 10
    min_neighbour_cosine: float = 0.5
    # A pair that only the embedding route proposes is aligned only when this share of
    # the shorter text's distinct content words is in the other too: embeddings place
    # every article on a topic near each other, and aligning them all took three
    # quarters of analyze's time (benchmarks/rewrite_scaling.py, 2,000 docs: 18,163
    # neighbour pairs, 4.8% related; unrelated pairs share 0.13 of their content words
    # at the median and 0.22 at the 99th percentile, planted rewrites 0.38 at the least).
    min_shared_content_words: float = 0.3
    # A candidate pair sharing fewer word 5-grams than this (and less than half of the
    # shorter text's) is aligned only when it passes the content-word test above.
    # Anchors sample one 5-gram in eight, so texts that share a couple of stock phrases
    # by chance become candidates, and their number grows with the square of the
    # corpus: on 30,000 generated articles 10,316 of 17,010 anchor pairs shared 2-4
    # 5-grams and none of 1,936 of them aligned into a related pair (related pairs
    # shared 5 and up); aligning them was most of the verify stage at 100,000.
    min_shared_shingles: int = 5

    def __post_init__(self) -> None:
        _require(self.batch_size >= 1, f"batch_size must be >= 1, got {self.batch_size}")
        _require(self.workers >= 0, f"workers must be >= 0, got {self.workers}")
        _require(self.embedder in ("static", "minilm"), f"embedder must be 'static' or 'minilm', got {self.embedder!r}")
        _require(self.neighbours >= 0, f"neighbours must be >= 0, got {self.neighbours}")
        _require(
            0.0 <= self.min_shared_content_words <= 1.0,
            f"min_shared_content_words must be in [0, 1], got {self.min_shared_content_words}",
        )
        _require(self.min_shared_shingles >= 0, f"min_shared_shingles must be >= 0, got {self.min_shared_shingles}")


__all__ = [
    "CleanConfig",
    "DedupConfig",
    "ReadConfig",
    "Settings",
    "collision_probability",
    "optimal_bands",
]
