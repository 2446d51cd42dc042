"""Passage alignment quality on PAN 2013 text alignment (development half).

    .venv/bin/python benchmarks/pan13_alignment.py [--limit N] [--workers N] [--vectors MODULE:CALLABLE]

Reads ``../shared/data/pan13`` (``pairs_dev.jsonl`` and the documents by id; see its
README), runs :func:`retold.align_semantic.align` on every pair with the whole text as
one body span, the suspicious document as ``a`` ("this") and the source as ``b``, and
scores the detections with PAN's character-level measures as defined by Potthast et
al. 2010, "An Evaluation Framework for Plagiarism Detection" (and PAN's
``perfmeasures.py``):

* a detection ``r`` *detects* a case ``s`` when they overlap in the suspicious *and*
  in the source document; ``s ⊓ r`` is then their common characters in both documents;
* macro precision = mean over detections of ``|∪_s (s ⊓ r)| / |r|``, macro recall =
  mean over cases of ``|∪_r (s ⊓ r)| / |s|``, characters of both documents counted;
* granularity = mean number of detections per detected case;
* plagdet = F1 / log2(1 + granularity).

Empty cases and detections both give precision and recall 1; one of them empty gives
0 (as PAN's code does), so the no-plagiarism sub-corpus scores 1 only without a single
detection. Also printed: pairs with any detection among the no-plagiarism pairs.

**Passages to detections.** retold reports one passage per stretch of one kind, so a
reuse case that is copied in parts and reworded in others is several passages side by
side. A PAN detection is one contiguous reuse case, so passages whose spans are within
``--join`` characters of each other in both documents (or overlap) are joined into one
detection. The join distance is the only PAN-specific step.

``--set NAME=VALUE`` overrides a field of ``SemanticAlignConfig``. ``--vectors
MODULE:CALLABLE`` adds a sentence embedder (``texts -> L2-normalised rows``) as the
second seed signal. ``--limit N`` takes the first N pairs of each sub-corpus.
Prints one markdown table.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retold.align_semantic import SemanticAlignConfig, align
from retold.model import Passage, Span

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "pan13"
NO_PLAGIARISM = "01-no-plagiarism"
DEFAULT_JOIN = 300  # characters: about two sentences of PAN's English prose
CONFIG = SemanticAlignConfig()


@dataclass(frozen=True, slots=True, order=True)
class Annotation:
    """A case or a detection: ``[this_start, this_end)`` in the suspicious document,
    ``[source_start, source_end)`` in the source. One pair per run, so no references."""

    this_start: int
    this_end: int
    source_start: int
    source_end: int

    @property
    def size(self) -> int:
        return (self.this_end - self.this_start) + (self.source_end - self.source_start)


def overlaps(x: Annotation, y: Annotation) -> bool:
    """PAN's ``is_overlapping``: common characters in the suspicious and in the source document."""
    return (
        x.this_start < y.this_end
        and y.this_start < x.this_end
        and x.source_start < y.source_end
        and y.source_start < x.source_end
    )


def _union_length_within(spans: Iterable[tuple[int, int]], start: int, end: int) -> int:
    """Characters of ``[start, end)`` covered by the union of ``spans``."""
    total, reach = 0, start
    for s, e in sorted(spans):
        s, e = max(s, reach), min(e, end)
        if e > s:
            total += e - s
            reach = e
    return total


def covered_share(target: Annotation, others: Sequence[Annotation]) -> float:
    """``|∪ (target ⊓ o)| / |target|`` over the annotations ``o`` overlapping ``target``:
    PAN's per-case recall, and with the roles swapped its per-detection precision."""
    hits = [o for o in others if overlaps(target, o)]
    if not hits or target.size == 0:
        return 0.0
    this = _union_length_within(((o.this_start, o.this_end) for o in hits), target.this_start, target.this_end)
    source = _union_length_within(
        ((o.source_start, o.source_end) for o in hits), target.source_start, target.source_end
    )
    return (this + source) / target.size


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


def pan_scores(pairs: Sequence[tuple[Sequence[Annotation], Sequence[Annotation]]]) -> Scores:
    """PAN measures over pairs of (cases, detections); a case and a detection of
    different pairs never overlap, as they name different documents."""
    case_recall: list[float] = []
    detection_precision: list[float] = []
    detected_counts: list[int] = []
    for cases, detections in pairs:
        for s in cases:
            case_recall.append(covered_share(s, detections))
            hits = sum(1 for r in detections if overlaps(s, r))
            if hits:
                detected_counts.append(hits)
        detection_precision.extend(covered_share(r, cases) for r in detections)
    n_cases, n_detections = len(case_recall), len(detection_precision)
    if n_cases == 0 and n_detections == 0:
        precision = recall = 1.0
    elif n_cases == 0 or n_detections == 0:
        precision = recall = 0.0
    else:
        precision = sum(detection_precision) / n_detections
        recall = sum(case_recall) / n_cases
    granularity = sum(detected_counts) / len(detected_counts) if detected_counts else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return Scores(precision, recall, granularity, f1 / math.log2(1 + granularity), n_cases, n_detections)


def detections(passages: Sequence[Passage], join: int) -> list[Annotation]:
    """Passages joined into detections where they lie within ``join`` characters of each
    other in both documents (single linkage, so a chain of close passages is one)."""
    boxes = [[p.a_span.start, p.a_span.end, p.b_span.start, p.b_span.end] for p in passages]
    merged = True
    while merged:
        merged = False
        for x in range(len(boxes)):
            for y in range(x + 1, len(boxes)):
                p, q = boxes[x], boxes[y]
                if p[0] <= q[1] + join and q[0] <= p[1] + join and p[2] <= q[3] + join and q[2] <= p[3] + join:
                    boxes[x] = [min(p[0], q[0]), max(p[1], q[1]), min(p[2], q[2]), max(p[3], q[3])]
                    del boxes[y]
                    merged = True
                    break
            if merged:
                break
    return sorted(Annotation(*box) for box in boxes)


