"""The quotes stage: direct quotations, their speakers, and each quotation followed across documents.

- ``marks``: quotation marks paired into quoted regions (offsets into the raw text);
- ``lexicon`` and ``phrases``: reporting verbs, titles, and the phrases that name a speaker;
- ``cues``: the masked text, its sentences, and the reporting cues with their speaker phrases;
- ``resolve``: what a mention stands for (short names, pronouns, "the statement");
- ``speakers``: the speaker of each quotation;
- ``extract``: ``extract_quotes`` for one document;
- ``group``: ``group_quotes`` across documents, canonical wording, altered flag and diff.

Use::

    mentions = [m for doc, cleaned in docs for m in extract_quotes(doc, cleaned)]
    quotes = group_quotes(mentions, {doc.id: doc.date for doc, _ in docs})

or ``quotes_for(docs)`` for both steps.
"""

from __future__ import annotations

from collections.abc import Iterable

from retold.model import CleanDocument, Document, Quote
from retold.quotes.extract import QuoteMention, extract_quotes
from retold.quotes.group import Similarity, group_quotes, lexical_similarity, word_diff


def quotes_for(
    documents: Iterable[tuple[Document, CleanDocument]], similarity: Similarity | None = None
) -> list[Quote]:
    """Extract the quotations of every document and group them into quotations.

    A document's date is its reader date, else the date cleaning found in its header.
    """
    mentions: list[QuoteMention] = []
    dates: dict[str, str | None] = {}
    for doc, cleaned in documents:
        dates[doc.id] = doc.date or cleaned.date
        mentions.extend(extract_quotes(doc, cleaned))
    return group_quotes(mentions, dates, similarity)


__all__ = [
    "QuoteMention",
    "Similarity",
    "extract_quotes",
    "group_quotes",
    "lexical_similarity",
    "quotes_for",
    "word_diff",
]
