"""Reporting cues in the masked text: the verbs (and "according to", a dash) that
attribute speech, each with the phrase naming its speaker.

Reading happens on a *masked* copy of the text in which every quoted word is
replaced by ``_`` (offsets unchanged): names and verbs inside a quotation never
count as attribution, and sentence boundaries inside a quotation disappear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retold.model import Span
from retold.quotes.lexicon import (
    ABBREVIATIONS,
    BASE_FORMS,
    COORDINATORS,
    DETERMINERS,
    INTERVENING,
    INTRODUCTORY,
    NEEDS_PARTICLE,
    PARTICIPLES,
    PARTICLES,
    REPORTING_VERBS,
    TIME_HEADS,
)
from retold.quotes.marks import QuoteRegion
from retold.quotes.phrases import Mention, Token, phrase_before, phrase_forward, skip_back

MASK = "_"
# Markdown left in scraped text ("He [asserted](#) on Thursday", "**John Kirby**"):
# blanked in the masked copy so it does not split names from their verbs.
_MARKDOWN = re.compile(r"\]\([^)\s]*\)|[\[\]*]")
_TERMINATORS = ".!?…"
_SENTENCE_END = re.compile(r"(?P<stop>[.!?…]+)(?P<close>[\"”’»)\]]*)\s+(?=[A-Z0-9\"“‘«(])")
# How far back from a period the word it may abbreviate is looked for.
_ABBREVIATION_REACH = 12
DASHES = frozenset({"—", "―", "–", "-", "--"})
# Forms of "be" before a past form make it passive or an adjective, not a report.
_BE = frozenset({"was", "were", "is", "are", "be", "been", "being", "am"})
# Longest opening phrase read as a time phrase before a comma ("Two days later,").
_TIME_PHRASE = 5
# The keys a cue starts from (see ``find_cues``).
_TRIGGERS = REPORTING_VERBS | {"according"}
# What ``may_have_cue`` reads without tokenising: a sentence of ASCII and the common
# typographic marks, none a letter or digit, with no period inside a word ("U.S").
# There a word's key is its lower-cased letters (all trigger keys are ASCII letters).
_PLAIN = re.compile(r"[\x00-\x7f“”‘’—–…]*")
_INNER_PERIOD = re.compile(r"\.[^\W_]")
# A hyphen that is a token of its own: not joining letters or digits on both sides.
_HYPHEN_TOKEN = re.compile(r"-(?![^\W_])|-(?<![^\W_]-)")
_LETTERS_ONLY = bytes(byte if 0x61 <= byte <= 0x7A else 0x20 for byte in range(256))
_TRIGGER_BYTES = frozenset(trigger.encode() for trigger in _TRIGGERS)
# (Should a trigger ever hold anything but ASCII letters, every sentence is tokenised.)
_LETTER_TRIGGERS = all(trigger.isascii() and trigger.isalpha() for trigger in _TRIGGERS)


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting verb (or "according to") and the phrase naming its speaker."""

    span: Span
    mention: Mention
    inverted: bool  # the speaker follows the verb


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


def clauses(masked: str, units: Sequence[Span]) -> list[Span]:
    """Sentences of the masked text, paragraph by paragraph.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing marks after it)
    followed by white space and a capital, a digit or an opening mark, unless the
    period ends a title or an initial ("Gov.", "F.", "U.S."). Quoted words are masked,
    so a quotation never splits its sentence; a quotation's own final stop is kept
    and ends the sentence it closes.
    """
    out: list[Span] = []
    for unit in units:
        start = unit.start
        for m in _SENTENCE_END.finditer(masked, unit.start, unit.end):
            word = masked[max(unit.start, m.start() - _ABBREVIATION_REACH) : m.start()].split()
            last = word[-1].casefold().strip("(\"“”'‘’") if word else ""
            if m.group("stop").startswith(".") and (last in ABBREVIATIONS or len(last) == 1 or "." in last):
                continue
            out.append(Span(start, m.end("close")))
            start = m.end()
        if start < unit.end:
            out.append(Span(start, unit.end))
    return out


def sentence_subject(tokens: Sequence[Token], upto: int) -> Mention | None:
    """The subject opening a sentence, past an introductory phrase ("In response, …")."""
    i = 0
    while i < upto and tokens[i].kind != "word":
        i += 1
    comma = next((k for k in range(i, upto) if tokens[k].text == ","), None)
    opener = tokens[i].key if i < upto else ""
    introduced = opener in INTRODUCTORY or opener.endswith("ing")
    if introduced and comma is None:
        return None  # the sentence opens with the phrase that holds the cue
    if comma is not None and (
        introduced or (comma - i <= _TIME_PHRASE and any(t.key in TIME_HEADS for t in tokens[i:comma]))
    ):
        i = comma + 1  # "In response, …", "Hours later, …"
    return phrase_forward(tokens, i, upto)


