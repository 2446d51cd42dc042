"""Size and load time of the HTML report over a large corpus, in headless chromium.

    .venv/bin/python benchmarks/report_size.py [--docs 10000] [--seed 13] [--work DIR] [--runs 3]
        [--reanalyze] [--skip-unbudgeted]

1. Corpus: ``corpus.py``'s generator (the dedup benchmark's news-like articles
   recombined from real paragraphs, read in place from ``/work/shared/data``, with
   planted near-duplicates), plus metadata so every view has something to show: a
   title (the article's first words), one of 25 outlets, an https URL, a byline, and a
   date (base articles spread over 2014-2018, each planted copy 1-3 days after its
   original).
2. ``retold.analyze`` end to end with ``--out`` (it writes the tables and report.html),
   store and outputs kept under ``--work``. A later run reuses the tables written there
   unless ``--reanalyze`` (analysing 10,000 articles takes a while on 2 cores).
3. The report rendered again from the result (``render_report``), timed, once with the
   default ``ReportBudget`` and once with no budget at all (every story, pair, quotation
   and document in the page), for comparison.
4. Each report opened ``--runs`` times over file:// in Debian's chromium (headless,
   Playwright, a fresh context each time). From the Navigation Timing API: time to
   DOMContentLoaded and to the end of the load event (the report's script runs before
   both), first contentful paint; and one pass of search and filters over the whole
   page (a search term set, a label filter toggled: the script filters every row and
   view and searches the embedded documents). Medians are printed. The runs also check
   that no request leaves file:// and that the script ran. A report over 100 MB (the one
   without a budget, at 10,000 articles) is measured by its size only.

Prints one markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import DATA_DIR, generate
from retold.api import AnalysisResult, analyze
from retold.model import Quote, QuoteOccurrence, RunSummary, Span, Story, TimelineEntry
from retold.records import pair_from_dict
from retold.report import ReportBudget, render_report

DEFAULT_DOCS = 10_000
DEFAULT_SEED = 13
DEFAULT_WORK = Path(__file__).resolve().parent / "_work"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOAD_TIMEOUT_MS = 300_000
# A report bigger than this is not opened: it would not open in "a few seconds" anyway, and
# chromium may take minutes or run out of memory on it. Its size is the result.
MAX_LOADED_BYTES = 100_000_000
OUTLET_NAMES = (
    "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett "
    "Austin Boston Denver Fresno Lagos Leeds Lima Lyon Oslo Perth Northern Southern Eastern Western Central"
)
OUTLETS = tuple(f"The {name} Courier" for name in OUTLET_NAMES.split())
TITLE_WORDS = 10
DEFAULT_BUDGET = ReportBudget()
YEARS = (2014, 2018)
# One pass of the filters: a search term and a pair-label toggle, timed inside the page.
FILTER_PASS_JS = """() => {
  const search = document.getElementById('search');
  search.value = 'government';
  const box = document.querySelector('input[name=pair-label]');
  const start = performance.now();
  box.click();
  const ms = performance.now() - start;
  box.click();
  return ms;
}"""
TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp: paint ? paint.startTime : null,
          ready: document.documentElement.dataset.ready || null,
          elements: document.getElementsByTagName('*').length};
}"""


@dataclass
class LoadTimes:
    dom_content_loaded: float  # seconds, median
    load: float
    first_paint: float | None
    filter_pass_ms: float
    elements: int
    wall: float  # page.goto until the load event, as Playwright sees it


@dataclass
class Row:
    name: str
    size: int
    render_seconds: float
    times: LoadTimes | None
    note: str = ""


def add_metadata(source: Path, target: Path, truth: Path, seed: int) -> dict[str, str]:
    """Copy the corpus with title, date, outlet, URL and byline added; returns id -> text."""
    rng = random.Random(seed)
    copies: dict[str, str] = {}
    for line in truth.read_text(encoding="utf-8").splitlines():
        planted = json.loads(line)
        if planted["kind"] == "base-copy":
            copies[planted["b"]] = planted["a"]
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    first_day = time.mktime((YEARS[0], 1, 1, 0, 0, 0, 0, 0, -1))
    last_day = time.mktime((YEARS[1], 12, 31, 0, 0, 0, 0, 0, -1))
    dates = {r["id"]: rng.uniform(first_day, last_day) for r in records}
    for copy, original in copies.items():
        dates[copy] = dates[original] + 86_400 * rng.randint(1, 3)
    texts: dict[str, str] = {}
    with target.open("w", encoding="utf-8") as handle:
        for record in records:
            outlet = rng.choice(OUTLETS)
            slug = outlet.lower().replace(" ", "-")
            record["title"] = " ".join(record["text"].split()[:TITLE_WORDS])
            record["date"] = time.strftime("%Y-%m-%d", time.localtime(dates[record["id"]]))
            record["outlet"] = outlet
            record["url"] = f"https://{slug}.example/{record['id']}"
            record["byline"] = f"By Reporter {rng.randint(1, 400)}"
            texts[record["id"]] = record["text"]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return texts


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_result(out: Path) -> AnalysisResult:
    """The analysis result read back from the tables ``analyze`` wrote."""
    stories = [
        Story(
            id=s["id"],
            title=s["title"],
            documents=tuple(s["documents"]),
            events=tuple(tuple(e) for e in s["events"]),
            first=s["first"],
            dates=(s["dates"][0], s["dates"][1]),
            timeline=tuple(
                TimelineEntry(t["doc"], t["date"], t["outlet"], t["event"], t["role"]) for t in s["timeline"]
            ),
        )
        for s in _jsonl(out / "stories.jsonl")
    ]
    quotes = [
        Quote(
            id=q["id"],
            speaker=q["speaker"],
            text=q["text"],
            occurrences=tuple(
                QuoteOccurrence(
                    doc=o["doc"],
                    span=Span(*o["span"]),
                    text=o["text"],
                    speaker=o["speaker"],
                    altered=o["altered"],
                    diff=tuple((op, words) for op, words in o["diff"]),
                )
                for o in q["occurrences"]
            ),
        )
        for q in _jsonl(out / "quotes.jsonl")
    ]
    documents = _jsonl(out / "documents.jsonl")
    pairs = [pair_from_dict(p) for p in _jsonl(out / "pairs.jsonl")]
    return AnalysisResult(documents, pairs, stories, quotes, RunSummary(documents=len(documents), pairs=len(pairs)))