def _cases(pair: dict) -> list[Annotation]:
    return [
        Annotation(
            c["this_offset"],
            c["this_offset"] + c["this_length"],
            c["source_offset"],
            c["source_offset"] + c["source_length"],
        )
        for c in pair["cases"]
    ]


def load(data: Path, limit: int | None) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    pairs: list[dict] = []
    taken: dict[str, int] = defaultdict(int)
    with (data / "pairs_dev.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            pair = json.loads(line)
            if limit is None or taken[pair["subcorpus"]] < limit:
                taken[pair["subcorpus"]] += 1
                pairs.append(pair)
    wanted_susp = {p["susp_id"] for p in pairs}
    wanted_src = {p["src_id"] for p in pairs}
    return pairs, _documents(data / "docs_susp.jsonl", wanted_susp), _documents(data / "docs_src.jsonl", wanted_src)


def _documents(path: Path, wanted: set[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if doc["doc_id"] in wanted:
                texts[doc["doc_id"]] = doc["text"]
    return texts


def _resolve_vectors(spec: str | None) -> Callable[[list[str]], np.ndarray] | None:
    if not spec:
        return None
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


_VECTORS: Callable[[list[str]], np.ndarray] | None = None


def _init_worker(spec: str | None, overrides: dict[str, float]) -> None:
    global _VECTORS, CONFIG
    _VECTORS = _resolve_vectors(spec)
    CONFIG = dataclasses.replace(SemanticAlignConfig(), **overrides)


def _run_pair(job: tuple[str, str, str]) -> tuple[str, list[Passage], float]:
    pair_id, susp, src = job
    started = time.perf_counter()
    passages = align(susp, [Span(0, len(susp))], src, [Span(0, len(src))], CONFIG, _VECTORS)
    return pair_id, passages, time.perf_counter() - started


def run(
    pairs: list[dict],
    susp: dict[str, str],
    src: dict[str, str],
    workers: int,
    vectors: str | None,
    overrides: dict[str, float],
) -> dict[str, tuple[list[Passage], float]]:
    jobs = [(p["pair_id"], susp[p["susp_id"]], src[p["src_id"]]) for p in pairs]
    results: dict[str, tuple[list[Passage], float]] = {}
    if workers <= 1:
        _init_worker(vectors, overrides)
        for job in jobs:
            pair_id, passages, seconds = _run_pair(job)
            results[pair_id] = (passages, seconds)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(vectors, overrides)) as pool:
            for pair_id, passages, seconds in pool.map(_run_pair, jobs, chunksize=8):
                results[pair_id] = (passages, seconds)
    return results


def _row(name: str, scores: Scores, pairs: int, claimed: int | None, seconds: float) -> str:
    claimed_text = f"{claimed} ({claimed / pairs:.1%})" if claimed is not None else ""
    return (
        f"| {name} | {pairs} | {scores.cases} | {scores.detections} | {scores.precision:.3f} | "
        f"{scores.recall:.3f} | {scores.granularity:.3f} | {scores.plagdet:.3f} | {claimed_text} | "
        f"{1000 * seconds / max(pairs, 1):.1f} |"
    )


def report(pairs: list[dict], results: dict, join: int) -> str:
    by_corpus: dict[str, list[tuple[list[Annotation], list[Annotation]]]] = defaultdict(list)
    seconds: dict[str, float] = defaultdict(float)
    claimed: dict[str, int] = defaultdict(int)
    for pair in pairs:
        passages, spent = results[pair["pair_id"]]
        found = detections(passages, join)
        by_corpus[pair["subcorpus"]].append((_cases(pair), found))
        seconds[pair["subcorpus"]] += spent
        claimed[pair["subcorpus"]] += bool(found)
    lines = [
        "| sub-corpus | pairs | cases | detections | precision | recall | granularity | plagdet "
        "| pairs with a detection | ms/pair |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    everything: list[tuple[list[Annotation], list[Annotation]]] = []
    for name in sorted(by_corpus):
        everything.extend(by_corpus[name])
        lines.append(
            _row(
                name,
                pan_scores(by_corpus[name]),
                len(by_corpus[name]),
                claimed[name] if name == NO_PLAGIARISM else None,
                seconds[name],
            )
        )
    lines.append(_row("**overall**", pan_scores(everything), len(everything), None, sum(seconds.values())))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--limit", type=int, default=None, help="first N pairs of each sub-corpus")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--join", type=int, default=DEFAULT_JOIN, help="characters between passages of one detection")
    parser.add_argument("--vectors", default=None, help="MODULE:CALLABLE sentence embedder")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="override a SemanticAlignConfig field"
    )
    args = parser.parse_args(argv)
    overrides: dict[str, float] = {}
    for item in args.set:
        name, _, value = item.partition("=")
        overrides[name] = int(value) if value.lstrip("-").isdigit() else float(value)
    dataclasses.replace(SemanticAlignConfig(), **overrides)  # fail early on a bad name or value
    if not (args.data / "pairs_dev.jsonl").exists():
        print(f"no PAN 2013 data in {args.data}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    pairs, susp, src = load(args.data, args.limit)
    loaded = time.perf_counter()
    results = run(pairs, susp, src, args.workers, args.vectors, overrides)
    aligned = time.perf_counter()
    print(report(pairs, results, args.join))
    print()
    print(
        f"{len(pairs)} pairs; loading {loaded - started:.1f} s, aligning {aligned - loaded:.1f} s wall "
        f"with {args.workers} worker(s); ms/pair is single-process time per pair."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
