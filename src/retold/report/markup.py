"""Escaping and the few markup builders every view shares.

Document text and metadata are untrusted: every byte reaches the page through
``text`` or ``attr`` (``html.escape``), through ``script_json`` (JSON that cannot
close its ``<script>`` element), or through the script's ``textContent``. Only
``http(s)`` URLs become links.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

# Schemes a metadata URL may have to be linked; anything else (javascript:, data:,
# vbscript:, relative paths) is shown as text.
_LINKABLE_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


def text(value: object) -> str:
    """Escaped element content (quotes too, so no text ever reads like an attribute); ``None`` becomes ""."""
    return "" if value is None else escape(str(value))


def attr(value: object) -> str:
    """Escaped attribute value (quotes included), for use inside double quotes."""
    return "" if value is None else escape(str(value), quote=True)


def bdi(value: object) -> str:
    """Untrusted text isolated from its surroundings, so right-to-left text or
    direction overrides inside it cannot reorder the page around it."""
    return f"<bdi>{text(value)}</bdi>"


def linkable_url(url: str | None) -> bool:
    return bool(url) and _LINKABLE_URL.match(url.strip()) is not None  # type: ignore[union-attr]


def url_html(url: str | None) -> str:
    """A link for an http(s) URL; any other URL is shown, escaped, and not linked."""
    if not url:
        return ""
    if linkable_url(url):
        return f'<a class="external" href="{attr(url.strip())}" rel="noopener noreferrer nofollow">{bdi(url)}</a>'
    return f'{bdi(url)} <span class="note">(not linked: not an http(s) address)</span>'


def script_json(value: Any) -> str:
    """JSON to embed in ``<script type="application/json">``: ``<``, ``>`` and ``&`` are
    written as ``\\u`` escapes, so no text can end the element or open a comment."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return raw.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


@dataclass(frozen=True, slots=True)
class Highlight:
    """A span of a text to mark: a passage of a pair, linked to its counterpart on the other side."""

    start: int
    end: int
    kind: str  # verbatim, edited or reworded
    passage: int  # the passage's number in its pair
    anchor: str  # id of this side's first piece
    target: str  # id of the other side's first piece


def marked_text(
    raw: str,
    highlights: Sequence[Highlight],
    boilerplate: Sequence[Sequence[int]],
    boilerplate_reasons: Sequence[str] = (),
    limit: int | None = None,
) -> str:
    """``raw`` escaped, passages wrapped in links holding a ``<mark>`` by kind, boilerplate greyed.

    The text is cut at every span boundary and each piece is wrapped on its own, so
    overlapping passages and boilerplate never produce crossing tags. A piece inside
    several passages belongs to the first.
    """
    end_of_text = len(raw) if limit is None else min(len(raw), limit)
    bounds = {0, end_of_text}
    for highlight in highlights:
        bounds.update((min(highlight.start, end_of_text), min(highlight.end, end_of_text)))
    for start, end in boilerplate:
        bounds.update((min(start, end_of_text), min(end, end_of_text)))
    first_piece_seen: set[int] = set()
    out: list[str] = []
    for left, right in itertools.pairwise(sorted(bounds)):
        if left == right:
            continue
        piece = escape(raw[left:right])
        highlight = next((h for h in highlights if h.start <= left and right <= h.end), None)
        if highlight is not None:
            anchor = ""
            if highlight.passage not in first_piece_seen:
                first_piece_seen.add(highlight.passage)
                anchor = f' id="{attr(highlight.anchor)}"'
            piece = (
                f'<a class="psg"{anchor} href="#{attr(highlight.target)}" data-passage="{highlight.passage}">'
                f'<mark class="hl {attr(highlight.kind)}">{piece}</mark></a>'
            )
        reason = next(
            (
                boilerplate_reasons[k] if k < len(boilerplate_reasons) else "boilerplate"
                for k, (start, end) in enumerate(boilerplate)
                if start <= left and right <= end
            ),
            None,
        )
        if reason is not None:
            piece = f'<span class="bp" title="boilerplate: {attr(reason)}">{piece}</span>'
        out.append(piece)
    if end_of_text < len(raw):
        out.append(f'<span class="cut">[… {len(raw) - end_of_text:,} more characters not shown]</span>')
    return "".join(out)