def measure(report: Path, runs: int) -> LoadTimes:
    from playwright.sync_api import sync_playwright

    dcl: list[float] = []
    load: list[float] = []
    paint: list[float] = []
    filters: list[float] = []
    walls: list[float] = []
    elements = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            start = time.perf_counter()
            page.goto(report.as_uri(), wait_until="load", timeout=LOAD_TIMEOUT_MS)
            walls.append(time.perf_counter() - start)
            timing = page.evaluate(TIMING_JS)
            if timing["ready"] != "1":
                raise RuntimeError(f"{report}: the report's script did not run")
            if any(not url.startswith(("file:", "data:")) for url in requests):
                raise RuntimeError(f"{report}: requests left the page: {requests}")
            dcl.append(timing["dcl"] / 1000)
            load.append(timing["load"] / 1000)
            if timing["fcp"] is not None:
                paint.append(timing["fcp"] / 1000)
            elements = timing["elements"]
            filters.append(page.evaluate(FILTER_PASS_JS))
            context.close()
        browser.close()
    return LoadTimes(
        dom_content_loaded=statistics.median(dcl),
        load=statistics.median(load),
        first_paint=statistics.median(paint) if paint else None,
        filter_pass_ms=statistics.median(filters),
        elements=elements,
        wall=statistics.median(walls),
    )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus, store and outputs")
    parser.add_argument("--runs", type=int, default=3, help="page loads per report (median)")
    parser.add_argument("--reanalyze", action="store_true", help="analyse even if the tables are in --work")
    parser.add_argument("--skip-unbudgeted", action="store_true", help="do not build the report without a budget")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    work = args.work or DEFAULT_WORK / f"report-{args.docs}-{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    out = work / "out"

    started = time.perf_counter()
    corpus = generate(args.docs, work, seed=args.seed, data_dir=DATA_DIR)
    texts = add_metadata(corpus.path, work / "corpus_meta.jsonl", corpus.truth_path, args.seed)
    print(f"corpus: {len(texts):,} articles in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    tables = [out / f"{name}.jsonl" for name in ("documents", "pairs", "stories", "quotes")]
    if args.reanalyze or not all(t.exists() for t in tables):
        store = work / "store.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        result = analyze([work / "corpus_meta.jsonl"], out=out, store=store)
        analysis = f"analyze: {time.perf_counter() - started:.0f} s"
    else:
        result = load_result(out)
        analysis = "analyze: tables reused from an earlier run"
    print(analysis, file=sys.stderr)

    rows: list[Row] = []
    budgets = [("default budget", DEFAULT_BUDGET)]
    if not args.skip_unbudgeted:
        everything = 10**9
        budgets.append(
            (
                "no budget (everything inline)",
                ReportBudget(
                    story_views=everything,
                    story_rows=everything,
                    pair_views=everything,
                    pair_rows=everything,
                    quote_views=everything,
                    document_views=everything,
                    document_rows=everything,
                    embedded_chars=0,
                ),
            )
        )
    for name, budget in budgets:
        started = time.perf_counter()
        page = render_report(result, texts, budget)
        render_seconds = time.perf_counter() - started
        report = work / f"report-{name.split()[0]}.html"
        report.write_text(page, encoding="utf-8")
        size = os.path.getsize(report)
        print(f"{name}: {_mb(size)}, rendered in {render_seconds:.1f} s; loading…", file=sys.stderr)
        times: LoadTimes | None = None
        note = ""
        if size > MAX_LOADED_BYTES:
            note = f"not opened: over {_mb(MAX_LOADED_BYTES)}"
        else:
            try:
                times = measure(report, args.runs)
            except Exception as error:  # a timeout on the unbudgeted page is a result, not a crash
                note = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
        if budget is not DEFAULT_BUDGET:
            report.unlink()  # hundreds of megabytes
        rows.append(Row(name, size, render_seconds, times, note))

    labels: dict[str, int] = {}
    for pair in result.pairs:
        labels[pair.label] = labels.get(pair.label, 0) + 1
    print(
        f"\n{len(result.documents):,} articles, {len(result.pairs):,} related pairs "
        f"({', '.join(f'{n:,} {label}' for label, n in sorted(labels.items()))}), {len(result.stories):,} stories, "
        f"{len(result.quotes):,} quotations; {analysis}; chromium headless, median of {args.runs} loads; "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n"
    )
    print(
        "| report | size | render (Python) | DOMContentLoaded | load event | first paint | search + filter pass "
        "| elements | note |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        t = row.times
        if t is None:
            print(f"| {row.name} | {_mb(row.size)} | {row.render_seconds:.1f} s | — | — | — | — | — | {row.note} |")
            continue
        paint = f"{t.first_paint:.2f} s" if t.first_paint is not None else "—"
        print(
            f"| {row.name} | {_mb(row.size)} | {row.render_seconds:.1f} s | {t.dom_content_loaded:.2f} s "
            f"| {t.load:.2f} s | {paint} | {t.filter_pass_ms:.0f} ms | {t.elements:,} | {row.note} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
