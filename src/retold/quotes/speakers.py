"""Who said it: the speaker of each quotation.

A quotation gets its speaker from, in order:

1. a cue right after it: '"…," McNulty told Newsweek', '"…," said Mulgrew',
   '"…," according to the Defense Department', '"…" — Jane Doe', and, after a
   quotation closed on a comma, any phrase and verb ('"…," the nominee riffed');
2. the nearest cue before it in its sentence: 'He said that "…"', 'X, a spokesperson,
   tweeted, "…"', 'The statement voiced …, noting that "…"';
3. a cue later in its sentence;
4. a possessive owning a word for speech: 'his call for "…"';
5. a sentence ending in a colon before it: 'McConnell delivered a message: "…"',
   also from the previous paragraph ('Transcript as follows:');
6. the nearest speaker before it in its paragraph, or the last one of the previous
   paragraph when it opens a paragraph ('"…," she said. "…"').

Mentions are then resolved (``resolve``): "he" becomes the person who spoke before,
"McNulty" the full name, "the statement" the organisation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retold.model import Span
from retold.quotes.cues import DASHES, Cue, clauses, find_cues, mask, may_have_cue, sentence_subject
from retold.quotes.lexicon import DOCUMENT_NOUNS, INTERVENING, REPORTING_VERBS, SPEECH_NOUNS
from retold.quotes.marks import QuoteRegion, paragraphs
from retold.quotes.phrases import Mention, Token, phrase_at, phrase_forward, tokenize
from retold.quotes.resolve import EntityIndex, Resolved, Resolver, entities

# What may stand between a closing mark and a following cue: '"…," he said', '"…" — Doe'.
_JOINING_GAP = re.compile(r"[\s,—–―-]*")
# After a quotation ending in a full stop, a new sentence starts; a cue there belongs to
# it unless the text plainly goes on ('"…." he said' with a lower-case word or a comma).
_GOES_ON = re.compile(r"\s*[,—–―-]|\s+[a-z]")
# How far after a closing mark a phrase and its verb are looked for.
_VERB_REACH = 120
# "his call for", "Obama's … promise", "the senator's answer was that": the words
# allowed between a possessive and the quotation it owns, and how many nouns.
_POSSESSED_LINKS = frozenset({"that", "for", "of", "was", "is", ":", ","})
_POSSESSED_NOUNS = 2
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}


@dataclass(frozen=True, slots=True)
class Attribution:
    """A quotation's speaker (resolved), the mention as written, and the cue, each when found."""

    speaker: str | None
    speaker_span: Span | None
    cue: Span | None


@dataclass(slots=True)
class Reading:
    """A document's masked text cut into sentences and paragraphs, with its cues."""

    masked: str
    sentences: list[Span]
    sentence_starts: list[int]
    paragraphs: list[Span]
    paragraph_starts: list[int]
    cues: list[Cue]
    cue_starts: list[int]
    resolved: dict[int, Resolved]  # cue start -> what its mention stands for
    resolver: Resolver

    def sentence_at(self, position: int) -> Span | None:
        k = bisect.bisect_right(self.sentence_starts, position) - 1
        if k >= 0 and position < self.sentences[k].end + 1:
            return self.sentences[k]
        return None

    def paragraph_at(self, position: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, position) - 1


def read(
    raw: str, body: Sequence[Span], regions: Sequence[QuoteRegion], units: Sequence[Span] | None = None
) -> Reading:
    """Mask the quotations, cut sentences, find every cue and resolve its speaker in
    document order (so a pronoun can point at a speaker resolved before it). ``units``
    are the body's ``paragraphs``, when already cut."""
    masked = mask(raw, regions)
    units = list(paragraphs(raw, body) if units is None else units)
    spans = clauses(masked, units)
    tokens: list[list[Token] | None] = [None] * len(spans)

    def sentence_tokens(k: int) -> list[Token]:
        found = tokens[k]
        if found is None:
            found = tokens[k] = tokenize(masked, spans[k].start, spans[k].end)
        return found

    # A sentence is tokenised when it may hold a cue, or when resolving a mention
    # needs its entities; many sentences are neither.
    cues: list[Cue] = []
    for k, sentence in enumerate(spans):
        if may_have_cue(masked[sentence.start : sentence.end]):
            cues.extend(find_cues(sentence_tokens(k)))
    cues.sort(key=lambda c: c.span.start)
    # A token may take the period just after its sentence ("U.S."): each sentence's
    # text goes one character further.
    index = EntityIndex(
        [s.start for s in spans], [masked[s.start : s.end + 1] for s in spans], lambda k: entities(sentence_tokens(k))
    )
    resolver = Resolver(index)
    resolved: dict[int, Resolved] = {}
    for cue in cues:
        found = resolver.resolve(cue.mention)
        resolved[cue.span.start] = found
        resolver.remember(min(cue.span.start, cue.mention.span.start), found)
    return Reading(
        masked=masked,
        sentences=spans,
        sentence_starts=[s.start for s in spans],
        paragraphs=units,
        paragraph_starts=[p.start for p in units],
        cues=cues,
        cue_starts=[c.span.start for c in cues],
        resolved=resolved,
        resolver=resolver,
    )


