"""Dedup throughput and quality: retold against datasketch, on one generated corpus.

    .venv/bin/python benchmarks/dedup_speed.py [--docs 20000] [--work DIR] [--skip-slow] [--workers N]
        [--bands B --rows R] [--profile]

The corpus (``corpus.py``) is news-like text recombined from real paragraphs, with
planted near-duplicates whose true word 5-gram Jaccard is known. On it:

1. retold: ``retold.api.dedup`` end to end (read JSONL, SQLite store, LSH, exact
   verification, clusters), wall clock; and the fingerprint kernel alone
   (``shingles`` + ``minhash`` in batches, one process), for information.
2. datasketch: ``MinHash(num_perm=128)`` over the same shingles (``retold.text.words``),
   ``MinHashLSH(threshold=0.8)``, a query per document for candidate pairs; once with
   per-shingle ``update`` and once with the batch API (``MinHash.generator``, the
   streaming form of ``MinHash.bulk``: ``update_batch`` on copies of one template).
   Timed from reading the JSONL to the candidate pairs.
3. Quality on the planted pairs (recall by true Jaccard band) and pair precision
   (share of reported pairs whose true Jaccard >= 0.8). retold's pairs are all pairs
   within a cluster; datasketch's are its LSH candidates, unverified.

``--profile`` also runs retold once in one process under pyinstrument and prints
where its time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from corpus import DATA_DIR, NGRAM, Corpus, PlantedPair, generate
from retold.api import dedup
from retold.config import DedupConfig, Settings, collision_probability
from retold.fingerprint import minhash, shingles
from retold.text import words

THRESHOLD = 0.8
NUM_PERM = 128
HIGH_JACCARD = 0.85  # recall target band: J >= this
DEFAULT_DOCS = 20_000
DEFAULT_SEED = 13
DEFAULT_WORK = Path(__file__).resolve().parent / "_work"
FINGERPRINT_BATCH = 500
SLOW_SUBSET_DOCS = 2_000  # --skip-slow runs per-shingle update() on this many documents
MEMORY_SAMPLE = 1_000  # datasketch sketches measured with tracemalloc
PROJECTED_SIGNATURES = 1_000_000
SPEEDUP_TARGET = 20.0
RECALL_TARGET = 0.99
PRECISION_TARGET = 0.99
S_CURVE_POINTS = (0.7, 0.8, 0.85, 0.9)
MB = 1_000_000

Pair = tuple[str, str]


def ordered(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass(slots=True)
class Run:
    """One system's pass over the corpus: time and the pairs it reports."""

    name: str
    docs: int
    seconds: float
    pairs: set[Pair]
    bands_rows: tuple[int, int]  # of its LSH index
    cpu: float  # seconds of CPU, this process and its worker processes
    notes: list[str] = field(default_factory=list)
    cluster_pairs: set[Pair] | None = None  # pairs sharing a dedup cluster, for retold

    @property
    def rate(self) -> float:
        return self.docs / self.seconds if self.seconds else float("inf")


@dataclass(frozen=True, slots=True)
class Quality:
    recall_high: float
    recall_band: float
    precision: float
    reported: int
    below_threshold: int


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (worker pools)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_jsonl(path: Path, limit: int | None = None) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if limit is not None and n >= limit:
                return
            record = json.loads(line)
            yield str(record["id"]), record["text"]


# ---------------------------------------------------------------- retold


def retold_settings(workers: int, bands: int = 0, rows: int = 0) -> Settings:
    """The benchmark's settings; ``bands``/``rows`` 0 lets retold choose them from the threshold."""
    config = DedupConfig(threshold=THRESHOLD, num_perm=NUM_PERM, ngram=NGRAM, bands=bands, rows=rows)
    return Settings(dedup=config, workers=workers)


