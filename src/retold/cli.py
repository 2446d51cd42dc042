"""The ``retold`` command line: a thin layer over ``retold.api``.

Exit codes: 0 when anything was processed (inputs that could not be read are
reported on stderr and in the summary); 1 on an error that stops the run (an
unusable store, an unwritable output); 2 when no input could be processed or
the command line is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from retold import __version__

from .api import analyze, compare, dedup
from .config import DedupConfig, ReadConfig, Settings
from .model import RunSummary, Skipped
from .pipeline import ProgressCallback
from .records import pair_to_dict, passage_to_dict, quote_to_dict
from .store import StoreError
from .terminal import print_comparison, print_quotes

EXIT_OK, EXIT_ERROR, EXIT_NOTHING = 0, 1, 2


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, globs, or - for stdin")
    parser.add_argument("--store", metavar="PATH", help="keep the workspace in this SQLite file across runs")
    parser.add_argument("--threshold", type=float, default=0.8, help="Jaccard threshold of near-duplicates")
    parser.add_argument("--num-perm", type=int, default=128, help="MinHash signature length")
    parser.add_argument("--ngram", type=int, default=5, help="words per shingle")
    parser.add_argument("--seed", type=int, default=1, help="hash seed (same seed, same output)")
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    parser.add_argument("--batch-size", type=int, default=500, help="documents per store transaction")
    parser.add_argument("--text-field", default="text", help="field holding the text in JSONL/CSV/Parquet")
    parser.add_argument("--id-field", default="id", help="field holding the document id")
    parser.add_argument("--title-field", default="title")
    parser.add_argument("--date-field", default="date")
    parser.add_argument("--url-field", default="url")
    parser.add_argument("--outlet-field", default="outlet")
    parser.add_argument("--encoding", default="utf-8", help="encoding of text inputs")
    parser.add_argument("--max-chars", type=int, default=5_000_000, help="skip documents longer than this")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")


def _add_engine(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", choices=("local", "spark"), default="local", help="run here (local) or as Spark jobs (spark)"
    )
    parser.add_argument(
        "--spark-master", metavar="URL", default=None, help="Spark master for --engine spark (default local[*])"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="retold", description="Find where a news story is told again.")
    parser.add_argument("--version", action="version", version=f"retold {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    p_analyze = commands.add_parser("analyze", help="relate every pair of articles and write the tables and the report")
    _add_common(p_analyze)
    p_analyze.add_argument("--out", required=True, metavar="DIR", help="folder for the tables and report.html")
    _add_engine(p_analyze)
    p_dedup = commands.add_parser("dedup", help="cluster exact and near-duplicate documents")
    _add_common(p_dedup)
    p_dedup.add_argument("--out", required=True, metavar="FILE", help="records as .jsonl or .parquet")
    _add_engine(p_dedup)
    p_quotes = commands.add_parser("quotes", help="list the quotations, who said them, where, and how they changed")
    _add_common(p_quotes)
    p_compare = commands.add_parser("compare", help="show how two documents relate, passage by passage")
    p_compare.add_argument("a", metavar="A", help="a document file (its first record)")
    p_compare.add_argument("b", metavar="B", help="another document file")
    p_compare.add_argument("--json", action="store_true", help="print the pair and its passages as JSON")
    p_compare.add_argument("--width", type=int, default=0, help="terminal width (default: detected)")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        read=ReadConfig(
            text_field=args.text_field,
            id_field=args.id_field,
            title_field=args.title_field,
            date_field=args.date_field,
            url_field=args.url_field,
            outlet_field=args.outlet_field,
            encoding=args.encoding,
            max_chars=args.max_chars,
        ),
        dedup=DedupConfig(threshold=args.threshold, num_perm=args.num_perm, ngram=args.ngram, seed=args.seed),
        batch_size=args.batch_size,
        workers=args.workers,
    )


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressCallback]:
    if not enabled:
        yield lambda stage, done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _report_skip(item: Skipped) -> None:
    print(f"retold: skipped {item.message()}", file=sys.stderr)


def _summary_dict(summary: RunSummary, command: str, out: str) -> dict[str, Any]:
    return {
        "command": command,
        "out": out,
        "read": summary.read,
        "new": summary.new,
        "unchanged": summary.unchanged,
        "skipped": [{"path": s.path, "location": s.location, "reason": s.reason} for s in summary.skipped],
        "documents": summary.documents,
        "pairs": summary.pairs,
        "labels": summary.labels,
        "clusters": summary.clusters,
        "seconds": round(summary.seconds, 3),
    }


def _print_summary(data: dict[str, Any]) -> None:
    labels = ", ".join(f"{k} {v}" for k, v in sorted(data["labels"].items())) or "none"
    lines = [
        f"retold {data['command']}: read {data['read']} ({data['new']} new, {data['unchanged']} already stored), "
        f"skipped {len(data['skipped'])}",
        f"  documents in store: {data['documents']}",
    ]
    if data["command"] == "dedup":
        lines.append(f"  clusters: {data['clusters']} (duplicate pairs: {data['pairs']})")
    else:
        lines.append(f"  related pairs: {data['pairs']} ({labels})")
    lines.append(f"  wrote {data['out']} in {data['seconds']:.2f} s")
    for item in data["skipped"][:20]:
        where = f"{item['path']}:{item['location']}" if item["location"] else item["path"]
        lines.append(f"  skipped {where}: {item['reason']}")
    if len(data["skipped"]) > 20:
        lines.append(f"  … and {len(data['skipped']) - 20} more skipped (see stderr or --json)")
    print("\n".join(lines))


def _compare(args: argparse.Namespace) -> int:
    try:
        comparison = compare(args.a, args.b, on_skip=_report_skip)
    except ValueError as error:
        print(f"retold: {error}", file=sys.stderr)
        return EXIT_NOTHING
    if args.json:
        record = pair_to_dict(comparison.pair) if comparison.pair else None
        passages = [passage_to_dict(p) for p in comparison.passages]
        print(json.dumps({"pair": record, "passages": passages}, ensure_ascii=False))
    else:
        print_comparison(comparison, width=args.width or None)
    return EXIT_OK


def _quotes(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        settings = settings_from(args)
    except ValueError as error:
        parser.error(str(error))
    try:
        result = analyze(args.inputs, store=args.store, settings=settings, on_skip=_report_skip)
    except (StoreError, OSError) as error:
        print(f"retold: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        for quote in result.quotes:
            print(json.dumps(quote_to_dict(quote), ensure_ascii=False))
    else:
        print_quotes(result.quotes, {d["id"]: d.get("date") for d in result.documents})
    return EXIT_OK if result.summary.new + result.summary.unchanged else EXIT_NOTHING


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "compare":
        return _compare(args)
    if args.command == "quotes":
        return _quotes(args, parser)
    try:
        settings = settings_from(args)
    except ValueError as error:
        parser.error(str(error))
    if args.engine == "spark" and args.store:
        parser.error("--store is not used by --engine spark (it keeps no workspace)")
    command: Callable[..., Any] = analyze if args.command == "analyze" else dedup
    show_progress = not args.quiet and sys.stderr.isatty()
    started = time.perf_counter()
    try:
        with _progress(show_progress) as progress:
            result = command(
                args.inputs,
                out=args.out,
                store=args.store,
                settings=settings,
                on_skip=_report_skip,
                progress=progress,
                engine=args.engine,
                spark_master=args.spark_master,
            )
    except StoreError as error:
        print(f"retold: {error}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:
        print(f"retold: {error}", file=sys.stderr)
        return EXIT_ERROR
    summary = result.summary
    summary.seconds = time.perf_counter() - started
    data = _summary_dict(summary, args.command, args.out)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    elif not args.quiet:
        _print_summary(data)
    processed = summary.new + summary.unchanged
    return EXIT_OK if processed or (summary.documents and not summary.skipped) else EXIT_NOTHING


if __name__ == "__main__":
    sys.exit(main())