def _from_cue(reading: Reading, cue: Cue) -> Attribution:
    found = reading.resolved[cue.span.start]
    return Attribution(found.name, cue.mention.span, cue.span)


def _right_adjacent(reading: Reading, raw: str, region: QuoteRegion) -> Cue | None:
    after = region.close_end
    k = bisect.bisect_left(reading.cue_starts, after)
    if k >= len(reading.cues):
        return None
    cue = reading.cues[k]
    paragraph = reading.paragraph_at(after - 1)
    if reading.paragraph_at(cue.span.start) != paragraph:
        # Only a dash line under a quotation ("- Clinton.") attributes across paragraphs.
        dash = raw[cue.span.start] in DASHES and reading.paragraph_at(cue.span.start) == paragraph + 1
        return cue if dash and not reading.masked[after : cue.span.start].strip() else None
    last = raw[region.pieces[-1].end - 1]
    if last == "." and not _GOES_ON.match(reading.masked, after):
        return None
    lead = cue.span.start if cue.inverted else cue.mention.extent.start
    if not cue.inverted and cue.mention.span.start > cue.span.start:
        return None
    gap = _JOINING_GAP.match(reading.masked, after, lead)
    return cue if gap is not None and gap.end() == lead else None


def _any_verb_after(reading: Reading, raw: str, region: QuoteRegion) -> Attribution | None:
    """'"…," the nominee riffed', '"…," remembered Roy Verley': after a quotation closed
    on a comma (or ? or !), a phrase and a verb, in either order, attribute it even
    when the verb is not a known reporting verb."""
    if region.close is None or raw[region.close - 1] not in ",?!":
        return None
    end = reading.paragraphs[reading.paragraph_at(region.close)].end
    tokens = tokenize(reading.masked, region.close_end, min(end, region.close_end + _VERB_REACH))
    k = 0
    while k < len(tokens) and tokens[k].text in DASHES | {","}:
        k += 1
    if k >= len(tokens) or not tokens[k].is_word:
        return None
    first = tokens[k]
    if first.text.islower() and (first.key in REPORTING_VERBS or first.key.endswith("ed") or first.key == "read"):
        mention = phrase_forward(tokens, k + 1, len(tokens))
        verb = first
    else:
        mention = phrase_forward(tokens, k, len(tokens))
        if mention is None:
            return None
        after = next((i for i, t in enumerate(tokens) if t.start >= mention.extent.end), None)
        while after is not None and after < len(tokens) and tokens[after].key in INTERVENING:
            after += 1
        if after is None or after >= len(tokens):
            return None
        verb = tokens[after]
        if not (verb.is_word and verb.text.islower() and (verb.key in REPORTING_VERBS or verb.key.endswith("ed"))):
            return None
    if mention is None:
        return None
    found = reading.resolver.resolve(mention)
    return Attribution(found.name, mention.span, Span(verb.start, verb.end))


def _possessor(reading: Reading, region: QuoteRegion, sentence: Span) -> Attribution | None:
    """ "his call for \"a total ban\"", "The senator's answer was that \"…\"", "Obama's
    \"if you like your plan\" promise": a possessive owning a word for speech names
    whose words the quotation is."""
    tokens = tokenize(reading.masked, sentence.start, region.open)
    k = len(tokens) - 1
    while k >= 0 and tokens[k].key in _POSSESSED_LINKS:
        k -= 1
    nouns: list[str] = []
    while k >= 0 and len(nouns) < _POSSESSED_NOUNS:
        tok = tokens[k]
        if not (tok.is_word and tok.text.islower()) or tok.possessive or tok.key in _POSSESSIVE_PRONOUNS:
            break
        nouns.append(tok.key)
        k -= 1
    if k < 0:
        return None
    if nouns:
        if not any(n in SPEECH_NOUNS or n in DOCUMENT_NOUNS for n in nouns):
            return None
    else:
        following = tokenize(reading.masked, region.close_end, min(len(reading.masked), region.close_end + 30))
        if not (following and following[0].key in SPEECH_NOUNS):
            return None
    tok = tokens[k]
    if tok.key in _POSSESSIVE_PRONOUNS and tok.text.islower():
        mention: Mention | None = Mention(Span(tok.start, tok.end), "pronoun", _POSSESSIVE_PRONOUNS[tok.key])
    elif tok.possessive:
        bare = Token(tok.text[:-2], tok.start, tok.end - 2, "word")
        mention = phrase_at([*tokens[:k], bare], k, 0)
    else:
        return None
    if mention is None:
        return None
    found = reading.resolver.resolve(mention)
    return Attribution(found.name, mention.span, None)


