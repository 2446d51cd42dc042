"""The clean stage: main text vs boilerplate, as spans into the raw text; title, date, outlet, byline.

- ``rules``: the named pattern table for republishers' furniture;
- ``metadata``: dates, headline shape, names;
- ``spans``: lines, paragraphs and body spans;
- ``document``: ``clean_document`` for one document;
- ``recurrence``: boilerplate learned from a corpus (an outlet's footer on every page).

Corpus use::

    cleaned = {d.id: clean_document(d, cfg) for d in docs}
    recurring = find_recurring_lines(((d.id, line_fingerprints(d, cleaned[d.id], cfg)) for d in docs), cfg)
    cleaned = {d.id: apply_recurring(d, cleaned[d.id], recurring, cfg) for d in docs}
"""

from retold.clean.document import clean_document
from retold.clean.recurrence import RECURRING_REASON, apply_recurring, find_recurring_lines, line_fingerprints
from retold.clean.rules import RULES, Rule

__all__ = [
    "RECURRING_REASON",
    "RULES",
    "Rule",
    "apply_recurring",
    "clean_document",
    "find_recurring_lines",
    "line_fingerprints",
]
