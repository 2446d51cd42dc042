"""The HTML report as a string: escaping, the Content-Security-Policy, the views and the size budget.

What the page does in a browser (script never runs, passages highlighted, search) is
in ``test_report_browser.py``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retold
from corpus import make_corpus
from report_hostile import (
    JAVASCRIPT_URL,
    JSON_BREAKOUT,
    LONG_LINE_CHARS,
    RTL_TITLE,
    SCRIPT_TAG,
    hostile_records,
    hostile_report,
)
from retold.report import ReportBudget, render_report
from retold.report.markup import Highlight, linkable_url, marked_text, script_json

INLINE_SCRIPT = re.compile(r"<script id=\"retold-script\">(.*?)</script>", re.DOTALL)
INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
DATA_BLOCK = re.compile(r'<script type="application/json" id="retold-data">(.*?)</script>', re.DOTALL)


# Every element the report itself writes; a hostile document must add none (no img, iframe, object, base, i…).
REPORT_TAGS = {
    *"html head meta title style body header main footer nav h1 h2 h3 h4 p a b bdi span mark pre ul li".split(),
    *"table thead tbody tr th td dl dt dd section div details summary blockquote del ins label input".split(),
    *"select option output noscript script svg g circle line text defs marker path".split(),
}


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text outside tags, as a parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def _sha256(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> str:
    # One document in the page, the others embedded as JSON: both ways of showing text are exercised.
    _, page = hostile_report(tmp_path_factory.mktemp("hostile"), ReportBudget(document_views=1))
    return page


@pytest.fixture(scope="module")
def hostile_all_inline(tmp_path_factory: pytest.TempPathFactory) -> str:
    _, page = hostile_report(tmp_path_factory.mktemp("hostile-inline"))
    return page


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> str:
    out = tmp_path_factory.mktemp("seeds-report")
    retold.analyze([seeds_dir], out=out)
    return (out / "report.html").read_text(encoding="utf-8")


def test_only_the_reports_own_elements_exist_in_a_hostile_report(hostile: str, hostile_all_inline: str) -> None:
    for page in (hostile, hostile_all_inline):
        elements = _parse(page)
        tags = {tag for tag, _ in elements.tags}
        assert tags <= REPORT_TAGS, tags - REPORT_TAGS
        scripts = [attrs for tag, attrs in elements.tags if tag == "script"]
        assert scripts == [{"type": "application/json", "id": "retold-data"}, {"id": "retold-script"}]
        assert sum(tag == "style" for tag, _ in elements.tags) == 1
        assert sum(tag == "meta" and "http-equiv" in attrs for tag, attrs in elements.tags) == 1
        for _, attrs in elements.tags:
            assert not any(name.startswith("on") for name in attrs), attrs
            assert not (attrs.get("href") or "").lower().lstrip().startswith(("javascript:", "data:"))
            assert "evil.example" not in (attrs.get("href") or "")


def test_hostile_text_is_escaped_byte_for_byte(hostile_all_inline: str) -> None:
    page = hostile_all_inline
    assert html.escape(SCRIPT_TAG) in page
    assert "<script>" not in page and "<img" not in page and "<b>evil" not in page
    assert "&lt;b&gt;evil&lt;/b&gt;" in page
    # The id that tries to close its attribute stays inside it.
    assert 'data-doc="copy&quot; onmouseover=&quot;window.__pwned=&#x27;id&#x27;"' in page
    # Every character of the 200,000-character line arrives, escaped.
    long_line = next(r["text"] for r in hostile_records() if r["id"] == "long-line")
    assert len(long_line) >= LONG_LINE_CHARS - 10
    assert html.escape(long_line) in page


def test_a_javascript_url_is_shown_not_linked(hostile_all_inline: str) -> None:
    elements = _parse(hostile_all_inline)
    hrefs = [attrs["href"] for tag, attrs in elements.tags if tag == "a" and attrs.get("href")]
    assert all(h.startswith("#") or h.startswith("https://") for h in hrefs)
    assert "https://example.org/a?b=1&c=<2>" in hrefs  # http(s) metadata URLs do become links
    text = "".join(elements.text)
    assert JAVASCRIPT_URL in text and "not linked" in text
    assert not linkable_url(JAVASCRIPT_URL) and not linkable_url("  JavaScript:alert(1)")
    assert not linkable_url("data:text/html,x") and not linkable_url("//evil.example/") and not linkable_url(None)
    assert linkable_url("http://example.org/x") and linkable_url("HTTPS://example.org")


def test_right_to_left_and_overrides_are_isolated(hostile_all_inline: str) -> None:
    # Titles and ids sit in <bdi> and texts in dir="auto" blocks: an override cannot flip the page around them.
    assert f"<bdi>{html.escape(RTL_TITLE)}</bdi>" in hostile_all_inline
    assert '<pre dir="auto"' in hostile_all_inline


def test_embedded_json_cannot_close_its_element_and_round_trips(hostile: str) -> None:
    (block,) = DATA_BLOCK.findall(hostile)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    texts = [embedded["text"] for embedded in data["texts"].values()]
    assert any(JSON_BREAKOUT in t for t in texts)
    assert json.loads(script_json({"t": "</script><!-- & \u2028"})) == {"t": "</script><!-- & \u2028"}


def test_csp_allows_only_the_reports_own_script_and_style_by_hash(seeds_report: str, hostile: str) -> None:
    for page in (seeds_report, hostile):
        (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
        policy = html.unescape(policy)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'none'"
        (script,) = INLINE_SCRIPT.findall(page)
        (style,) = INLINE_STYLE.findall(page)
        assert directives["script-src"] == f"'{_sha256(script)}'"
        assert directives["style-src"] == f"'{_sha256(style)}'"
        assert "unsafe" not in policy
        assert directives["base-uri"] == "'none'"


def test_no_url_to_fetch_in_the_page(seeds_report: str) -> None:
    elements = _parse(seeds_report)
    for tag, attrs in elements.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert "@import" not in seeds_report and "url(http" not in seeds_report


def test_seeds_report_has_every_view(seeds_report: str, seeds_dir: Path) -> None:
    elements = _parse(seeds_report)
    ids = {attrs["id"] for _, attrs in elements.tags if attrs.get("id")}
    assert {"stories", "pairs", "quotes", "documents", "tools", "story-0", "pair-0", "pair-1", "pair-2"} <= ids
    assert {f"doc-{n}" for n in range(5)} <= ids
    # Every internal link lands on an element of the page.
    for _, attrs in elements.tags:
        href = attrs.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in ids, href
    # The 000-001 rewrite: both sides carry highlighted passages, each linked to its counterpart.
    (section,) = re.findall(
        r'<section class="pair view" id="(pair-\d+)"[^>]*data-a="000[^"]*" data-b="001', seeds_report
    )
    a_marks = re.findall(rf'<a class="psg" id="{section}-a-(\d+)" href="#{section}-b-(\d+)"', seeds_report)
    b_marks = re.findall(rf'<a class="psg" id="{section}-b-(\d+)" href="#{section}-a-(\d+)"', seeds_report)
    assert a_marks and b_marks and all(x == y for x, y in a_marks + b_marks)
    assert "direction: <b>" in seeds_report and "confidence" in seeds_report
    for kind in ("verbatim", "edited", "reworded"):
        assert f'<mark class="hl {kind}">' in seeds_report
    # Boilerplate is greyed with its reason; the comment form of 001 is one.
    assert re.search(r'<span class="bp" title="boilerplate: [^"]+">[^<]*Leave a Reply', seeds_report)
    # Documents carry their metadata and links to their pairs and story.
    assert "<dt>title</dt>" in seeds_report and "<dt>file</dt>" in seeds_report
    assert 'story: <a href="#story-0">' in seeds_report
    # The altered McNulty wording is diffed against the canonical.
    assert "<del>uphold the</del>" in seeds_report and "<ins>honor its</ins>" in seeds_report
    # Nothing was cut for five documents.
    assert "budget truncated" not in seeds_report


def test_a_budget_cuts_the_page_and_says_so(tmp_path: Path) -> None:
    texts = {r["id"]: r["text"] for r in make_corpus(tmp_path / "c.jsonl", 80, seed=3, copy_rate=0.4)}
    result = retold.analyze([tmp_path / "c.jsonl"])
    assert len(result.pairs) > 6
    budget = ReportBudget(
        story_views=2,
        story_rows=5,
        pair_views=2,
        pair_rows=6,
        quote_views=3,
        document_views=3,
        document_rows=10,
        embedded_chars=20_000,
    )
    page = render_report(result, texts, budget)
    assert page.count('<section class="pair view"') == 2
    assert page.count('<section class="doc view"') == 3
    assert page.count('<section class="story view"') == 2
    assert page.count('data-kind="pair-row"') == 6
    assert page.count('data-kind="doc-row"') == 10
    assert f"showing 6 of {len(result.pairs):,} pairs in the table" in page
    assert f"showing 3 of {len(result.documents):,} documents shown in full" in page
    (block,) = DATA_BLOCK.findall(page)
    data = json.loads(block)
    # Every document without a view is embedded (metadata always, text within the budget), so links never dangle.
    embedded_docs = {str(n) for n in data["documents"]["number"]}
    assert len(embedded_docs) >= len(result.documents) - 3
    # Pairs listed without a view open from the JSON, with both texts there.
    assert data["pairs"]
    for pair in data["pairs"].values():
        assert str(pair["a"]) in data["texts"] and str(pair["b"]) in data["texts"]
    # Beyond what those pairs need, embedded text stays within the budget.
    for_pairs = {str(pair[side]) for pair in data["pairs"].values() for side in ("a", "b")}
    embedded = sum(len(t["text"]) for number, t in data["texts"].items() if number not in for_pairs)
    assert 0 < embedded <= 20_000
    # No link dangles: it lands on an element of the page, or on a view the script renders from the JSON.
    elements = _parse(page)
    ids = {attrs["id"] for _, attrs in elements.tags if attrs.get("id")}
    for _, attrs in elements.tags:
        href = attrs.get("href") or ""
        if not href.startswith("#") or href[1:] in ids:
            continue
        kind, number = re.fullmatch(r"#(doc|pair)-(\d+)(?:-[ab]-\d+)?", href).groups()
        assert number in (embedded_docs if kind == "doc" else data["pairs"]), href
    assert set(data["storyAnchors"].values()) <= ids
    for _, _, _, anchor in data["pairIndex"].values():
        assert anchor is None or anchor in ids or anchor.removeprefix("pair-") in data["pairs"]


def test_views_order_top_stories_first(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c.jsonl", 60, seed=5, copy_rate=0.5)
    result = retold.analyze([tmp_path / "c.jsonl"])
    page = render_report(result, {}, ReportBudget(story_views=1))
    biggest = max(len(s.documents) for s in result.stories)
    (shown,) = re.findall(r'<section class="story view" id="story-(\d+)"', page)
    assert len(result.stories[int(shown)].documents) == biggest


SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    raw=st.text(alphabet=st.sampled_from(list("ab <>&\"'\n\u202eé")), max_size=60),
    passages=SPANS,
    boilerplate=SPANS,
    limit=st.one_of(st.none(), st.integers(0, 70)),
)
def test_marked_text_keeps_every_character_and_never_crosses_tags(
    raw: str, passages: list[list[int]], boilerplate: list[list[int]], limit: int | None
) -> None:
    highlights = [Highlight(s, e, "verbatim", k, f"x-{k}", f"y-{k}") for k, (s, e) in enumerate(passages)]
    markup = marked_text(raw, highlights, boilerplate, limit=limit)
    elements = _parse(f"<pre>{markup}</pre>")
    shown = raw if limit is None else raw[:limit]
    text = "".join(elements.text)
    assert text.startswith(shown)
    assert text[len(shown) :] == (
        "" if len(shown) == len(raw) else f"[… {len(raw) - len(shown):,} more characters not shown]"
    )
    assert {tag for tag, _ in elements.tags} <= {"pre", "a", "mark", "span"}
    # Well nested: a stack of open tags closes in order.
    stack: list[str] = []
    for match in re.finditer(r"<(/?)(a|mark|span)\b", markup):
        closing, tag = match.groups()
        if closing:
            assert stack and stack.pop() == tag
        else:
            stack.append(tag)
    assert not stack