def run_retold(path: Path, settings: Settings, name: str = "retold") -> Run:
    """``retold.api.dedup`` end to end; pairs are the verified near-duplicate pairs
    (cluster co-membership is reported in the notes)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    result = dedup([path], settings=settings)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    members: dict[str, list[str]] = defaultdict(list)
    for cluster in result.clusters:
        members[cluster.cluster].append(cluster.id)
    pairs = {ordered(p.a, p.b) for p in result.pairs}
    run = Run(name, len(result.clusters), seconds, pairs, (settings.dedup.bands, settings.dedup.rows), cpu)
    run.cluster_pairs = {ordered(a, b) for group in members.values() for a, b in combinations(group, 2)}
    run.notes.append(f"CPU {cpu:.1f} s, worker processes: {settings.workers or os.cpu_count()}")
    run.notes.append(f"LSH bands x rows = {settings.dedup.bands} x {settings.dedup.rows}")
    run.notes.append(f"{len(members)} clusters, {result.summary.pairs} verified duplicate pairs")
    members_only = [c for c in result.clusters if c.id != c.representative]
    below = sum(c.similarity < THRESHOLD for c in members_only)
    run.notes.append(
        f"(doc, representative) pairs: {len(members_only):,}, {below} with Jaccard < {THRESHOLD} "
        f"(precision {1 - below / max(len(members_only), 1):.4f})"
    )
    return run


def time_fingerprint_kernel(texts: Sequence[str]) -> tuple[float, np.ndarray]:
    """``shingles`` + ``minhash`` over the texts in batches, in this process only."""
    config = DedupConfig(threshold=THRESHOLD, num_perm=NUM_PERM, ngram=NGRAM)
    shingles(texts[:1], NGRAM, config.seed)  # lookup tables, built once per process
    start = time.perf_counter()
    blocks = [
        minhash(shingles(texts[i : i + FINGERPRINT_BATCH], NGRAM, config.seed), config)
        for i in range(0, len(texts), FINGERPRINT_BATCH)
    ]
    return time.perf_counter() - start, np.concatenate(blocks)


# ---------------------------------------------------------------- datasketch


def shingle_bytes(text: str) -> list[bytes]:
    """The same word 5-grams as retold (``retold.text.words``), as bytes for datasketch."""
    w = words(text)
    if len(w) < NGRAM:
        return [" ".join(w).encode()] if w else []
    return [" ".join(w[k : k + NGRAM]).encode() for k in range(len(w) - NGRAM + 1)]


def sketch_per_shingle(records: Iterable[tuple[str, str]]) -> Iterator[tuple[str, MinHash]]:
    """The common usage: a new MinHash per document, ``update`` once per shingle."""
    for doc_id, text in records:
        sketch = MinHash(num_perm=NUM_PERM)
        for shingle in shingle_bytes(text):
            sketch.update(shingle)
        yield doc_id, sketch


def sketch_batched(records: Iterable[tuple[str, str]]) -> Iterator[tuple[str, MinHash]]:
    """The batch API: ``MinHash.generator`` (``bulk`` without holding every shingle list)."""
    ids: list[str] = []

    def shingle_lists() -> Iterator[list[bytes]]:
        for doc_id, text in records:
            ids.append(doc_id)
            yield shingle_bytes(text)

    for sketch in MinHash.generator(shingle_lists(), num_perm=NUM_PERM):
        yield ids[-1], sketch


def run_datasketch(
    path: Path,
    name: str,
    sketcher: Callable[[Iterable[tuple[str, str]]], Iterator[tuple[str, MinHash]]],
    limit: int | None = None,
) -> Run:
    """Read, sketch, index in ``MinHashLSH`` and query every document for candidate pairs."""
    start, cpu = time.perf_counter(), cpu_seconds()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sketches: list[tuple[str, MinHash]] = []
    with lsh.insertion_session() as session:
        for doc_id, sketch in sketcher(read_jsonl(path, limit)):
            session.insert(doc_id, sketch)
            sketches.append((doc_id, sketch))
    pairs = {ordered(doc_id, other) for doc_id, sketch in sketches for other in lsh.query(sketch) if other != doc_id}
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    run = Run(name, len(sketches), seconds, pairs, (lsh.b, lsh.r), cpu)
    run.notes.append(f"CPU {cpu:.1f} s (1 process)")
    run.notes.append(f"LSH bands x rows = {lsh.b} x {lsh.r}")
    return run


def datasketch_memory() -> tuple[int, int]:
    """Bytes per datasketch MinHash: its hash values, and the whole object (tracemalloc)."""
    template = MinHash(num_perm=NUM_PERM)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [template.copy() for _ in range(MEMORY_SAMPLE)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return int(kept[0].hashvalues.nbytes), (after - before) // len(kept)


# ---------------------------------------------------------------- quality


class TrueJaccard:
    """Exact Jaccard of two documents' word 5-gram sets, from retold's 64-bit shingle
    hashes (checked against the Python-set values of the planted pairs)."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.sets: dict[str, np.ndarray] = {}

    def prepare(self, pairs: Iterable[Pair]) -> None:
        todo = sorted({doc for pair in pairs for doc in pair} - self.sets.keys())
        for i in range(0, len(todo), FINGERPRINT_BATCH):
            chunk = todo[i : i + FINGERPRINT_BATCH]
            batch = shingles([self.texts[doc] for doc in chunk], NGRAM, seed=1)
            for k, doc in enumerate(chunk):
                self.sets[doc] = np.unique(batch.of(k))

    def __call__(self, a: str, b: str) -> float:
        sa, sb = self.sets[a], self.sets[b]
        inter = len(np.intersect1d(sa, sb, assume_unique=True))
        union = len(sa) + len(sb) - inter
        return inter / union if union else 1.0