def attribute(raw: str, reading: Reading, regions: Sequence[QuoteRegion]) -> list[Attribution]:
    """The speaker of each quotation (see the module docstring for the order of rules)."""
    out: list[Attribution] = []
    last_in_paragraph: dict[int, Attribution] = {}
    for region in regions:
        found = _attribute_one(raw, reading, region)
        paragraph = reading.paragraph_at(region.open)
        if found is None:
            found = _continued(reading, region, paragraph, last_in_paragraph)
        if found.speaker_span is not None:
            last_in_paragraph[reading.paragraph_at(region.close_end - 1)] = found
        out.append(found)
    return out


def _continued(
    reading: Reading, region: QuoteRegion, paragraph: int, last_in_paragraph: dict[int, Attribution]
) -> Attribution:
    """A quotation with no cue of its own continues the nearest speaker before it in its
    paragraph (a quotation or a cue), or, opening a paragraph, the last one of the
    previous paragraph: '"…," she said. "…"' and '… Lynch announced. "…"'."""
    start = reading.paragraph_starts[paragraph] if paragraph >= 0 else 0
    lo = bisect.bisect_left(reading.cue_starts, start)
    hi = bisect.bisect_left(reading.cue_starts, region.open)
    cue = reading.cues[hi - 1] if lo < hi else None
    previous = last_in_paragraph.get(paragraph)
    later_than_cue = cue is None or (
        previous is not None and previous.cue is not None and previous.cue.start >= cue.span.start
    )
    if previous is not None and previous.speaker_span is not None and later_than_cue:
        return previous
    if cue is not None:
        return _from_cue(reading, cue)
    if previous is not None:
        return previous
    if paragraph > 0 and _opens_paragraph(reading, region):
        before = last_in_paragraph.get(paragraph - 1)
        if before is not None:
            return before
        unit = reading.paragraphs[paragraph - 1]
        last = reading.sentence_at(unit.end - 1)
        lo = bisect.bisect_left(reading.cue_starts, last.start if last else unit.start)
        hi = bisect.bisect_left(reading.cue_starts, unit.end)
        if lo < hi:
            return _from_cue(reading, reading.cues[hi - 1])
    return Attribution(None, None, None)


def _opens_paragraph(reading: Reading, region: QuoteRegion) -> bool:
    paragraph = reading.paragraph_at(region.open)
    return paragraph >= 0 and not reading.masked[reading.paragraph_starts[paragraph] : region.open].strip()


def _attribute_one(raw: str, reading: Reading, region: QuoteRegion) -> Attribution | None:
    right = _right_adjacent(reading, raw, region)
    if right is not None:
        return _from_cue(reading, right)
    loose = _any_verb_after(reading, raw, region)
    if loose is not None:
        return loose
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
    if opening is not None and (owner := _possessor(reading, region, opening)) is not None:
        return owner
    if opening is not None and reading.masked[opening.start : region.open].rstrip().endswith(":"):
        return _introduced(reading, opening.start, reading.masked.rindex(":", opening.start, region.open))
    paragraph = reading.paragraph_at(region.open)
    if paragraph > 0 and _opens_paragraph(reading, region):
        previous = reading.paragraphs[paragraph - 1]
        if reading.masked[previous.start : previous.end].rstrip().endswith(":"):
            sentence = reading.sentence_at(previous.end - 1)
            if sentence is not None:
                return _introduced(reading, sentence.start, reading.masked.rindex(":", sentence.start, previous.end))
    return None


def _introduced(reading: Reading, start: int, colon: int) -> Attribution | None:
    """The speaker of a sentence ending in a colon that introduces a quotation:
    "McConnell delivered a blunt message to Trump: \"…\"", "Transcript as follows:"."""
    lo = bisect.bisect_left(reading.cue_starts, start)
    hi = bisect.bisect_left(reading.cue_starts, colon)
    if lo < hi:
        return _from_cue(reading, reading.cues[hi - 1])
    tokens = tokenize(reading.masked, start, colon)
    subject = sentence_subject(tokens, len(tokens))
    if subject is None:
        return None
    found = reading.resolver.resolve(subject)
    return Attribution(found.name, subject.span, None)


__all__ = ["Attribution", "Reading", "attribute", "read"]
