"""The data model: every record that crosses a stage boundary.

All character offsets are half-open ``[start, end)`` indices into a document's
raw text exactly as it was read (``Document.text``), so every finding can be
shown in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

RelationLabel = Literal["duplicate", "reprint", "rewrite", "partial", "same_story"]
PassageKind = Literal["verbatim", "edited", "reworded"]
TimelineRole = Literal["first", "copy", "rewrite", "report"]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` of a raw text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def as_list(self) -> list[int]:
        return [self.start, self.end]


def ordered_body(raw: str, body: Sequence[Span]) -> list[Span]:
    """Body spans in text order, checked to lie inside ``raw`` without overlapping."""
    out = sorted(body)
    previous_end = 0
    for span in out:
        if span.end > len(raw):
            raise ValueError(f"body span [{span.start}, {span.end}) is outside the text ({len(raw)} chars)")
        if span.start < previous_end:
            raise ValueError(f"body spans overlap at [{span.start}, {span.end})")
        previous_end = span.end
    return out


@dataclass(frozen=True, slots=True)
class Document:
    """One article as read: its raw text and whatever metadata the input carried.

    ``location`` says where in ``path`` the record came from ("line 12",
    "record 3", a WARC record's target URI), or is empty for one-document files.
    """

    id: str
    text: str
    path: str
    location: str = ""
    title: str | None = None
    date: str | None = None
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """A span of the raw text that is not the article, with the rule that found it."""

    span: Span
    reason: str


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """What cleaning found in one document.

    ``body`` lists the spans of main text (the complement of ``boilerplate``
    within the text, trimmed of blank space), in order. Later stages look only
    at ``body``.
    """

    doc_id: str
    body: tuple[Span, ...]
    boilerplate: tuple[Boilerplate, ...]
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    byline: str | None = None

    def body_text(self, raw: str, separator: str = "\n") -> str:
        return separator.join(raw[s.start : s.end] for s in self.body)


@dataclass(frozen=True, slots=True)
class Passage:
    """Text shared by the two documents of a pair: where it lies in each, how it was reused."""

    a_span: Span
    b_span: Span
    kind: PassageKind
    score: float


@dataclass(frozen=True, slots=True)
class PairScores:
    """Similarity measures of a pair, each in [0, 1]."""

    jaccard: float
    containment_a: float  # share of a's shingles found in b
    containment_b: float  # share of b's shingles found in a
    aligned_a: float = 0.0  # share of a's body characters covered by passages
    aligned_b: float = 0.0


@dataclass(frozen=True, slots=True)
class Pair:
    """A related pair with its label, direction and the evidence for both.

    ``a < b`` always; ``source`` is the id of the document the other derives
    from, or ``None`` when the evidence does not tell.
    """

    a: str
    b: str
    label: RelationLabel
    scores: PairScores
    passages: tuple[Passage, ...] = ()
    source: str | None = None
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryInput:
    """One document as story grouping sees it.

    ``date`` is ISO 8601 (only the ``YYYY-MM-DD`` part is used) or ``None``; ``text``
    is the body after cleaning (boilerplate removed), headline excluded.
    """

    id: str
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    doc: str
    date: str | None
    outlet: str | None
    event: int
    role: TimelineRole


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str | None
    documents: tuple[str, ...]
    events: tuple[tuple[str, ...], ...]
    first: str | None
    dates: tuple[str | None, str | None] = (None, None)
    timeline: tuple[TimelineEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteMention:
    """One quotation as it appears in one document.

    ``span`` covers the quoted words in the raw text, quotation marks excluded (for a
    quotation over several paragraphs, from the first quoted word to the last, the
    inner paragraphs' opening marks included). ``text`` is the quoted words with
    white space collapsed and paragraphs joined by a space. ``speaker`` is the
    resolved full name or organisation (or a description such as "a Pentagon
    official" when nothing names it), None when no speaker was found;
    ``speaker_span`` is the mention as written next to the quotation ("he",
    "McNulty", "the statement") and ``cue`` the reporting verb.
    """

    doc: str
    span: Span
    text: str
    speaker: str | None = None
    speaker_span: Span | None = None
    cue: Span | None = None


@dataclass(frozen=True, slots=True)
class QuoteOccurrence:
    doc: str
    span: Span
    text: str
    speaker: str | None
    altered: bool = False
    diff: tuple[tuple[str, str], ...] = ()  # (op, words) with op in "=", "+", "-"


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    speaker: str | None
    text: str
    occurrences: tuple[QuoteOccurrence, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input record that could not be used, and why."""

    path: str
    location: str
    reason: str

    def message(self) -> str:
        where = f"{self.path}:{self.location}" if self.location else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Cluster:
    """One dedup record: a document, its cluster and how close it is to the cluster's representative."""

    id: str
    cluster: str
    representative: str
    similarity: float


@dataclass(slots=True)
class RunSummary:
    """Counts of one run, for the closing summary and ``--json``."""

    read: int = 0
    new: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    documents: int = 0
    pairs: int = 0
    clusters: int = 0
    seconds: float = 0.0
    labels: dict[str, int] = field(default_factory=dict)
