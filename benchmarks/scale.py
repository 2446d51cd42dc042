"""How ``retold dedup`` and ``retold analyze`` grow with the corpus: wall time, documents
per second and peak memory per stage, at 10k, 100k and 1M articles.

    .venv/bin/python benchmarks/scale.py [--sizes 10000 100000 1000000] [--analyze-upto 100000]
        [--work DIR] [--seed 13]

Corpora are written as JSONL, streaming (the generator holds a few thousand articles,
never the corpus), from the same real paragraphs as the dedup benchmark
(``corpus.py``: PolNeAR and PAN 2013 texts read in place from /work/shared/data):

* base articles: runs of consecutive paragraphs from 2-4 source texts, 300-1,200
  words. Unlike ``corpus.py`` there is no check that two base articles share at most
  30% of their words (that check keeps every article in memory and, at a million
  articles drawn from ~63k paragraphs, rejects almost every draw), so base articles
  share paragraphs as news articles share wire paragraphs;
* 10% near-duplicate copies of a recent base article (``corpus.plant_copy``: dropped
  paragraphs, boilerplate, word edits aiming at a Jaccard drawn from [0.5, 1.0]); the
  true word 5-gram Jaccard of each (original, copy) pair is recorded;
* 2% spun rewrites (``rewrite_scaling.spin``, 20-40% of content words swapped).

Each (command, size) runs in a fresh Python process through the API with a store and
an output folder in ``--work``, so its peak resident memory (``ru_maxrss`` of the
process and of its worker pools) is its own. Stages come from the progress callback:
each lasts from its first report to the next stage's; ``finish`` is what follows the
last report (clusters, result tables, writing the output). Recall: planted copies with
true Jaccard >= 0.85 found in one cluster (dedup) or as a related pair (analyze).

Prints one markdown table, a row per command and size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_article, load_pool, plant_copy, true_jaccard
from rewrite_scaling import cpu_seconds, spin

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
COPY_SHARE = 0.10
REWRITE_SHARE = 0.02
RECENT_BASES = 2_000  # copies are made of one of the last this many base articles
TARGET_JACCARD = (0.5, 1.0)
SPIN_RATE = (0.2, 0.4)
FOUND_FROM = 0.85  # planted copies at least this similar must be found
VOCABULARY_PARAGRAPHS = 3_000
TARGETS = {"dedup": (5 * 60, 2.0), "analyze": (60 * 60, 8.0)}  # seconds, GB at 1M articles


@dataclass(frozen=True, slots=True)
class Planted:
    original: str
    copy: str
    kind: str  # "copy" or "rewrite"
    jaccard: float


def write_corpus(path: Path, size: int, seed: int) -> list[Planted]:
    """Write ``size`` articles to ``path`` (JSONL: id, text, date); return the planted pairs."""
    rng = random.Random(seed * 1_000_003 + size)
    pool = load_pool()
    vocabulary = [
        token
        for paragraph in rng.sample(pool.paragraphs, min(VOCABULARY_PARAGRAPHS, len(pool.paragraphs)))
        for token in paragraph.split()
        if token.isalpha()
    ]
    recent: deque[tuple[str, list[str]]] = deque(maxlen=RECENT_BASES)
    planted: list[Planted] = []
    with path.open("w", encoding="utf-8") as handle:
        for n in range(size):
            doc_id = f"s{n:08d}"
            draw = rng.random()
            if recent and draw < COPY_SHARE:
                original, paragraphs = rng.choice(recent)
                target = rng.uniform(*TARGET_JACCARD)
                copied, _ = plant_copy(rng, paragraphs, target, vocabulary)
                text = "\n\n".join(copied)
                planted.append(Planted(original, doc_id, "copy", true_jaccard("\n\n".join(paragraphs), text)))
            elif recent and draw < COPY_SHARE + REWRITE_SHARE:
                original, paragraphs = rng.choice(recent)
                rate = rng.uniform(*SPIN_RATE)
                text = "\n\n".join(spin(rng, p, rate)[0] for p in paragraphs)
                planted.append(Planted(original, doc_id, "rewrite", true_jaccard("\n\n".join(paragraphs), text)))
            else:
                paragraphs = [pool.paragraphs[p] for p in build_article(rng, pool)]
                recent.append((doc_id, paragraphs))
                text = "\n\n".join(paragraphs)
            day = f"2016-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            handle.write(json.dumps({"id": doc_id, "text": text, "date": day}, ensure_ascii=False) + "\n")
    return planted


# ---------------------------------------------------------------- one measured run (own process)


def _peak_gb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024 / 1e9  # ru_maxrss is in KiB on Linux


def measure_one(command: str, corpus: Path, work: Path) -> dict:
    """Run ``retold.<command>`` on ``corpus``; return stage times, memory and what it found."""
    import retold.api as api

    starts: dict[str, float] = {}
    memory: dict[str, float] = {}

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage not in starts:
            if starts:
                memory[list(starts)[-1]] = _peak_gb()
            starts[stage] = time.perf_counter()

    began = time.perf_counter()
    run = api.dedup if command == "dedup" else api.analyze
    result = run([corpus], out=work / "out", store=work / "store.sqlite", progress=progress)
    ended = time.perf_counter()
    names = list(starts)
    stages = {
        name: (starts[names[k + 1]] if k + 1 < len(names) else ended) - starts[name] for k, name in enumerate(names)
    }
    if names:
        memory[names[-1]] = _peak_gb()
        stages = {"start": starts[names[0]] - began, **stages}
    # dedup: document -> cluster; analyze: the related pairs
    if isinstance(result, api.DedupResult):
        found = [[c.id, c.cluster] for c in result.clusters]
    else:
        found = [[p.a, p.b] for p in result.pairs]
    related = len(result.pairs)
    return {
        "seconds": ended - began,
        "cpu": cpu_seconds(),
        "peak_gb": _peak_gb(),
        "stages": stages,
        "stage_peak_gb": memory,
        "found": found,
        "related": related,
        "mode": command,
    }


# ---------------------------------------------------------------- driver


@dataclass(frozen=True, slots=True)
class Row:
    command: str
    size: int
    seconds: float
    cpu: float
    peak_gb: float
    stages: dict[str, float]
    stage_peak_gb: dict[str, float]
    related: int
    recall: float
    planted: int
    load: tuple[float, float, float]


def recall(command: str, found: list[list[str]], planted: Sequence[Planted]) -> tuple[float, int]:
    wanted = [p for p in planted if p.kind == "copy" and p.jaccard >= FOUND_FROM]
    if command == "dedup":
        cluster_of = {doc: cluster for doc, cluster in found}
        hits = sum(1 for p in wanted if p.original in cluster_of and cluster_of[p.original] == cluster_of.get(p.copy))
    else:
        pairs = {tuple(sorted(pair)) for pair in found}
        hits = sum(1 for p in wanted if tuple(sorted((p.original, p.copy))) in pairs)
    return hits / max(len(wanted), 1), len(wanted)


def run_measured(command: str, corpus: Path, work: Path) -> dict:
    """``measure_one`` in a fresh interpreter, so peak memory is this run's alone."""
    shutil.rmtree(work, ignore_errors=True)  # a store left from an earlier run would be reused
    work.mkdir(parents=True)
    report = work / "measured.json"
    subprocess.run(
        [sys.executable, __file__, "--measure", command, str(corpus), str(work), str(report)],
        check=True,
    )
    return json.loads(report.read_text(encoding="utf-8"))


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| command | docs | wall s | docs/s | CPU s | peak RSS GB | s per stage (peak GB after it) | related "
        "| recall J>=0.85 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        stages = ", ".join(
            f"{name} {sec:.1f}" + (f" ({r.stage_peak_gb[name]:.2f})" if name in r.stage_peak_gb else "")
            for name, sec in r.stages.items()
        )
        lines.append(
            f"| {r.command} | {r.size:,} | {r.seconds:.0f} | {r.size / r.seconds:,.0f} | {r.cpu:.0f} | "
            f"{r.peak_gb:.2f} | {stages} | {r.related:,} | {r.recall:.4f} ({r.planted:,}) |"
        )
    return "\n".join(lines)


