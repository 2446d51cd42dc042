"""Who said it: reporting cues, the speaker of each quotation, and who a mention stands for.

Reading happens on a *masked* copy of the text in which every quoted word is
replaced by ``_`` (offsets unchanged): names and verbs inside a quotation never
count as attribution, and sentence boundaries inside a quotation disappear.

A quotation gets its speaker from, in order:

1. a cue right after it: '"…," McNulty told Newsweek', '"…," said Mulgrew',
   '"…," according to the Defense Department', '"…" — Jane Doe';
2. the nearest cue before it in its sentence: 'He said that "…"', 'X, a spokesperson,
   tweeted, "…"', 'The statement voiced …, noting that "…"';
3. a cue later in its sentence;
4. the speaker of the previous quotation in the paragraph, or of the last quotation of
   the previous paragraph when this one opens a paragraph (a quotation continued
   after '"…," she said.').

Mentions are then resolved, in document order: a short name to the full name used
in the document ("McNulty" -> "Jessica McNulty"); "he"/"she" to the nearest named
person who spoke before (or was named before); "it", "the statement", "the readout"
to the nearest organisation before; "the commission" to the nearest organisation
whose name holds "commission". A description nothing resolves ("a Pentagon
official") is kept as written.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from retold.model import Span
from retold.quotes.lexicon import (
    DETERMINERS,
    INTRODUCTORY,
    OBJECT_MARKERS,
    ORGANISATION_CONNECTORS,
    ORGANISATION_HEADS,
    PARTICIPLES,
)
from retold.quotes.marks import QuoteRegion, paragraphs
from retold.quotes.phrases import (
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    Mention,
    Token,
    classify_run,
    is_cue,
    name_token,
    phrase_before,
    phrase_forward,
    tokenize,
)
from retold.sentences import sentences

MASK = "_"
# Markdown left in scraped text ("He [asserted](#) on Thursday", "**John Kirby**"):
# blanked in the masked copy so it does not split names from their verbs.
_MARKDOWN = re.compile(r"\]\([^)\s]*\)|[\[\]*]")
_TERMINATORS = ".!?…"
# What may stand between a closing mark and a following cue: '"…," he said', '"…" — Doe'.
_JOINING_GAP = re.compile(r"[\s,—–―-]*")
# After a quotation ending in a full stop, a new sentence starts; a cue there belongs to
# it unless the text plainly goes on ('"…." he said' with a lower-case word or a comma).
_GOES_ON = re.compile(r"\s*[,—–―-]|\s+[a-z]")

SpeakerKind = Literal["person", "organisation"]


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting verb (or "according to") and the phrase naming its speaker."""

    span: Span
    mention: Mention
    inverted: bool  # the speaker follows the verb


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a mention stands for: a name (or description) and, when known, its kind."""

    name: str | None
    kind: SpeakerKind | None


@dataclass(frozen=True, slots=True)
class Attribution:
    speaker: str | None
    speaker_span: Span | None
    cue: Span | None


@dataclass(frozen=True, slots=True)
class _Entity:
    name: str
    kind: SpeakerKind
    start: int
    subject: bool  # not the object of a preposition or of "told"
    words: int


@dataclass(slots=True)
class _Known:
    """Entities and resolved speakers seen so far, by position."""

    entities: list[_Entity] = field(default_factory=list)
    speakers: list[tuple[int, Resolved]] = field(default_factory=list)


def mask(raw: str, regions: Sequence[QuoteRegion]) -> str:
    """``raw`` with quoted words replaced by ``_`` (a quotation's final ``.?!`` kept, so
    sentences still end after it) and markdown link syntax blanked."""
    parts: list[str] = []
    pos = 0
    for region in regions:
        for piece in region.pieces:
            end = piece.end
            while end > piece.start and raw[end - 1] in _TERMINATORS:
                end -= 1
            parts.append(_MARKDOWN.sub(lambda m: " " * len(m.group()), raw[pos : piece.start]))
            parts.append(MASK * (end - piece.start))
            pos = end
    parts.append(_MARKDOWN.sub(lambda m: " " * len(m.group()), raw[pos:]))
    return "".join(parts)


def _sentence_subject(tokens: Sequence[Token], upto: int) -> Mention | None:
    """The subject opening a sentence, past an introductory phrase ("In response, …")."""
    i = 0
    while i < upto and tokens[i].kind != "word":
        i += 1
    if i < upto and (tokens[i].key in INTRODUCTORY or tokens[i].key.endswith("ing")):
        comma = next((k for k in range(i, upto) if tokens[k].text == ","), None)
        if comma is None:
            return None  # the sentence opens with the phrase that holds the cue
        i = comma + 1
    return phrase_forward(tokens, i, upto)


def _after_quotation(tokens: Sequence[Token], i: int) -> bool:
    k = i - 1
    if k >= 0 and tokens[k].text == ",":
        k -= 1
    return k >= 0 and tokens[k].kind in ("mark", "quote")


def find_cues(tokens: Sequence[Token]) -> list[Cue]:
    """Reporting cues of one sentence and their speaker phrases."""
    cues: list[Cue] = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        mention: Mention | None = None
        if tok.key == "according" and i + 1 < n and tokens[i + 1].key == "to":
            mention = phrase_forward(tokens, i + 2, n)
            if mention is not None:
                cues.append(Cue(Span(tok.start, tokens[i + 1].end), mention, True))
            continue
        if not is_cue(tok) or (i > 0 and (tokens[i - 1].key in DETERMINERS or tokens[i - 1].possessive)):
            continue  # "a warning", "his comments": a noun, not a verb
        span = Span(tok.start, tok.end)
        if _after_quotation(tokens, i) and (mention := phrase_forward(tokens, i + 1, n)) is not None:
            cues.append(Cue(span, mention, True))
            continue
        if tok.key in PARTICIPLES:
            mention = _sentence_subject(tokens, i) or phrase_before(tokens, i - 1, 0)
        else:
            mention = phrase_before(tokens, i - 1, 0)
        if mention is not None:
            cues.append(Cue(span, mention, False))
            continue
        # "…, says Smith." with no quotation right before.
        after = phrase_forward(tokens, i + 1, n)
        if after is not None and after.kind in ("person", "organisation"):
            cues.append(Cue(span, after, True))
    return cues


def _entities(tokens: Sequence[Token]) -> list[_Entity]:
    """Named people and organisations of one sentence."""
    out: list[_Entity] = []
    i = 0
    n = len(tokens)
    while i < n:
        if not name_token(tokens[i]):
            i += 1
            continue
        stop = i + 1
        while stop < n and (
            name_token(tokens[stop])
            or (
                tokens[stop].key in ORGANISATION_CONNECTORS
                and not tokens[stop].capitalised
                and stop + 1 < n
                and (name_token(tokens[stop + 1]) or tokens[stop + 1].key in ORGANISATION_CONNECTORS)
            )
        ):
            stop += 1
        run = list(tokens[i:stop])
        has_head = any(t.key in ORGANISATION_HEADS and t.capitalised for t in run)
        segments = [run] if has_head else _split_connectors(run)
        for segment in segments:
            found = classify_run(segment, "first")
            if found is None or found.kind not in ("person", "organisation"):
                continue
            before = i - 1
            if before >= 0 and tokens[before].key in ("the", "a", "an"):
                before -= 1
            subject = not (before >= 0 and tokens[before].key in OBJECT_MARKERS)
            kind: SpeakerKind = "person" if found.kind == "person" else "organisation"
            out.append(_Entity(_strip_article(found.text), kind, found.span.start, subject, len(found.text.split())))
        i = stop
    return out


def _split_connectors(run: list[Token]) -> list[list[Token]]:
    segments: list[list[Token]] = [[]]
    for tok in run:
        if tok.key in ORGANISATION_CONNECTORS and not tok.capitalised:
            segments.append([])
        else:
            segments[-1].append(tok)
    return [s for s in segments if s]


def _strip_article(name: str) -> str:
    for article in ("The ", "the "):
        if name.startswith(article):
            return name[len(article) :]
    return name


class Resolver:
    """Resolves mentions against what the document named before them."""

    def __init__(self, entities: Sequence[_Entity]) -> None:
        self._entities = sorted(entities, key=lambda e: e.start)
        self._starts = [e.start for e in self._entities]
        self._speakers: list[tuple[int, Resolved]] = []

    def remember(self, position: int, resolved: Resolved) -> None:
        self._speakers.append((position, resolved))

    def _before(self, position: int) -> list[_Entity]:
        return self._entities[: bisect.bisect_left(self._starts, position)]

    def full_name(self, name: str, position: int) -> str:
        """A short mention expanded to the fullest name in the document ending (or
        starting) with it: "McNulty" -> "Jessica McNulty"."""
        words = name.split()
        if len(words) > 2:
            return name
        key = words[-1].casefold()
        people = [e for e in self._entities if e.kind == "person" and e.words > len(words)]
        people += [
            _Entity(r.name, "person", p, True, len(r.name.split()))
            for p, r in self._speakers
            if r.kind == "person" and r.name and len(r.name.split()) > len(words)
        ]
        for pick in (lambda e: e.name.split()[-1].casefold() == key, lambda e: e.name.split()[0].casefold() == key):
            matches = [e for e in people if pick(e)]
            if matches:
                earlier = [e for e in matches if e.start < position]
                best = max(earlier, key=lambda e: e.start) if earlier else min(matches, key=lambda e: e.start)
                return best.name
        return name

    def _nearest(self, position: int, kind: SpeakerKind, subject_only: bool) -> tuple[int, str] | None:
        best: tuple[int, str] | None = None
        for p, r in self._speakers:
            if p < position and r.kind == kind and r.name and (best is None or p > best[0]):
                best = (p, r.name)
        for e in reversed(self._before(position)):
            if e.kind == kind and (e.subject or not subject_only) and (kind == "organisation" or e.words >= 2):
                if best is None or e.start > best[0]:
                    best = (e.start, e.name)
                break
        return best

    def _last_speaker(self, position: int, kind: SpeakerKind) -> str | None:
        for p, r in reversed(self._speakers):
            if p < position and r.kind == kind and r.name:
                return r.name
        return None

    def _organisation(self, position: int) -> str | None:
        found = self._nearest(position, "organisation", subject_only=True) or self._nearest(
            position, "organisation", subject_only=False
        )
        return found[1] if found else None

    def resolve(self, mention: Mention) -> Resolved:
        position = mention.span.start
        if mention.kind == "person":
            return Resolved(self.full_name(mention.text, position), "person")
        if mention.kind == "organisation":
            return Resolved(_strip_article(mention.text), "organisation")
        if mention.kind == "pronoun":
            if mention.text in PERSON_PRONOUNS:
                # A person who spoke before is the likelier antecedent than one merely named.
                name = self._last_speaker(position, "person")
                if name is None:
                    found = self._nearest(position, "person", subject_only=False)
                    name = found[1] if found else None
                return Resolved(name, "person" if name else None)
            if mention.text in GROUP_PRONOUNS and mention.text == "it":
                name = self._organisation(position)
                return Resolved(name, "organisation" if name else None)
            return Resolved(None, None)
        if mention.kind == "group":
            head = mention.head
            for e in reversed(self._before(position)):
                if e.kind == "organisation" and head in e.name.casefold().split():
                    return Resolved(e.name, "organisation")
            for p, r in reversed(self._speakers):
                if p < position and r.kind == "organisation" and r.name and head in r.name.casefold().split():
                    return Resolved(r.name, "organisation")
            return Resolved(mention.text, None)
        if mention.kind == "document":
            name = self._organisation(position)
            return Resolved(name, "organisation") if name else Resolved(mention.text, None)
        return Resolved(mention.text, None)


@dataclass(slots=True)
class _Reading:
    """A document's masked text cut into sentences and paragraphs, with its cues."""

    masked: str
    sentences: list[Span]
    sentence_starts: list[int]
    paragraph_starts: list[int]
    cues: list[Cue]
    cue_starts: list[int]
    resolved: dict[int, Resolved]  # cue start -> what its mention stands for

    def sentence_at(self, position: int) -> Span | None:
        k = bisect.bisect_right(self.sentence_starts, position) - 1
        if k >= 0 and position < self.sentences[k].end + 1:
            return self.sentences[k]
        return None

    def paragraph_at(self, position: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, position) - 1


