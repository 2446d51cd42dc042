"""HTML pages: the main text and metadata as trafilatura extracts them.

A document's text is the extracted main text, so its offsets point into that
text, not into the markup.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from retold.config import ReadConfig
from retold.model import Document, Skipped
from retold.read._common import SkipFn, guarded, label, split_name, too_large
from retold.read._streams import MAX_BYTES_PER_CHAR
from retold.read.dates import parse_date
from retold.read.text import load_text_file

NO_MAIN_TEXT = "no main text found in HTML"


def _extract(html: str, url: str | None) -> dict[str, Any] | None:
    import trafilatura

    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        # Reader comments are not the article, and would make copies look different.
        include_comments=False,
        deduplicate=False,
        # Dates from markup and URL only: the extensive search guesses from any year
        # in the text ("2021" becomes 2021-01-01), and a wrong date misorders a
        # timeline worse than a missing one.
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
        },
    )
    if result is None:
        return None
    # trafilatura 2 returns a Document object, 1.x a dict.
    as_dict = getattr(result, "as_dict", None)
    return as_dict() if callable(as_dict) else dict(result)


def document_from_html(
    html: str,
    path: str | os.PathLike[str],
    location: str,
    url: str | None = None,
    *,
    doc_id: str | None = None,
    date: str | None = None,
) -> Document | None:
    """The document of one HTML page, or ``None`` if it has no main text.

    ``doc_id`` defaults to the file stem; ``date`` is used when the page gives none.
    """
    name = os.fspath(path)
    if not html.strip():
        return None
    meta = _extract(html, url)
    if meta is None:
        return None
    text = meta.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    return Document(
        id=doc_id if doc_id is not None else split_name(name)[0],
        text=text,
        path=name,
        location=location,
        title=label(meta.get("title")),
        date=parse_date(meta.get("date")) or parse_date(date),
        url=label(meta.get("url")) or url,
        outlet=label(meta.get("sitename")),
        byline=label(meta.get("author")),
    )


def read_html(path: str | os.PathLike[str], config: ReadConfig, on_skip: SkipFn) -> Iterator[Document]:
    """One document per ``.html``/``.htm`` file; id is the file stem."""
    name = os.fspath(path)

    def body(report: SkipFn) -> Iterator[Document]:
        # Markup is several times the text it carries; the text limit applies after extraction.
        html = load_text_file(name, config, config.max_chars * MAX_BYTES_PER_CHAR, what="HTML page")
        doc = document_from_html(html, name, "")
        if doc is None:
            report(Skipped(name, "", NO_MAIN_TEXT))
            return
        if len(doc.text) > config.max_chars:
            report(Skipped(name, "", too_large(len(doc.text), config.max_chars)))
            return
        yield doc

    return guarded(name, on_skip, body)