def _after_quotation(tokens: Sequence[Token], i: int) -> bool:
    k = i - 1
    if k >= 0 and tokens[k].text == ",":
        k -= 1
    return k >= 0 and tokens[k].kind in ("mark", "quote")


def _previous_subject(cues: Sequence[Cue], tokens: Sequence[Token], i: int) -> Mention | None:
    """The subject a participle or a coordinated verb shares: that of the sentence's
    previous cue ("X added, saying …"), else the sentence's own subject."""
    for cue in reversed(cues):
        if not cue.inverted or cue.mention.kind in ("person", "organisation"):
            return cue.mention
    return sentence_subject(tokens, i)


def _noun_not_verb(tokens: Sequence[Token], i: int, subject: Mention) -> bool:
    """ "the original pledge", "a campaign promise": a base form after a singular
    description is the end of that noun phrase, not its verb."""
    if tokens[i].key not in BASE_FORMS or subject.kind not in ("description", "document", "group"):
        return False
    previous = tokens[i - 1].key if i > 0 else ""
    return previous not in INTERVENING and previous != "to" and not subject.head.endswith("s")


def may_have_cue(sentence: str) -> bool:
    """False only when ``find_cues`` finds no cue in ``sentence``'s tokens: when none
    of them is "according", a dash or a reporting verb, the tokens every cue starts from.

    Most sentences hold no cue, and tokenising is the costliest step of reading, so
    plain sentences are read with string methods: the runs of letters hold every
    word's key. Any other sentence is taken to have a cue (tokenising will tell).
    """
    if not _LETTER_TRIGGERS or not _PLAIN.fullmatch(sentence) or _INNER_PERIOD.search(sentence):
        return True
    if "—" in sentence or "–" in sentence or ("-" in sentence and _HYPHEN_TOKEN.search(sentence)):
        return True
    return not _TRIGGER_BYTES.isdisjoint(sentence.lower().encode().translate(_LETTERS_ONLY).split())


def find_cues(tokens: Sequence[Token]) -> list[Cue]:
    """Reporting cues of one sentence and their speaker phrases."""
    cues: list[Cue] = []
    n = len(tokens)
    # Every rule below starts from "according", a dash or a reporting verb: only those
    # tokens are visited, a few in a sentence.
    for i in [i for i, t in enumerate(tokens) if t.key in _TRIGGERS or t.text in DASHES]:
        tok = tokens[i]
        mention: Mention | None = None
        if tok.key == "according" and i + 1 < n and tokens[i + 1].key == "to":
            mention = phrase_forward(tokens, i + 2, n)
            if mention is not None:
                cues.append(Cue(Span(tok.start, tokens[i + 1].end), mention, True))
            continue
        if tok.text in DASHES and (i == 0 or tokens[i - 1].kind in ("mark", "quote")):
            # '"…" — Jane Doe', or a paragraph "- Clinton." under a quotation.
            mention = phrase_forward(tokens, i + 1, n)
            if mention is not None and mention.kind in ("person", "organisation"):
                cues.append(Cue(Span(tok.start, tok.end), mention, True))
            continue
        if i == 0 and tok.capitalised and tok.key in REPORTING_VERBS and tok.key not in PARTICIPLES:
            # "Stated Stone:", "Continued Stone:", "Said Trump:".
            mention = phrase_forward(tokens, 1, n)
            if mention is not None and mention.kind in ("person", "organisation", "pronoun"):
                cues.append(Cue(Span(tok.start, tok.end), mention, True))
            continue
        if not tok.cue or (i > 0 and (tokens[i - 1].key in DETERMINERS or tokens[i - 1].possessive)):
            continue  # "a warning", "his comments": a noun, not a verb
        if tok.key in NEEDS_PARTICLE and not (i + 1 < n and tokens[i + 1].key in PARTICLES):
            continue
        if i > 0 and tokens[i - 1].key in _BE and tok.key not in PARTICIPLES:
            continue  # "was told", "were worried": passive or an adjective
        span = Span(tok.start, tok.end)
        participle = tok.key in PARTICIPLES
        if not participle and _after_quotation(tokens, i) and (mention := phrase_forward(tokens, i + 1, n)):
            cues.append(Cue(span, mention, True))
            continue
        before = skip_back(tokens, i - 1, 0)
        if participle or (before >= 0 and tokens[before].key in COORDINATORS):
            mention = _previous_subject(cues, tokens, i) or phrase_before(tokens, i - 1, 0)
        else:
            mention = phrase_before(tokens, i - 1, 0)
        if mention is not None and _noun_not_verb(tokens, i, mention):
            continue
        if mention is not None:
            cues.append(Cue(span, mention, False))
            continue
        # "…, says Smith." with no quotation right before.
        after = phrase_forward(tokens, i + 1, n)
        if after is not None and after.kind in ("person", "organisation"):
            cues.append(Cue(span, after, True))
    return cues


__all__ = ["DASHES", "MASK", "Cue", "clauses", "find_cues", "mask", "may_have_cue", "sentence_subject"]