def read(raw: str, body: Sequence[Span], regions: Sequence[QuoteRegion]) -> _Reading:
    masked = mask(raw, regions)
    spans = sentences(masked, body)
    cues: list[Cue] = []
    entities: list[_Entity] = []
    for sentence in spans:
        tokens = tokenize(masked, sentence.start, sentence.end)
        cues.extend(find_cues(tokens))
        entities.extend(_entities(tokens))
    cues.sort(key=lambda c: c.span.start)
    resolver = Resolver(entities)
    resolved: dict[int, Resolved] = {}
    for cue in cues:
        found = resolver.resolve(cue.mention)
        resolved[cue.span.start] = found
        resolver.remember(min(cue.span.start, cue.mention.span.start), found)
    return _Reading(
        masked=masked,
        sentences=spans,
        sentence_starts=[s.start for s in spans],
        paragraph_starts=[p.start for p in paragraphs(raw, body)],
        cues=cues,
        cue_starts=[c.span.start for c in cues],
        resolved=resolved,
    )


def _from_cue(reading: _Reading, cue: Cue) -> Attribution:
    found = reading.resolved[cue.span.start]
    return Attribution(found.name, cue.mention.span, cue.span)


def _right_adjacent(reading: _Reading, raw: str, region: QuoteRegion) -> Cue | None:
    after = region.close_end
    k = bisect.bisect_left(reading.cue_starts, after)
    if k >= len(reading.cues):
        return None
    cue = reading.cues[k]
    if reading.paragraph_at(cue.span.start) != reading.paragraph_at(after - 1):
        return None
    last = raw[region.pieces[-1].end - 1]
    if last == "." and not _GOES_ON.match(reading.masked, after):
        return None
    lead = cue.span.start if cue.inverted else cue.mention.span.start
    if not cue.inverted and cue.mention.span.start > cue.span.start:
        return None
    gap = _JOINING_GAP.match(reading.masked, after, lead)
    return cue if gap is not None and gap.end() == lead else None


