"""retold: find where a news story is told again.

>>> import retold
>>> result = retold.analyze(["examples/seeds"], out="out")   # doctest: +SKIP
>>> clusters = retold.dedup(["corpus.jsonl"], out="clusters.parquet")   # doctest: +SKIP
"""

__version__ = "0.1.0"  # before the imports: the pipeline records it in stores

from .api import AnalysisResult, DedupResult, analyze, compare, dedup
from .config import CleanConfig, DedupConfig, ReadConfig, Settings
from .model import (
    Boilerplate,
    CleanDocument,
    Cluster,
    Document,
    Pair,
    PairScores,
    Passage,
    Quote,
    QuoteOccurrence,
    RunSummary,
    Skipped,
    Span,
    Story,
    StoryInput,
    TimelineEntry,
)
from .pipeline import Comparison
from .store import Store, StoreError

__all__ = [
    "AnalysisResult",
    "Boilerplate",
    "CleanConfig",
    "CleanDocument",
    "Cluster",
    "Comparison",
    "DedupConfig",
    "DedupResult",
    "Document",
    "Pair",
    "PairScores",
    "Passage",
    "Quote",
    "QuoteOccurrence",
    "ReadConfig",
    "RunSummary",
    "Settings",
    "Skipped",
    "Span",
    "Store",
    "StoreError",
    "Story",
    "StoryInput",
    "TimelineEntry",
    "analyze",
    "compare",
    "dedup",
]