def quality(run: Run, planted: Sequence[PlantedPair], jaccard: TrueJaccard) -> Quality:
    high = [p for p in planted if p.jaccard >= HIGH_JACCARD]
    band = [p for p in planted if THRESHOLD <= p.jaccard < HIGH_JACCARD]

    def recall(group: list[PlantedPair]) -> float:
        return sum(ordered(p.a, p.b) in run.pairs for p in group) / len(group) if group else float("nan")

    jaccard.prepare(run.pairs)
    below = sum(jaccard(a, b) < THRESHOLD for a, b in run.pairs)
    precision = 1.0 - below / len(run.pairs) if run.pairs else float("nan")
    return Quality(recall(high), recall(band), precision, len(run.pairs), below)


# ---------------------------------------------------------------- report


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average {load}"


def table(rows: list[tuple[Run, Quality | None]], reference: float) -> str:
    head = "| system | docs | seconds | docs/s | retold / this | recall J≥0.85 | recall 0.8–0.85 | precision |"
    lines = [head, "|" + "---|" * 8]
    for run, q in rows:
        ratio = reference / run.rate
        if q is None:
            scores = "same as update_batch | same | same"
        else:
            scores = f"{q.recall_high:.4f} | {q.recall_band:.4f} | {q.precision:.4f}"
        lines.append(f"| {run.name} | {run.docs:,} | {run.seconds:.1f} | {run.rate:,.0f} | {ratio:.1f}x | {scores} |")
    return "\n".join(lines)


