"""Hostile documents for the report's safety tests: every way a scraped page could try
to run script, break out of the markup, or reorder the page around it.

Each attack that would run sets ``window.__pwned`` or opens a dialog, so a browser
test can tell that none did.
"""

from __future__ import annotations

import json
from pathlib import Path

from retold.report import ReportBudget, render_report

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"

SCRIPT_TAG = "<script>window.__pwned = 'script'; alert('script')</script>"
EVENT_HANDLERS = (
    "<img src=x onerror=\"window.__pwned='img'; alert('img')\"> "
    "<svg onload=\"window.__pwned='svg'\"></svg> <body onload=alert('body')> "
    "<a href=\"javascript:window.__pwned='href'\">click me</a>"
)
MALFORMED = (
    "</pre></div></section></main><!-- <![CDATA[ ]]> <style>body{display:none}</style> "
    "\"'><script>window.__pwned='attribute'</script><iframe srcdoc=\"<script>parent.__pwned=1</script>\"> "
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"> <base href="http://evil.example/"> '
    '<object data="data:text/html,<script>alert(1)</script>"></object> &lt;escaped&gt; &amp;amp; <unclosed'
)
# Text that would end a <script type="application/json"> element if embedded raw.
JSON_BREAKOUT = "</script><script>window.__pwned='json'; alert('json')</script><!--"
JAVASCRIPT_URL = "javascript:window.__pwned='url';alert('url')"
RTL_TITLE = "\u202eexe.evil\u202c نشرة الأخبار"
RTL_TEXT = (
    "قال المتحدث باسم الحكومة إن القوات ستبقى في البلاد. "
    "הדובר אמר כי הכוחות יישארו במדינה. \u202eoverride\u202c \u2067isolate\u2069 "
)
LONG_LINE_CHARS = 200_000


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def long_line() -> str:
    """About 200,000 characters without a line break, with markup scattered through it."""
    unit = "word <b>bold</b> & more "
    line = (unit * (LONG_LINE_CHARS // len(unit) + 1))[: LONG_LINE_CHARS - 40]
    return line + "x" * 30 + "<script>window.__pwned='long'</script>"


def hostile_records() -> list[dict[str, str]]:
    """Five documents; the first two are copies of each other so a pair view shows them side by side."""
    article = seed_text("003")
    hostile_body = f"{SCRIPT_TAG}\n{EVENT_HANDLERS}\n{MALFORMED}\n{JSON_BREAKOUT}\n\n{article}"
    return [
        {
            "id": "<b>evil</b>",
            "title": "<script>window.__pwned='title'</script>",
            "text": hostile_body,
            "url": JAVASCRIPT_URL,
            "outlet": "<img src=x onerror=alert('outlet')>",
            "date": "2021-12-28",
        },
        {
            "id": "copy\" onmouseover=\"window.__pwned='id'",
            "title": "A copy",
            "text": hostile_body + "\n\nLeave a Reply",
            "url": "https://example.org/a?b=1&c=<2>",
            "byline": "<i onclick=alert('byline')>By Mallory</i>",
            "date": "2021-12-29",
        },
        {"id": "long-line", "title": "One very long line", "text": long_line()},
        {"id": "rtl", "title": RTL_TITLE, "text": RTL_TEXT * 20, "url": "  JavaScript:alert('rtl')"},
        {"id": "data-url", "title": "data url", "text": seed_text("004"), "url": "data:text/html,<script>1</script>"},
    ]


def write_hostile_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hostile.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in hostile_records()), encoding="utf-8")
    return path


def hostile_report(folder: Path, budget: ReportBudget | None = None) -> tuple[Path, str]:
    """Analyse the hostile corpus and write its report (``budget`` decides which documents
    are rendered in the page and which by the script from embedded JSON)."""
    import retold

    corpus = write_hostile_corpus(folder)
    result = retold.analyze([corpus])
    texts = {record["id"]: record["text"] for record in hostile_records()}
    page = render_report(result, texts, budget)
    target = folder / "report.html"
    target.write_text(page, encoding="utf-8")
    return target, page
