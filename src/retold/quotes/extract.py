"""Direct quotations of one document with their speakers."""

from __future__ import annotations

from dataclasses import dataclass

from retold.model import CleanDocument, Document, Span
from retold.quotes.marks import find_regions
from retold.quotes.speakers import attribute, read


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


def extract_quotes(doc: Document, cleaned: CleanDocument) -> list[QuoteMention]:
    """The direct quotations in the body of ``doc``, in text order.

    Only ``cleaned.body`` is read, so quotations in boilerplate (captions, prompts,
    disclaimers) are never extracted.
    """
    raw = doc.text
    regions = find_regions(raw, cleaned.body)
    if not regions:
        return []
    reading = read(raw, cleaned.body, regions)
    attributions = attribute(raw, reading, regions)
    return [
        QuoteMention(doc.id, region.span, region.text(raw), a.speaker, a.speaker_span, a.cue)
        for region, a in zip(regions, attributions, strict=True)
    ]
