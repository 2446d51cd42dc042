"""Small generated corpora from the sample articles' paragraphs, for tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"


def paragraphs() -> list[str]:
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        out.extend(p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 12)
    return out


def make_corpus(path: Path, count: int, seed: int = 7, copy_rate: float = 0.2) -> list[dict]:
    """JSONL of ``count`` articles: recombined paragraphs, some of them near copies of
    earlier articles (a word or two changed, or a paragraph added)."""
    rng = random.Random(seed)
    pool = paragraphs()
    records: list[dict] = []
    for i in range(count):
        if records and rng.random() < copy_rate:
            original = rng.choice(records)["text"].split(" ")
            for _ in range(rng.randint(0, 3)):
                original[rng.randrange(len(original))] = rng.choice(["sources", "officials", "reportedly"])
            text = " ".join(original)
        else:
            picked = rng.sample(pool, rng.randint(4, 8))
            words = " ".join(picked).split(" ")
            # Shuffle a few words so recombined articles are not near copies of each other.
            for _ in range(len(words) // 10):
                j, k = rng.randrange(len(words)), rng.randrange(len(words))
                words[j], words[k] = words[k], words[j]
            text = " ".join(words)
        records.append({"id": f"doc{i:05d}", "text": text})
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return records