def verdicts(rows: Sequence[Row]) -> list[str]:
    out = []
    for r in rows:
        if r.size != 1_000_000 or r.command not in TARGETS:
            continue
        seconds, gigabytes = TARGETS[r.command]
        out.append(
            f"{r.command} at 1M: {r.seconds / 60:.1f} min (target {seconds / 60:.0f}), "
            f"{r.peak_gb:.2f} GB (target {gigabytes:.0f}): "
            + ("met" if r.seconds <= seconds and r.peak_gb <= gigabytes else "missed")
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--analyze-upto", type=int, default=100_000, help="largest size analyze runs on")
    parser.add_argument("--commands", nargs="+", default=["dedup", "analyze"], choices=["dedup", "analyze"])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--work", type=Path, help="keep corpora, stores and outputs here (default: temporary)")
    parser.add_argument("--keep-corpora", action="store_true", help="keep the generated JSONL in --work and reuse it")
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        command, corpus, work, report = args.measure
        result = measure_one(command, Path(corpus), Path(work))
        Path(report).write_text(json.dumps(result), encoding="utf-8")
        return 0

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; Python {platform.python_version()}",
        file=sys.stderr,
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="retold-scale-") as folder:
        base = args.work or Path(folder)
        base.mkdir(parents=True, exist_ok=True)
        for size in sorted(args.sizes):
            corpus = base / f"scale-{size}.jsonl"
            truth = base / f"scale-{size}.truth.jsonl"
            if args.keep_corpora and corpus.exists() and truth.exists():
                planted = [Planted(**json.loads(line)) for line in truth.read_text(encoding="utf-8").splitlines()]
                print(f"{size:,} articles: reusing {corpus}", file=sys.stderr)
            else:
                started = time.perf_counter()
                planted = write_corpus(corpus, size, args.seed)
                truth.write_text("".join(json.dumps(asdict(p)) + "\n" for p in planted), encoding="utf-8")
                print(f"{size:,} articles written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            for command in args.commands:
                if command == "analyze" and size > args.analyze_upto:
                    continue
                measured = run_measured(command, corpus, base / f"{command}-{size}")
                rate, wanted = recall(command, measured["found"], planted)
                rows.append(
                    Row(
                        command,
                        size,
                        measured["seconds"],
                        measured["cpu"],
                        measured["peak_gb"],
                        measured["stages"],
                        measured["stage_peak_gb"],
                        measured["related"],
                        rate,
                        wanted,
                        os.getloadavg(),
                    )
                )
                print(table(rows[-1:]).splitlines()[-1], file=sys.stderr)
            if not args.keep_corpora:
                corpus.unlink()
    print(f"\n## retold at scale ({', '.join(f'{s:,}' for s in sorted(args.sizes))} articles)\n")
    print(table(rows))
    print()
    for row in rows:
        print(f"- {row.command} {row.size:,}: load average at the end {', '.join(f'{x:.1f}' for x in row.load)}")
    for line in verdicts(rows):
        print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
