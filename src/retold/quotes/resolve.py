"""Who a mention stands for, from what the document named before it.

A short name becomes the full name used in the document ("McNulty" -> "Jessica
McNulty"); "he"/"she" the nearest person who spoke before (or, failing that, was
named before); "it", "the statement", "the readout" the nearest organisation before,
preferring one that acts over one that is addressed ("told The Washington Newsday");
"the commission" the nearest organisation whose name holds "commission". A
description nothing resolves ("a Pentagon official") is kept as written.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from retold.quotes.lexicon import OBJECT_MARKERS, ORGANISATION_CONNECTORS, ORGANISATION_HEADS, PERSON_PRONOUNS
from retold.quotes.phrases import Mention, Token, classify_run

SpeakerKind = Literal["person", "organisation"]


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a mention stands for: a name (or description) and, when known, its kind."""

    name: str | None
    kind: SpeakerKind | None


@dataclass(frozen=True, slots=True)
class Entity:
    """A person or organisation named in the text, where, and whether as a subject."""

    name: str
    kind: SpeakerKind
    start: int
    subject: bool  # not the object of a preposition or of "told"
    words: int


def entities(tokens: Sequence[Token]) -> list[Entity]:
    """Named people and organisations of one sentence."""
    out: list[Entity] = []
    n = len(tokens)
    stop = 0
    for i, first in enumerate(tokens):
        if i < stop or not first.name_part:
            continue
        stop = i + 1
        while stop < n:
            tok = tokens[stop]
            if not tok.name_part and not (
                tok.key in ORGANISATION_CONNECTORS
                and not tok.capitalised
                and stop + 1 < n
                and (tokens[stop + 1].name_part or tokens[stop + 1].key in ORGANISATION_CONNECTORS)
            ):
                break
            stop += 1
        run = list(tokens[i:stop])
        if len(run) == 1 or any(t.key in ORGANISATION_HEADS and t.capitalised for t in run):
            segments = [run]  # one word (a name part, never a connector), or one organisation
        else:
            segments = _split_connectors(run)
        for segment in segments:
            found = classify_run(segment, "first")
            if found is None or found.kind not in ("person", "organisation"):
                continue
            before = i - 1
            if before >= 0 and tokens[before].key in ("the", "a", "an"):
                before -= 1
            subject = not (before >= 0 and tokens[before].key in OBJECT_MARKERS)
            kind: SpeakerKind = "person" if found.kind == "person" else "organisation"
            out.append(Entity(strip_article(found.text), kind, found.span.start, subject, len(found.text.split())))
    return out


def _split_connectors(run: list[Token]) -> list[list[Token]]:
    segments: list[list[Token]] = [[]]
    for tok in run:
        if tok.key in ORGANISATION_CONNECTORS and not tok.capitalised:
            segments.append([])
        else:
            segments[-1].append(tok)
    return [s for s in segments if s]


def strip_article(name: str) -> str:
    for article in ("The ", "the "):
        if name.startswith(article):
            return name[len(article) :]
    return name


class EntityIndex:
    """A document's entities sentence by sentence, each sentence's found (by ``find``)
    the first time a mention needs them, then kept.

    Finding a sentence's entities means tokenising it, and many sentences are otherwise
    never tokenised (only those that may hold a cue are); resolving a mention looks
    back a few sentences, or only at the sentences whose text holds a given word.
    """

    def __init__(self, starts: Sequence[int], texts: Sequence[str] | None, find: Callable[[int], list[Entity]]) -> None:
        """``starts`` and ``texts`` (or None: no filtering by word) are those of the
        sentences, in text order; ``find(k)`` gives sentence ``k``'s entities in text order.
        A sentence's text must hold every character of the tokens its entities come from."""
        self._starts = list(starts)
        self._folded = [text.casefold() for text in texts] if texts is not None else None
        self._find = find
        self._found: list[list[Entity] | None] = [None] * len(self._starts)

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> EntityIndex:
        """An index of entities all known already."""
        ordered = sorted(entities, key=lambda e: e.start)
        return cls([0], None, lambda _: ordered)

    def _sentence(self, k: int) -> list[Entity]:
        found = self._found[k]
        if found is None:
            found = self._found[k] = self._find(k)
        return found

    def _may_hold(self, k: int, word: str | None) -> bool:
        # An entity's words are tokens of its sentence, so a sentence whose case-folded
        # text lacks a word has no entity with that (case-folded) word.
        return word is None or self._folded is None or word in self._folded[k]

    def before(self, position: int, word: str | None = None) -> Iterator[Entity]:
        """The entities starting before ``position``, nearest first; with ``word``, at
        least those holding that case-folded word."""
        for k in range(bisect.bisect_left(self._starts, position) - 1, -1, -1):
            if self._may_hold(k, word):
                for entity in reversed(self._sentence(k)):
                    if entity.start < position:
                        yield entity

    def holding(self, word: str) -> list[Entity]:
        """In text order, at least every entity holding the case-folded ``word``."""
        return [entity for k in range(len(self._starts)) if self._may_hold(k, word) for entity in self._sentence(k)]