def profile_retold(path: Path, work: Path, settings: Settings) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    dedup([path], settings=settings)
    profiler.stop()
    html = work / "profile_retold.html"
    html.write_text(profiler.output_html(), encoding="utf-8")
    print(f"\n## retold profile (1 worker, pyinstrument; HTML: {html})\n")
    print(profiler.output_text(unicode=True, show_all=False, timeline=False))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS, help="documents in the corpus")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where the corpus is written")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="PolNeAR and PAN13 data, read in place")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=0, help="retold worker processes (0: one per core)")
    parser.add_argument(
        "--skip-slow",
        action="store_true",
        help=f"run per-shingle update() on the first {SLOW_SUBSET_DOCS:,} documents only and extrapolate",
    )
    parser.add_argument("--bands", type=int, default=0, help="retold LSH bands (0: retold's choice)")
    parser.add_argument("--rows", type=int, default=0, help="retold LSH rows per band (0: retold's choice)")
    parser.add_argument("--profile", action="store_true", help="also profile retold (1 worker) with pyinstrument")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    work: Path = args.work / f"dedup-{args.docs}-{args.seed}"
    print(f"machine: {machine()}; Python {platform.python_version()}")

    start = time.perf_counter()
    corpus: Corpus = generate(args.docs, work, seed=args.seed, data_dir=args.data)
    planted = corpus.pairs
    print(
        f"corpus: {corpus.documents:,} documents ({corpus.base_articles:,} base articles, "
        f"{corpus.copies:,} planted copies), {corpus.path.stat().st_size / MB:.0f} MB, "
        f"written in {time.perf_counter() - start:.1f} s to {corpus.path}"
    )
    edges = [0.0, 0.5, 0.6, 0.7, 0.8, HIGH_JACCARD, 0.9, 0.95, 1.0, 1.0 + 1e-9]
    counts, _ = np.histogram([p.jaccard for p in planted], bins=edges)
    print(
        "planted pairs by true Jaccard: "
        + ", ".join(f"[{lo:.2f}, {hi:.2f}): {n}" for lo, hi, n in zip(edges[:-2], edges[1:-1], counts, strict=False))
        + f", =1: {counts[-1]}  (total {len(planted)})"
    )

    texts = dict(read_jsonl(corpus.path))
    workers = args.workers or os.cpu_count() or 1
    print(f"\nretold dedup, {workers} workers ...", flush=True)
    retold_run = run_retold(corpus.path, retold_settings(args.workers, args.bands, args.rows))
    runs: list[Run] = [retold_run]
    if workers > 1:
        print("retold dedup, 1 worker ...", flush=True)
        runs.append(run_retold(corpus.path, retold_settings(1, args.bands, args.rows), name="retold, 1 worker"))

    print("fingerprint kernel ...", flush=True)
    kernel_seconds, signatures = time_fingerprint_kernel(list(texts.values()))

    print("datasketch update_batch ...", flush=True)
    batched = run_datasketch(corpus.path, "datasketch update_batch", sketch_batched)
    limit = SLOW_SUBSET_DOCS if args.skip_slow else None
    print(f"datasketch update() on {limit or corpus.documents:,} documents ...", flush=True)
    slow = run_datasketch(corpus.path, "datasketch update()", sketch_per_shingle, limit)
    slow_docs = slow.docs
    extrapolated = slow_docs < corpus.documents
    if extrapolated:
        measured = f"measured on the first {slow.docs:,} documents in {slow.seconds:.1f} s"
        slow = Run(
            slow.name + " (extrapolated)",
            corpus.documents,
            slow.seconds * corpus.documents / slow.docs,
            slow.pairs,
            slow.bands_rows,
            slow.cpu * corpus.documents / slow.docs,
            [*slow.notes, measured + ", seconds scaled linearly to the whole corpus"],
        )

    jaccard = TrueJaccard(texts)
    jaccard.prepare((p.a, p.b) for p in planted)
    drift = max((abs(jaccard(p.a, p.b) - p.jaccard) for p in planted), default=0.0)

    rows: list[tuple[Run, Quality | None]] = [(run, quality(run, planted, jaccard)) for run in runs]
    for run in runs:
        if run.cluster_pairs is not None:
            clustered = quality(replace(run, pairs=run.cluster_pairs), planted, jaccard)
            run.notes.append(
                f"as clusters (pairs sharing a cluster): recall J>=0.85 {clustered.recall_high:.4f}, "
                f"0.8-0.85 {clustered.recall_band:.4f}, precision {clustered.precision:.4f}"
            )
    # On a subset the candidates are the same as update_batch's there (checked below), not a whole-corpus result.
    rows.append((slow, None if extrapolated else quality(slow, planted, jaccard)))
    rows.append((batched, quality(batched, planted, jaccard)))

    reference = retold_run.rate
    print(
        f"\n## Dedup on {corpus.documents:,} articles (threshold {THRESHOLD}, {NUM_PERM} permutations, "
        f"word {NGRAM}-grams)\n"
    )
    print(f"machine: {machine()}")
    print(table(rows, reference))
    print()
    for run, q in rows:
        details = list(run.notes)
        if q is not None:
            details.append(f"{q.reported:,} reported pairs, {q.below_threshold} with true Jaccard < {THRESHOLD}")
        print(f"- {run.name}: " + "; ".join(details))
    cpu_rate = {run.name: run.docs / run.cpu for run, _ in rows if run.cpu}
    print(
        "- by CPU time instead of wall clock (robust to other jobs on the machine): "
        + ", ".join(f"{name} {rate:,.0f} docs/CPU-s" for name, rate in cpu_rate.items())
        + f"; retold / datasketch update_batch {cpu_rate[retold_run.name] / cpu_rate[batched.name]:.1f}x"
    )
    subset = set(list(texts)[:slow_docs])
    same = slow.pairs == {pair for pair in batched.pairs if pair[0] in subset and pair[1] in subset}
    print(f"- datasketch update() and update_batch give identical candidates on the documents both ran: {same}")
    print(
        f"- fingerprint kernel alone (shingles + minhash, batches of {FINGERPRINT_BATCH}, 1 process): "
        f"{kernel_seconds:.1f} s, {len(texts) / kernel_seconds:,.0f} docs/s"
    )
    print(f"- true Jaccard from hashed shingles vs Python sets, max difference on planted pairs: {drift:.2e}")
    high_pairs = [p.jaccard for p in planted if p.jaccard >= HIGH_JACCARD]
    for run in (retold_run, batched):
        bands, band_rows = run.bands_rows
        expected = np.mean([collision_probability(j, bands, band_rows) for j in high_pairs])
        at = ", ".join(f"{j}: {collision_probability(j, bands, band_rows):.3f}" for j in S_CURVE_POINTS)
        print(
            f"- {run.name}: recall on planted J≥{HIGH_JACCARD} expected from the LSH S-curve "
            f"1-(1-J^{band_rows})^{bands}: {expected:.4f}; collision probability at J = {at}"
        )

    per_doc = signatures.nbytes // len(signatures)
    values, whole = datasketch_memory()
    print(
        f"- signature memory per document: retold {per_doc} B ({signatures.dtype}, {NUM_PERM} entries) -> "
        f"{per_doc * PROJECTED_SIGNATURES / MB:,.0f} MB for {PROJECTED_SIGNATURES:,} signatures; datasketch "
        f"hash values {values} B, whole MinHash object {whole} B -> {whole * PROJECTED_SIGNATURES / MB:,.0f} MB"
    )

    best_datasketch = max(batched.rate, slow.rate)
    high = rows[0][1]
    assert high is not None
    checks = [
        (
            f"retold >= {SPEEDUP_TARGET:.0f}x fastest datasketch",
            reference / best_datasketch >= SPEEDUP_TARGET,
            f"{reference / best_datasketch:.1f}x",
        ),
        (f"recall J>=0.85 >= {RECALL_TARGET}", high.recall_high >= RECALL_TARGET, f"{high.recall_high:.4f}"),
        (f"precision >= {PRECISION_TARGET}", high.precision >= PRECISION_TARGET, f"{high.precision:.4f}"),
    ]
    print("\ntargets: " + "; ".join(f"{name}: {value} {'MET' if ok else 'MISSED'}" for name, ok, value in checks))
    print(f"machine at the end: {machine()}")

    if args.profile:
        profile_retold(corpus.path, work, retold_settings(1, args.bands, args.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