def attribute(raw: str, reading: _Reading, regions: Sequence[QuoteRegion]) -> list[Attribution]:
    """The speaker of each quotation (see the module docstring for the order of rules)."""
    out: list[Attribution] = []
    last_in_paragraph: dict[int, Attribution] = {}
    for region in regions:
        found = _attribute_one(raw, reading, region)
        paragraph = reading.paragraph_at(region.open)
        if found is None:
            previous = last_in_paragraph.get(paragraph)
            if previous is None and _opens_paragraph(reading, region):
                previous = last_in_paragraph.get(paragraph - 1)
            found = previous or Attribution(None, None, None)
        if found.speaker_span is not None:
            last_in_paragraph[reading.paragraph_at(region.close_end - 1)] = found
        out.append(found)
    return out


def _opens_paragraph(reading: _Reading, region: QuoteRegion) -> bool:
    paragraph = reading.paragraph_at(region.open)
    return paragraph >= 0 and not reading.masked[reading.paragraph_starts[paragraph] : region.open].strip()


def _attribute_one(raw: str, reading: _Reading, region: QuoteRegion) -> Attribution | None:
    right = _right_adjacent(reading, raw, region)
    if right is not None:
        return _from_cue(reading, right)
    opening = reading.sentence_at(region.open)
    if opening is not None:
        lo = bisect.bisect_left(reading.cue_starts, opening.start)
        hi = bisect.bisect_left(reading.cue_starts, region.open)
        for cue in reversed(reading.cues[lo:hi]):
            if cue.mention.span.end <= region.open:
                return _from_cue(reading, cue)
    closing = reading.sentence_at(region.close_end - 1)
    if closing is not None:
        lo = bisect.bisect_left(reading.cue_starts, region.close_end)
        hi = bisect.bisect_left(reading.cue_starts, closing.end)
        if lo < hi:
            return _from_cue(reading, reading.cues[lo])
    return None


__all__ = ["Attribution", "Cue", "Resolved", "Resolver", "attribute", "find_cues", "mask", "read"]
