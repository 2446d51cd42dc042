"""The local engine against the Spark engine in local mode, on one generated corpus.

    .venv/bin/python benchmarks/spark_local.py [--docs 20000] [--master local[2]] [--analyze 0]

The corpus is tests/corpus.py's generator (recombined sample paragraphs, 20% near
copies). Both engines run dedup on it (and analyze on the first ``--analyze``
articles when asked: every generated article relates to dozens of others, so
analyze is quadratic here). Prints one table: wall time per stage and docs/s for
each engine, the process CPU time of the local run, and whether the answers are
identical. Spark stage times are measured by materialising each stage (persist +
count), so they add up to a little more than one uninterrupted job; the session
start (JVM) is listed on its own line and excluded from docs/s.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import retold  # noqa: E402
from corpus import make_corpus  # noqa: E402
from retold.config import Settings  # noqa: E402
from retold.records import cluster_to_dict, pair_to_dict  # noqa: E402


def timed(rows: list[tuple[str, str, float]], engine: str, stage: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    out = work()
    rows.append((engine, stage, time.perf_counter() - started))
    return out


def local_dedup(path: Path, rows: list[tuple[str, str, float]]) -> tuple[retold.DedupResult, float]:
    marks: list[tuple[str, float]] = []

    def progress(stage: str, done: int, total: int | None) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    cpu = time.process_time()
    started = time.perf_counter()
    result = retold.dedup([path], progress=progress)
    ended = time.perf_counter()
    cpu = time.process_time() - cpu
    bounds = [*marks, ("end", ended)]
    rows.append(("local", "start", marks[0][1] - started if marks else 0.0))
    for (stage, at), (_, until) in itertools.pairwise(bounds):
        rows.append(("local", stage, until - at))
    rows.append(("local", "TOTAL", ended - started))
    return result, cpu


def spark_dedup(path: Path, master: str, rows: list[tuple[str, str, float]]) -> tuple[list, list]:
    from pyspark.sql import functions as F

    from retold.spark import dedup as jobs
    from retold.spark.graph import connected_components
    from retold.spark.io import read_documents
    from retold.spark.records import cluster_from_row, pair_from_row
    from retold.spark.session import get_session

    spark = timed(rows, "spark", "session start", lambda: get_session(master))
    spark.sparkContext.setLogLevel("ERROR")
    settings = Settings()
    started = time.perf_counter()
    docs = timed(rows, "spark", "read", lambda: read_documents(spark, [path], settings.read, lambda _: None).persist())
    timed(rows, "spark", "read (count)", docs.count)
    prepared = jobs.prepare(docs, settings.dedup).persist()
    timed(rows, "spark", "fingerprint", prepared.count)
    candidates = jobs.candidate_pairs(prepared).persist()
    timed(rows, "spark", "candidates", candidates.count)
    verified = jobs.verify(candidates, prepared, settings.dedup.threshold).persist()
    timed(rows, "spark", "verify", verified.count)
    edges = verified.select(F.col("a_seq").alias("src"), F.col("b_seq").alias("dst"))
    timed(rows, "spark", "components", lambda: connected_components(edges).persist().count())
    clusters = jobs.clusters(prepared, verified, settings.dedup.threshold)
    collected = timed(rows, "spark", "clusters+collect", lambda: clusters.orderBy("seq").collect())
    pairs = verified.select("record")
    rows.append(("spark", "TOTAL", time.perf_counter() - started))
    from retold.spark.records import PAIR_FIELDS, parse_records

    pair_rows = parse_records(pairs, PAIR_FIELDS).orderBy("a", "b").collect()
    return [cluster_from_row(r.asDict()) for r in collected], [
        pair_from_row(r.asDict(recursive=True)) for r in pair_rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--analyze", type=int, default=0, help="also analyze this many articles with both engines")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="retold-spark-bench-"))
    path = folder / "corpus.jsonl"
    make_corpus(path, args.docs)
    load = os.getloadavg()
    rows: list[tuple[str, str, float]] = []
    local, local_cpu = local_dedup(path, rows)
    clusters, pairs = spark_dedup(path, args.master, rows)
    same_clusters = [cluster_to_dict(c) for c in clusters] == [cluster_to_dict(c) for c in local.clusters]
    same_pairs = [pair_to_dict(p) for p in pairs] == [
        pair_to_dict(p) for p in sorted(local.pairs, key=lambda p: (p.a, p.b))
    ]
    print(f"dedup, {args.docs:,} generated articles, {os.cpu_count()} cores, load {load[0]:.2f} at start")
    print(f"{'engine':8} {'stage':18} {'seconds':>9} {'docs/s':>9}")
    for engine, stage, seconds in rows:
        rate = f"{args.docs / seconds:9.0f}" if stage == "TOTAL" and seconds else ""
        print(f"{engine:8} {stage:18} {seconds:9.2f} {rate:>9}")
    print(
        f"local engine CPU (one process): {local_cpu:.2f} s; same clusters: {same_clusters}; same pairs: {same_pairs}"
    )
    if args.analyze:
        small = folder / "analyze.jsonl"
        make_corpus(small, args.analyze)
        started = time.perf_counter()
        expected = retold.analyze([small])
        local_seconds = time.perf_counter() - started
        started = time.perf_counter()
        found = retold.analyze([small], engine="spark", spark_master=args.master)
        spark_seconds = time.perf_counter() - started
        same = found.records("pairs") == expected.records("pairs")
        print(f"analyze, {args.analyze:,} articles ({len(expected.pairs):,} related pairs)")
        print(f"local    TOTAL {local_seconds:9.2f} s ({args.analyze / local_seconds:.1f} docs/s)")
        print(f"spark    TOTAL {spark_seconds:9.2f} s ({args.analyze / spark_seconds:.1f} docs/s); same pairs: {same}")


if __name__ == "__main__":
    main()
