"""Sentence embedders: speed, load time, and whether they see the seeds' rewrite.

    .venv/bin/python benchmarks/embed_speed.py [--seconds 3] [--only static|minilm|model2vec]

Sentences are the five sample articles' (``examples/seeds``), split with a simple
regex (sentence-final punctuation, then a capital or a quotation mark), kept if they
have at least five words. Each embedder runs in a fresh process so load times include
the imports it needs and one model's threads do not slow the other's.

Columns:

- ``load s``: ``get_embedder(name)`` in a fresh process after ``import retold.embed``
  (for MiniLM this includes importing torch and sentence-transformers).
- ``sent/s``: sentences encoded per second of wall clock, over repeated passes of all
  the seeds' sentences (one ``encode`` call per pass, default batch size), after one
  warm-up call; ``sent/CPU-s`` divides by the process's CPU time instead (all its
  threads), which moves less when other work shares the machine.
- ``≥0.8 in 00x``: share of 000's sentences whose best match among 00x's sentences
  has cosine ≥ 0.8, and in brackets the mean best-match cosine. 000 is a spun rewrite
  of 001; 002 shares a few reworded passages with 000 (``partial``); 003 and 004 are
  independent reports of the same story (``data/seeds/gold.json``). A useful
  embedder is high on 001 and low on 003 and 004.

``model2vec`` is the same static model run by the model2vec library, for reference
(skipped when model2vec is not installed): retold's numpy encoder must not be slower.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"
QUERY = "000"
TARGETS = {"001": "rewrite", "002": "partial", "003": "same story", "004": "same story"}
THRESHOLD = 0.8
MIN_WORDS = 5
EMBEDDERS = ("static", "model2vec", "minilm")
# End of sentence: . ! ? or … , optional closing quotes/brackets, whitespace, then
# something that starts a sentence. Crude on "U.S. forces", fine for a benchmark.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def seed_sentences() -> dict[str, list[str]]:
    """Sentences of each seed article, keyed by its three-digit id."""
    out: dict[str, list[str]] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        sentences: list[str] = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("date "):  # the " date YYYY-MM-DD title" header
                continue
            sentences.extend(s.strip() for s in _SENTENCE_END.split(line))
        out[path.name[:3]] = [s for s in sentences if len(s.split()) >= MIN_WORDS]
    return out


def _make(name: str) -> tuple[Callable[[Sequence[str]], np.ndarray], str, int]:
    """Load embedder ``name``: (encode, model id, dim)."""
    if name == "model2vec":
        from model2vec import StaticModel

        from retold.embed import STATIC_MODEL, _static_model_dir

        # max_length=None: retold's encoder does not truncate either.
        model = StaticModel.from_pretrained(_static_model_dir(STATIC_MODEL), max_length=None, normalize=True)
        return (lambda texts: np.asarray(model.encode(list(texts)), dtype=np.float32)), "model2vec library", model.dim
    from retold.embed import get_embedder

    embedder = get_embedder(name)
    return embedder.encode, embedder.model_id, embedder.dim


def worker(name: str, seconds: float) -> dict[str, object]:
    """Measure one embedder in this process; returns the row as a dict."""
    import retold.embed  # noqa: F401  - imported before timing: its cost is not the model's

    sentences = seed_sentences()
    started = time.perf_counter()
    encode, model_id, dim = _make(name)
    load = time.perf_counter() - started

    pool = [s for key in sorted(sentences) for s in sentences[key]]
    encode(pool[:8])  # warm-up: first-call allocations, lazy imports
    done = passes = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while passes < 1 or (time.perf_counter() - wall0 < seconds and passes < 1000):
        encode(pool)
        done += len(pool)
        passes += 1
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0

    vectors = {key: encode(rows) for key, rows in sentences.items()}
    matches: dict[str, tuple[float, float]] = {}
    for target in TARGETS:
        best = (vectors[QUERY] @ vectors[target].T).max(axis=1)
        matches[target] = (float(np.mean(best >= THRESHOLD)), float(best.mean()))
    return {
        "name": name,
        "model_id": model_id,
        "dim": dim,
        "load_s": load,
        "sentences": done,
        "sent_per_s": done / wall,
        "sent_per_cpu_s": done / cpu if cpu > 0 else float("nan"),
        "matches": matches,
        "query_sentences": len(sentences[QUERY]),
        "threads": _torch_threads(name),
    }


def _torch_threads(name: str) -> int | None:
    if name != "minilm" or "torch" not in sys.modules:
        return None
    return int(sys.modules["torch"].get_num_threads())


def run_worker(name: str, seconds: float) -> dict[str, object] | str:
    """Run ``worker`` in a fresh interpreter; the row, or why it could not run."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", name, "--seconds", str(seconds)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        return lines[-1] if lines else f"exit code {proc.returncode}"
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def table(rows: list[dict[str, object]], skipped: dict[str, str]) -> str:
    head = ["embedder", "dim", "load s", "sent/s", "sent/CPU-s"]
    head += [f"≥{THRESHOLD} in {key} ({label})" for key, label in TARGETS.items()]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row in rows:
        matches = dict(row["matches"])  # type: ignore[call-overload]
        cells = [
            str(row["name"]),
            str(row["dim"]),
            f"{row['load_s']:.2f}",
            f"{row['sent_per_s']:,.0f}",
            f"{row['sent_per_cpu_s']:,.0f}",
        ]
        cells += [f"{matches[key][0]:.0%} ({matches[key][1]:.2f})" for key in TARGETS]
        lines.append("| " + " | ".join(cells) + " |")
    for name, why in skipped.items():
        lines.append(f"| {name} | skipped: {why} |" + " |" * (len(head) - 2))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="timing budget per embedder (at least one pass)")
    parser.add_argument("--only", choices=EMBEDDERS, action="append", help="run only these embedders")
    parser.add_argument("--worker", choices=EMBEDDERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.seconds)))
        return 0

    sentences = seed_sentences()
    rows: list[dict[str, object]] = []
    skipped: dict[str, str] = {}
    for name in args.only or EMBEDDERS:
        result = run_worker(name, args.seconds)
        if isinstance(result, str):
            skipped[name] = result
        else:
            rows.append(result)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Sentence embedders on examples/seeds: {sum(map(len, sentences.values()))} sentences of ≥{MIN_WORDS} words "
        f"({len(sentences[QUERY])} in {QUERY}); {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {load:.1f}"
    )
    print()
    print(table(rows, skipped))
    print()
    for row in rows:
        threads = f", torch threads {row['threads']}" if row.get("threads") else ""
        print(f"{row['name']}: {row['model_id']}{threads}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