class Resolver:
    """Resolves mentions against what the document named before them."""

    def __init__(self, entities: Sequence[Entity] | EntityIndex) -> None:
        self._entities = entities if isinstance(entities, EntityIndex) else EntityIndex.of(entities)
        self._speakers: list[tuple[int, Resolved]] = []
        self._named: dict[str, tuple[list[Entity], list[Entity]]] = {}

    def remember(self, position: int, resolved: Resolved) -> None:
        self._speakers.append((position, resolved))

    def full_name(self, name: str, position: int) -> str:
        """A short mention expanded to the fullest name in the document ending (or
        starting) with it: "McNulty" -> "Jessica McNulty"."""
        words = name.split()
        if len(words) > 2:
            return name
        key = words[-1].casefold()
        spoken = [
            Entity(r.name, "person", p, True, len(r.name.split()))
            for p, r in self._speakers
            if r.kind == "person" and r.name and len(r.name.split()) > len(words)
        ]
        ending, starting = self._people_named(key)
        for named, pick in (
            (ending, lambda e: e.name.split()[-1].casefold() == key),
            (starting, lambda e: e.name.split()[0].casefold() == key),
        ):
            matches = [e for e in named if e.words > len(words)] + [e for e in spoken if pick(e)]
            if matches:
                earlier = [e for e in matches if e.start < position]
                best = max(earlier, key=lambda e: e.start) if earlier else min(matches, key=lambda e: e.start)
                return best.name
        return name

    def _people_named(self, key: str) -> tuple[list[Entity], list[Entity]]:
        """The people named in the document whose name ends with the case-folded word
        ``key``, and those whose name starts with it, in text order (kept: a document
        names the same people again and again)."""
        found = self._named.get(key)
        if found is None:
            people = [e for e in self._entities.holding(key) if e.kind == "person"]
            found = self._named[key] = (
                [e for e in people if e.name.split()[-1].casefold() == key],
                [e for e in people if e.name.split()[0].casefold() == key],
            )
        return found

    def _nearest(self, position: int, kind: SpeakerKind, subject_only: bool) -> tuple[int, str] | None:
        best: tuple[int, str] | None = None
        for p, r in self._speakers:
            if p < position and r.kind == kind and r.name and (best is None or p > best[0]):
                best = (p, r.name)
        for e in self._entities.before(position):
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
            return Resolved(strip_article(mention.text), "organisation")
        if mention.kind == "pronoun":
            if mention.text in PERSON_PRONOUNS:
                # A person who spoke before is the likelier antecedent than one merely named.
                name = self._last_speaker(position, "person")
                if name is None:
                    found = self._nearest(position, "person", subject_only=False)
                    name = found[1] if found else None
                return Resolved(name, "person" if name else None)
            if mention.text == "it":
                name = self._organisation(position)
                return Resolved(name, "organisation" if name else None)
            return Resolved(None, None)
        if mention.kind == "group":
            head = mention.head
            for e in self._entities.before(position, head):
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


__all__ = ["Entity", "EntityIndex", "Resolved", "Resolver", "SpeakerKind", "entities", "strip_article"]
