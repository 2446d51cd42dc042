"""The report in a real browser: Debian's chromium, headless, driven by Playwright.

The report of the samples is opened over file://; the tests go to the 000-001 pair,
check its aligned passages are highlighted and linked on both sides, find the altered
McNulty quotation in the tracker, use search and filters, and check that no request
leaves the page and that a hostile document's script never runs. Screenshots go to
``$RETOLD_ARTIFACTS`` (CI keeps that folder) or to a temporary folder.

Playwright never downloads a browser here: it launches /usr/bin/chromium, which
``.ci/run`` installs with apt-get.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import retold
from conftest import SHARED
from corpus import make_corpus
from report_hostile import JAVASCRIPT_URL, SCRIPT_TAG, hostile_report
from retold.report import ReportBudget, render_report

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (.ci/run installs it with apt-get)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 900}
# Links that would leave the page: anything but an anchor or an https metadata URL.
LINKS_OUT_OF_THE_PAGE = (
    "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).filter(h => !/^(#|https:)/.test(h))"
)
GOLD = SHARED / "data" / "seeds" / "gold.json"


@dataclass
class PageWatch:
    """Everything a page did that a report must never do."""

    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: sync_api.Page) -> None:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)

        def dismiss(dialog: sync_api.Dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert self.errors == []
        assert all(url.startswith(("file:", "data:")) for url in self.requests), self.requests


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ["RETOLD_ARTIFACTS"]) if os.environ.get("RETOLD_ARTIFACTS") else None
    folder = folder or tmp_path_factory.mktemp("report-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    retold.analyze([seeds_dir], out=out)
    return out / "report.html"


def _open(browser: sync_api.Browser, report: Path, fragment: str = "") -> tuple[sync_api.Page, PageWatch]:
    page = browser.new_page(viewport=VIEWPORT)
    watch = PageWatch()
    watch.attach(page)
    page.goto(report.as_uri() + fragment, wait_until="load")
    return page, watch


def _seed_text(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_report_loads_offline_with_its_script_and_no_error(
    browser: sync_api.Browser, seeds_report: Path, artifacts: Path
) -> None:
    page, watch = _open(browser, seeds_report)
    # The script ran (the CSP hash matches) and showed the search tools.
    assert page.evaluate("document.documentElement.dataset.ready") == "1"
    assert page.locator("#tools").is_visible()
    page.screenshot(path=str(artifacts / "overview.png"))
    # In print the tools go and the texts are printed whole, not in scrolling boxes.
    page.emulate_media(media="print")
    assert not page.locator("#tools").is_visible()
    assert page.locator("section.pair pre").first.evaluate("e => getComputedStyle(e).maxHeight") == "none"
    page.pdf(path=str(artifacts / "report.pdf"))
    watch.assert_clean()
    assert watch.requests == [seeds_report.as_uri()]
    page.close()


def test_pair_000_001_passages_highlighted_and_linked_on_both_sides(
    browser: sync_api.Browser, seeds_report: Path, seeds_dir: Path, artifacts: Path
) -> None:
    page, watch = _open(browser, seeds_report)
    page.get_by_role("link", name="Pairs", exact=True).click()
    row_link = page.locator("table.pairs a", has_text=re.compile(r"000_\w+ ↔ 001_\w+"))
    row_link.click()
    section = page.locator('section.pair[data-a^="000_"][data-b^="001_"]')
    assert page.evaluate("location.hash") == "#" + section.get_attribute("id")
    assert section.locator(".label").first.inner_text() == "rewrite"
    assert "direction:" in section.locator(".verdict").inner_text()
    assert section.locator("ul.reasons li").count() > 0
    for side, prefix in (("a", "000"), ("b", "001")):
        marks = section.locator(f".side-{side} mark.hl")
        assert marks.count() > 0, side
        raw = _seed_text(seeds_dir, prefix)
        for k in range(min(marks.count(), 5)):
            assert marks.nth(k).text_content() in raw
        # Highlighted for real: a background colour, not only a class.
        colour = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    kinds = {m.get_attribute("class") for m in section.locator("mark.hl").all()}
    assert {"hl reworded"} <= kinds and len(kinds) >= 2  # kinds are told apart
    section.screenshot(path=str(artifacts / "pair-000-001.png"))

    # Clicking a passage on one side jumps to its counterpart on the other.
    first_a = section.locator(".side-a a.psg[id]").first
    target = first_a.get_attribute("href")
    assert target and re.fullmatch(r"#pair-\d+-b-\d+", target)
    first_a.click()
    assert page.evaluate("location.hash") == target
    counterpart = section.locator(f".side-b {target}")
    assert counterpart.count() == 1
    assert counterpart.evaluate("e => e.matches(':target')")
    assert counterpart.locator("mark.hl").text_content() in _seed_text(seeds_dir, "001")
    assert page.locator(f"{target}.active").count() == 1  # lit up on both sides
    section.screenshot(path=str(artifacts / "pair-000-001-linked.png"))
    watch.assert_clean()
    page.close()


def test_quotation_tracker_shows_the_altered_mcnulty_quotation(
    browser: sync_api.Browser, seeds_report: Path, artifacts: Path
) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8")) if GOLD.exists() else None
    original, altered = "uphold the commitments it made", "honor its commitments made"
    if gold:
        (mcnulty,) = [
            q for q in gold["quotes"] if q["speaker"] == "Jessica McNulty" and "uphold" in q["variants"][0]["excerpt"]
        ]
        original = next(v["excerpt"] for v in mcnulty["variants"] if v["docs"] == ["001"])
        altered = next(v["excerpt"] for v in mcnulty["variants"] if v["docs"] == ["000"])
    dropped = set(original.lower().split()) - set(altered.lower().split())
    put_in = set(altered.lower().split()) - set(original.lower().split())

    page, watch = _open(browser, seeds_report)
    page.get_by_role("link", name="Quotation tracker").click()
    assert page.evaluate("location.hash") == "#quotes"
    quote = page.locator('section.quote[data-status~="altered"]', has=page.locator("h3", has_text="McNulty")).filter(
        has=page.locator("blockquote", has_text=original.split(" U.S.")[0])
    )
    assert quote.count() == 1
    quote.scroll_into_view_if_needed()
    row = quote.locator("tr.altered-row")
    assert row.count() == 1
    assert row.locator("td").first.inner_text().startswith("000_")
    assert row.locator(".altered").is_visible()
    deleted = " ".join(row.locator("del").all_inner_texts()).lower().split()
    inserted = " ".join(row.locator("ins").all_inner_texts()).lower().split()
    assert dropped <= set(deleted) and put_in <= set(inserted)
    quote.screenshot(path=str(artifacts / "quote-mcnulty.png"))
    watch.assert_clean()
    page.close()


def test_search_and_filters_hide_what_does_not_match(
    browser: sync_api.Browser, seeds_report: Path, artifacts: Path
) -> None:
    page, watch = _open(browser, seeds_report)
    quotes = page.locator("section.quote")
    total = quotes.count()
    page.locator("#search").fill("McNulty")
    page.wait_for_function("document.getElementById('filter-status').textContent.includes('quotations')")
    page.wait_for_timeout(300)  # the search waits for typing to pause
    shown = [q for q in quotes.all() if q.is_visible()]
    assert 0 < len(shown) < total
    for q in quotes.all():
        assert q.is_visible() == ("mcnulty" in q.text_content().lower())
    # Documents match on their text: 003 and 004 never mention McNulty.
    doc_rows = page.locator('tr[data-kind="doc-row"]')
    visible_docs = {r.locator("td").first.inner_text()[:3] for r in doc_rows.all() if r.is_visible()}
    assert visible_docs and not visible_docs & {"003", "004"}
    assert re.search(r"\d+ of \d+ quotations", page.locator("#filter-status").inner_text())
    page.screenshot(path=str(artifacts / "search-mcnulty.png"))

    page.locator("#search").fill("")
    page.wait_for_timeout(300)
    assert all(q.is_visible() for q in quotes.all()[:3])
    # Pair labels: the seven same-story pairs, two partial and one rewrite; unticking
    # "partial" and "same_story" leaves the rewrite.
    rows = page.locator('tr[data-kind="pair-row"]')
    assert Counter(r.get_attribute("data-label") for r in rows.all()) == {"same_story": 7, "partial": 2, "rewrite": 1}
    for label in ("partial", "same_story"):
        page.locator(f'input[name="pair-label"][value="{label}"]').uncheck()
    for view in page.locator("section.pair").all():
        assert view.is_visible() == (view.get_attribute("data-label") not in {"partial", "same_story"})
    assert [r.get_attribute("data-label") for r in rows.all() if r.is_visible()] == ["rewrite"]
    # Quotation status: only altered ones.
    page.locator("#quote-status").select_option("altered")
    for q in quotes.all():
        assert q.is_visible() == ("altered" in q.get_attribute("data-status").split())
    page.screenshot(path=str(artifacts / "filters.png"))
    watch.assert_clean()
    page.close()


def test_document_view_greys_boilerplate_and_links_its_pairs(
    browser: sync_api.Browser, seeds_report: Path, artifacts: Path
) -> None:
    page, watch = _open(browser, seeds_report)
    page.locator("table.documents a", has_text=re.compile(r"^001_")).click()
    view = page.locator(page.evaluate("location.hash"))
    assert view.locator("dl.docmeta").inner_text().startswith("id")
    boilerplate = view.locator("pre .bp")
    assert boilerplate.count() > 0
    assert "Leave a Reply" in " ".join(boilerplate.all_text_contents())
    grey = boilerplate.first.evaluate("e => getComputedStyle(e).color")
    body = view.locator("pre").evaluate("e => getComputedStyle(e).color")
    assert grey != body
    # 001's pairs: the rewrite 000, the partial 002, and same-story 003 and 004.
    related = view.locator(".links").inner_text()
    assert view.locator('.links a[href^="#pair-"]').count() == 4
    for other, label in (("000", "rewrite"), ("002", "partial"), ("003", "same_story"), ("004", "same_story")):
        assert re.search(rf"{other}\S*\s+{label}", related), (other, label, related)
    view.screenshot(path=str(artifacts / "document-001.png"))
    watch.assert_clean()
    page.close()


def test_a_hostile_documents_script_never_runs(
    browser: sync_api.Browser, tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> None:
    # One document rendered in the page, the others by the script from embedded JSON.
    report, _ = hostile_report(tmp_path_factory.mktemp("hostile"), ReportBudget(document_views=1))
    page, watch = _open(browser, report)
    documents = page.locator('tr[data-kind="doc-row"] td:first-child a')
    anchors = [a.get_attribute("href") for a in documents.all()]
    assert len(anchors) == 5
    for anchor in anchors:
        page.evaluate("fragment => { location.hash = fragment; }", anchor)
        page.locator(anchor).wait_for(state="attached")
    for view in page.locator("section.pair").all():
        view.scroll_into_view_if_needed()
    page.locator("#search").fill("script")
    page.wait_for_timeout(300)
    # Hovering everything the document could have put an event handler on.
    for element in page.locator("section.doc pre, section.doc dd").all()[:20]:
        element.hover()
    page.screenshot(path=str(artifacts / "hostile.png"), full_page=False)

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, base').length") == 0
    assert page.evaluate(LINKS_OUT_OF_THE_PAGE) == []
    text = page.locator("body").inner_text()
    assert SCRIPT_TAG in text  # shown as text
    assert JAVASCRIPT_URL in text and "not linked" in text
    assert page.url.startswith("file:")
    watch.assert_clean()
    page.close()


def test_views_beyond_the_budget_open_on_demand(browser: sync_api.Browser, tmp_path: Path, artifacts: Path) -> None:
    texts = {r["id"]: r["text"] for r in make_corpus(tmp_path / "c.jsonl", 40, seed=3, copy_rate=0.4)}
    result = retold.analyze([tmp_path / "c.jsonl"])
    budget = ReportBudget(pair_views=1, pair_rows=20, document_views=2, document_rows=5, embedded_chars=10**6)
    report = tmp_path / "report.html"
    report.write_text(render_report(result, texts, budget), encoding="utf-8")
    page, watch = _open(browser, report)
    note = page.locator("p.budget.truncated", has_text="pairs shown side by side").inner_text()
    assert note.startswith("showing 1 of") and "more open on demand" in note
    lazy_row = page.locator('tr[data-kind="pair-row"]').nth(1)
    lazy_row.locator("a").click()
    hash_ = page.evaluate("location.hash")
    view = page.locator(f"section.pair.lazy{hash_}")
    assert view.count() == 1
    assert view.locator(".side-a mark.hl").count() > 0 and view.locator(".side-b mark.hl").count() > 0
    pair_a, pair_b = view.get_attribute("data-a"), view.get_attribute("data-b")
    assert view.locator(".side-a mark.hl").first.text_content() in texts[pair_a]
    assert view.locator(".side-b mark.hl").first.text_content() in texts[pair_b]
    view.screenshot(path=str(artifacts / "lazy-pair.png"))
    # Search finds documents the table does not list, and opens them.
    unlisted = sorted(
        set(texts) - {a.inner_text() for a in page.locator('tr[data-kind="doc-row"] td:first-child a').all()}
    )[0]
    page.locator("#search").fill(unlisted)
    more = page.locator("#more-docs a", has_text=unlisted)
    more.wait_for()
    more.click()
    doc_view = page.locator(f"section.doc.lazy{page.evaluate('location.hash')}")
    assert doc_view.locator("pre").text_content() == texts[unlisted]
    watch.assert_clean()
    page.close()


def test_report_reads_without_javascript(browser: sync_api.Browser, seeds_report: Path, artifacts: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT)
    page = context.new_page()
    watch = PageWatch()
    watch.attach(page)
    page.goto(seeds_report.as_uri() + "#pairs", wait_until="load")
    assert not page.locator("#tools").is_visible()  # the search needs the script: it stays hidden
    assert page.locator("noscript").count() == 1
    section = page.locator('section.pair[data-a^="000_"][data-b^="001_"]')
    assert section.locator(".side-a mark.hl").count() > 0 and section.locator(".side-b mark.hl").count() > 0
    # Anchor links still jump from a passage to its counterpart.
    link = section.locator(".side-b a.psg[id]").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    assert page.locator("section.quote").count() > 0 and page.locator("section.doc").count() == 5
    page.screenshot(path=str(artifacts / "no-javascript.png"))
    watch.assert_clean()
    context.close()
