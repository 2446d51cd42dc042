"""Precision of retold's reuse claims on independent reports, and recall on known reuse.

    .venv/bin/python benchmarks/relate_quality.py [--limit N] [--workers N] [--audit N] [--min-run 25]
        [--skip-ecb] [--skip-pan]

1. **ECB+** (``/work/shared/data/ecbplus/docs_dev.jsonl``, read in place; the records
   go to ``retold.analyze`` through a temporary file): articles of one ``subtopic``
   are reports of one real event by different outlets, mostly written independently,
   but wire copies are common (an AP story run by several sites is a genuine
   reprint). ``retold.analyze`` runs on all of them (id ``doc_id``, text ``text``, no
   dates) and every pair it claims (``duplicate``, ``reprint``, ``rewrite``,
   ``partial``) is counted by label and by where the two documents lie (same event,
   the other event of the topic, other topics).

   Audit, independent of retold's alignment: the longest run of words the two whole
   texts share verbatim (``difflib`` on ``retold.text.words``), and the words in
   verbatim runs of >= 8. Strict rule: a run of >= ``--min-run`` (25) words is
   genuine shared text. Loose rule: that, or >= 40 words in runs of >= 8 (a wire
   story each outlet retouched). A claim meeting neither is false for ``duplicate``,
   ``reprint`` and ``partial``; a ``rewrite`` can be true without long runs, so the
   audit sample shows their passages to read. Per audited pair: label, source,
   Jaccard, aligned share of each body, both rules, and the first passage's texts.

2. **PAN 2013** (``pairs_dev.jsonl``): ``retold.compare`` on each pair of the
   sub-corpora with reuse (02 no obfuscation, for reference; 03 random obfuscation;
   04 translation chains; 05 summaries, the pairs with a case) and on the
   no-plagiarism pairs (01): pairs claimed related, by label; claimed pairs with a
   passage on a gold case (overlapping it in both documents); and pairs *not*
   claimed although a passage lies on a case (aligned, then dropped by relate).

Prints one table per corpus, the audit sample and the time taken.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import retold
from retold.config import ReadConfig, Settings
from retold.model import Document, Pair
from retold.text import words

DATA_DIR = Path("/work/shared/data")
ECB_DOCS = DATA_DIR / "ecbplus" / "docs_dev.jsonl"
PAN_DIR = DATA_DIR / "pan13"
PAN_SUBCORPORA = (
    "01-no-plagiarism",
    "02-no-obfuscation",
    "03-random-obfuscation",
    "04-translation-obfuscation",
    "05-summary-obfuscation",
)
LABELS = ("duplicate", "reprint", "rewrite", "partial")
MIN_RUN = 25  # words shared verbatim that make a pair genuine reuse
SHORT_RUN = 8  # runs at least this long are summed as "words in runs"
LOOSE_WORDS = 40  # words in such runs that make an edited copy genuine under the loose rule
PASSAGE_CHARS = 160
AUDIT_SAMPLE = 60


# ---------------------------------------------------------------- ECB+


@dataclass(frozen=True, slots=True)
class EcbDoc:
    doc_id: str
    topic: int
    subtopic: str
    text: str


@dataclass(frozen=True, slots=True)
class Audit:
    pair: Pair
    where: str  # "same subtopic", "same topic", "other topic"
    longest: int  # longest verbatim run, words
    in_runs: int  # words in verbatim runs of >= SHORT_RUN
    first_a: str
    first_b: str

    def genuine(self, min_run: int) -> bool:
        return self.longest >= min_run


def read_ecb(path: Path = ECB_DOCS) -> list[EcbDoc]:
    with path.open(encoding="utf-8") as handle:
        return [
            EcbDoc(r["doc_id"], int(r["topic"]), r["subtopic"], r["text"])
            for r in (json.loads(line) for line in handle)
        ]


def verbatim_runs(text_a: str, text_b: str) -> tuple[int, int]:
    """(longest run of normalised words the texts share in order, words in runs >= SHORT_RUN)."""
    wa, wb = words(text_a), words(text_b)
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    blocks = matcher.get_matching_blocks()
    longest = max((b.size for b in blocks), default=0)
    # get_matching_blocks is greedy on the longest match first, so its maximum is the longest run.
    return longest, sum(b.size for b in blocks if b.size >= SHORT_RUN)


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PASSAGE_CHARS else flat[: PASSAGE_CHARS - 1] + "…"


def audit(pairs: Sequence[Pair], docs: dict[str, EcbDoc]) -> list[Audit]:
    out: list[Audit] = []
    for pair in pairs:
        a, b = docs[pair.a], docs[pair.b]
        where = "same subtopic" if a.subtopic == b.subtopic else "same topic" if a.topic == b.topic else "other topic"
        longest, in_runs = verbatim_runs(a.text, b.text)
        first = pair.passages[0] if pair.passages else None
        out.append(
            Audit(
                pair,
                where,
                longest,
                in_runs,
                _snippet(a.text[first.a_span.start : first.a_span.end]) if first else "",
                _snippet(b.text[first.b_span.start : first.b_span.end]) if first else "",
            )
        )
    return out


def loose(x: Audit, min_run: int) -> bool:
    """Genuine by the strict rule, or an edited copy: at least LOOSE_WORDS words in
    verbatim runs of >= SHORT_RUN words (wire copies retouched by each outlet)."""
    return x.genuine(min_run) or x.in_runs >= LOOSE_WORDS


def ecb_table(audits: Sequence[Audit], docs: Sequence[EcbDoc], min_run: int) -> str:
    subtopics = Counter(d.subtopic for d in docs)
    topics = Counter(d.topic for d in docs)
    same_sub = sum(n * (n - 1) // 2 for n in subtopics.values())
    same_topic = sum(n * (n - 1) // 2 for n in topics.values()) - same_sub
    total = len(docs) * (len(docs) - 1) // 2
    lines = [
        f"{len(docs)} articles, {len(subtopics)} events (subtopics) in {len(topics)} topics; pairs: {same_sub:,} "
        f"within an event, {same_topic:,} across the two events of a topic, {total - same_sub - same_topic:,} "
        "across topics",
        "",
        f"| label | claimed | same event | other event, same topic | other topic | with a source "
        f"| median Jaccard | only reworded passages | strict: run ≥ {min_run} words | precision strict "
        f"| loose: or ≥ {LOOSE_WORDS} words in runs ≥ {SHORT_RUN} | precision loose |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label in (*LABELS, "all"):
        chosen = [x for x in audits if label in ("all", x.pair.label)]
        where = Counter(x.where for x in chosen)
        strict = sum(x.genuine(min_run) for x in chosen)
        relaxed = sum(loose(x, min_run) for x in chosen)
        sourced = sum(x.pair.source is not None for x in chosen)
        reworded_only = sum(
            bool(x.pair.passages) and all(q.kind == "reworded" for q in x.pair.passages) for x in chosen
        )
        jaccards = sorted(x.pair.scores.jaccard for x in chosen)
        median = f"{jaccards[len(jaccards) // 2]:.3f}" if jaccards else "–"

        def share(n: int, chosen: list[Audit] = chosen) -> str:
            return f"{n / len(chosen):.3f}" if chosen else "–"

        lines.append(
            f"| {label} | {len(chosen):,} | {where['same subtopic']:,} | {where['same topic']:,} | "
            f"{where['other topic']:,} | {sourced:,} | {median} | {reworded_only:,} | {strict:,} | {share(strict)} | "
            f"{relaxed:,} | {share(relaxed)} |"
        )
    for label in ("rewrite", "partial"):
        runs = Counter(
            "< 8" if x.longest < 8 else "8-11" if x.longest < 12 else "12-24" if x.longest < min_run else "≥ 25"
            for x in audits
            if x.pair.label == label
        )
        lines.append(
            f"\n{label} claims by longest verbatim run (words): "
            + ", ".join(f"{k}: {runs[k]}" for k in ("< 8", "8-11", "12-24", "≥ 25"))
        )
    return "\n".join(lines)


def audit_lines(audits: Sequence[Audit], min_run: int, sample: int) -> list[str]:
    """A random sample of the claims of each label, with both verdicts."""
    rng = random.Random(1)
    per_label = max(1, sample // len(LABELS))
    out = [
        f"\n### audit: a random sample of up to {per_label} claims per label "
        f"(verdict: strict = verbatim run ≥ {min_run} words; loose = strict or ≥ {LOOSE_WORDS} words in runs "
        f"≥ {SHORT_RUN}; none = neither)\n",
        "| a | b | where | label | source | Jaccard | aligned a / b | longest run | words in runs ≥ 8 | verdict "
        "| passages (kinds) | first passage in a | … in b |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label in LABELS:
        group = [x for x in audits if x.pair.label == label]
        for x in sorted(rng.sample(group, min(per_label, len(group))), key=lambda x: (x.pair.a, x.pair.b)):
            p = x.pair
            kinds = Counter(q.kind for q in p.passages)
            verdict = "strict" if x.genuine(min_run) else "loose" if loose(x, min_run) else "none"
            out.append(
                f"| {p.a} | {p.b} | {x.where} | {p.label} | {p.source or '–'} | {p.scores.jaccard:.3f} | "
                f"{p.scores.aligned_a:.2f} / {p.scores.aligned_b:.2f} | {x.longest} | {x.in_runs} | {verdict} | "
                f"{len(p.passages)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}) | "
                f"{x.first_a.replace('|', '/')} | {x.first_b.replace('|', '/')} |"
            )
    return out


def run_ecb(args: argparse.Namespace) -> tuple[list[str], float]:
    started = time.perf_counter()
    docs = read_ecb()
    by_id = {d.doc_id: d for d in docs}
    settings = Settings(read=ReadConfig(id_field="doc_id"), workers=args.workers)
    with tempfile.TemporaryDirectory(prefix="retold-ecb-") as folder:
        # The records as they are, in a temporary file: the reader wants a path.
        path = Path(folder) / "ecbplus.jsonl"
        path.write_text(
            "".join(json.dumps({"doc_id": d.doc_id, "text": d.text}) + "\n" for d in docs), encoding="utf-8"
        )
        result = retold.analyze([path], settings=settings)
    analyzed = time.perf_counter() - started
    audits = audit(result.pairs, by_id)
    lines = [
        f"\n## ECB+ (dev, odd topics): reuse claims among independent reports (retold.analyze {analyzed:.0f} s)\n",
        ecb_table(audits, docs, args.min_run),
    ]
    lines.extend(audit_lines(audits, args.min_run, args.audit))
    return lines, time.perf_counter() - started


# ---------------------------------------------------------------- PAN 2013


def _read_texts(path: Path, wanted: set[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["doc_id"] in wanted:
                texts[record["doc_id"]] = record["text"]
    return texts


def pan_pairs(limit: int | None) -> list[dict]:
    chosen: dict[str, list[dict]] = defaultdict(list)
    with (PAN_DIR / "pairs_dev.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            sub = record["subcorpus"]
            if sub != "01-no-plagiarism" and not record["cases"]:
                continue  # the summary sub-corpus has pairs without a case, as published
            if limit is None or len(chosen[sub]) < limit:
                chosen[sub].append(record)
    return [r for sub in PAN_SUBCORPORA for r in chosen[sub]]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _compare(job: tuple[str, str, str, str, list[dict]]) -> tuple[str | None, float, float, float, bool]:
    """(label or None, Jaccard, aligned suspicious, aligned source, a passage overlaps a
    gold case in both documents) of one pair."""
    susp_id, susp, src_id, src, cases = job
    doc_a = Document(id=f"susp:{susp_id}", text=susp, path=susp_id)
    doc_b = Document(id=f"src:{src_id}", text=src, path=src_id)
    comparison = retold.compare(doc_a, doc_b)
    pair = comparison.pair
    first, second = sorted((doc_a.id, doc_b.id))  # compare orders the pair by id
    hit = False
    for passage in comparison.passages:
        spans = {first: passage.a_span, second: passage.b_span}
        this, source = spans[doc_a.id], spans[doc_b.id]
        hit = hit or any(
            _overlaps((this.start, this.end), (c["this_offset"], c["this_offset"] + c["this_length"]))
            and _overlaps((source.start, source.end), (c["source_offset"], c["source_offset"] + c["source_length"]))
            for c in cases
        )
    if pair is None:
        # Passages found but no relation claimed (``hit``: one of them lies on a case).
        return None, comparison.scores.jaccard, 0.0, 0.0, hit
    aligned = {pair.a: pair.scores.aligned_a, pair.b: pair.scores.aligned_b}
    return pair.label, pair.scores.jaccard, aligned[doc_a.id], aligned[doc_b.id], hit


def _jobs(
    pairs: Iterable[dict], susp: dict[str, str], src: dict[str, str]
) -> Iterator[tuple[str, str, str, str, list[dict]]]:
    for p in pairs:
        yield p["susp_id"], susp[p["susp_id"]], p["src_id"], src[p["src_id"]], p["cases"]


def run_pan(args: argparse.Namespace) -> tuple[list[str], float]:
    started = time.perf_counter()
    pairs = pan_pairs(args.limit)
    susp = _read_texts(PAN_DIR / "docs_susp.jsonl", {p["susp_id"] for p in pairs})
    src = _read_texts(PAN_DIR / "docs_src.jsonl", {p["src_id"] for p in pairs})
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(_compare, _jobs(pairs, susp, src), chunksize=8))
    else:
        results = [_compare(job) for job in _jobs(pairs, susp, src)]
    by_sub: dict[str, list[tuple[str | None, float, float, float, bool]]] = defaultdict(list)
    for record, outcome in zip(pairs, results, strict=True):
        by_sub[record["subcorpus"]].append(outcome)
    seconds = time.perf_counter() - started
    lines = [
        f"\n## PAN 2013 text alignment (dev): retold.compare on each pair ({len(pairs):,} pairs, {seconds:.0f} s)\n",
        "| sub-corpus | pairs | claimed (any label) | share | duplicate | reprint | rewrite | partial "
        "| claimed with a passage on a gold case | not claimed, though a passage lies on a case "
        "| median aligned share of the suspicious doc, claimed |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for sub in PAN_SUBCORPORA:
        outcomes = by_sub.get(sub, [])
        if not outcomes:
            continue
        labels = Counter(label for label, *_ in outcomes if label)
        claimed = sum(labels.values())
        aligned = sorted(a for label, _, a, _, _ in outcomes if label)
        on_case = sum(hit for label, *_, hit in outcomes if label)
        missed_aligned = sum(hit for label, *_, hit in outcomes if not label)
        median = f"{aligned[len(aligned) // 2]:.2f}" if aligned else "–"
        scope = " (cases only)" if sub == "05-summary-obfuscation" else ""
        lines.append(
            f"| {sub}{scope} | {len(outcomes):,} | {claimed:,} | {claimed / len(outcomes):.3f} | "
            + " | ".join(f"{labels[label]:,}" for label in LABELS)
            + f" | {on_case:,} | {missed_aligned:,} | {median} |"
        )
    lines.append(
        "\nA PAN case is a passage of the suspicious document (typically a few hundred to a few thousand "
        "characters) inside an otherwise unrelated text, so `partial` is the expected label for most reuse "
        "pairs; `reprint`/`rewrite` only where the case covers most of one document."
    )
    return lines, seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="PAN pairs per sub-corpus (default: all)")
    parser.add_argument("--workers", type=int, default=1, help="processes (ECB+ analyze and PAN compares)")
    parser.add_argument("--audit", type=int, default=AUDIT_SAMPLE, help="ECB+ pairs to print in the audit")
    parser.add_argument("--min-run", type=int, default=MIN_RUN, help="verbatim words that make a claim genuine")
    parser.add_argument("--skip-pan", action="store_true")
    parser.add_argument("--skip-ecb", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores", file=sys.stderr)
    if not args.skip_ecb:
        lines, seconds = run_ecb(args)
        print("\n".join(lines))
        print(f"\nECB+ part: {seconds:.0f} s")
        sys.stdout.flush()
    if not args.skip_pan:
        lines, seconds = run_pan(args)
        print("\n".join(lines))
        print(f"\nPAN part: {seconds:.0f} s")
    print(
        f"\ntotal {time.perf_counter() - started:.0f} s; load average at the end "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
