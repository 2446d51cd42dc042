"""Direct quotations of one document with their speakers."""

from __future__ import annotations

import re

from retold.model import CleanDocument, Document, QuoteMention
from retold.quotes.lexicon import OBJECT_MARKERS
from retold.quotes.marks import find_regions, paragraphs
from retold.quotes.speakers import attribute, read
from retold.text import words

# A quotation nobody is said to have spoken must be longer than one word: a lone
# quoted word with no speaker is a term held at arm's length ("a “regional” candidate").
MIN_UNATTRIBUTED_WORDS = 2
# Title-cased quotations of at least this many words are names of works, shows and
# slogans when nobody speaks them or a preposition or possessive introduces them.
MIN_TITLE_WORDS = 2
_TITLE_SMALL_WORDS = frozenset({"of", "the", "a", "an", "and", "in", "on", "for", "to", "with", "at", "by", "or", "is"})
_NAMING_WORDS = frozenset({"called", "titled", "entitled", "named", "dubbed", "show", "program", "programme"})
_LOOKBACK_CHARS = 40
_LETTER = re.compile(r"[^\W\d_]")
# Plain text for ``_fewer_words``; a word of it is a run of ASCII letters and digits.
_PLAIN = re.compile(r"[\x00-\x7f‘’“”–—]*")
_ASCII_WORD = re.compile("[A-Za-z0-9]+")


def extract_quotes(doc: Document, cleaned: CleanDocument) -> list[QuoteMention]:
    """The direct quotations in the body of ``doc``, in text order.

    Only ``cleaned.body`` is read, so quotations in boilerplate (captions, prompts,
    disclaimers) are never extracted.
    """
    raw = doc.text
    units = paragraphs(raw, cleaned.body)
    regions = [r for r in find_regions(raw, cleaned.body, units) if _LETTER.search(r.text(raw))]
    if not regions:
        return []
    reading = read(raw, cleaned.body, regions, units)
    attributions = attribute(raw, reading, regions)
    out: list[QuoteMention] = []
    for region, a in zip(regions, attributions, strict=True):
        text = region.text(raw)
        if a.speaker_span is None and (_fewer_words(text, MIN_UNATTRIBUTED_WORDS) or _title_case(text)):
            continue  # a scare quote or a title, not somebody's words
        if _title_case(text) and _names_a_work(reading.masked, region.open):
            continue  # 'told ABC's "Good Morning America"', 'a film called "Tenemos Familias"'
        out.append(QuoteMention(doc.id, region.span, text, a.speaker, a.speaker_span, a.cue))
    return out


def _fewer_words(text: str, n: int) -> bool:
    """Whether ``text`` has fewer than ``n`` words (``retold.text.words``).

    A plain text (ASCII and the common typographic quotes and dashes, none of which
    Unicode normalisation changes or counts as a letter) has for words its runs of
    ASCII letters and digits, counted here without building the normalised view.
    """
    if _PLAIN.fullmatch(text):
        return len(_ASCII_WORD.findall(text)) < n
    return len(words(text)) < n


def _title_case(text: str) -> bool:
    """Every word capitalised but the short function words: the title of a work or a slogan."""
    tokens = [w for w in text.split() if w[:1].isalpha()]
    return len(tokens) >= MIN_TITLE_WORDS and all(w[0].isupper() or w.casefold() in _TITLE_SMALL_WORDS for w in tokens)


def _names_a_work(masked: str, open_mark: int) -> bool:
    before = masked[max(0, open_mark - _LOOKBACK_CHARS) : open_mark].split()
    if not before:
        return False
    last = before[-1].casefold().strip(",:")
    return last in OBJECT_MARKERS or last in _NAMING_WORDS or last.endswith(("'s", "’s"))
