"""Incremental story grouping: batches against one batch, and the cost per document as
the index grows. Two tables.

    .venv/bin/python benchmarks/stories_incremental.py [--copies 8] [--batch 500] [--quick]

1. Batches vs one batch, on the development sets (ECB+ in file order, Google News
   title + snippet): the same documents added in batches of n, scored against the gold
   (B³ F1 of stories and events; for ECB+ both against the subtopic, since a topic's two
   happenings are two stories) and against the one-batch result ("agreement": B³ F1
   of the batched grouping taking the one-batch grouping as gold). Tolerance, checked
   below: |Δ B³ F1| <= 0.035 for stories and <= 0.07 for events, for every batch size
   down to one document. Google News stays within 0.02. ECB+ in file order is the worst
   case: it is sorted by topic, so the index's statistics (document frequencies, the
   mean vector it centres on) are those of the few topics seen so far when a topic's
   first documents are grouped; ``--shuffled`` adds ECB+ in a random order.
2. Cost per added document as the index grows: a stream made of ``--copies`` copies of
   Google News (words found in fewer than ``SHARED_CLUSTERS`` gold clusters get a
   per-copy suffix, so each copy brings new stories, while words common to many
   stories stay shared, as in a real stream),
   added ``--batch`` documents at a time. Per checkpoint: documents and stories in the
   index, ms per document of the last batch, the latency of adding single documents,
   and the saved state's size. "Flat" means the last quarter's ms/doc is within 1.5x
   of the second quarter's (the first batch is warm-up).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from retold.model import Story
from retold.stories import StoryConfig, StoryIndex, StoryInput
from retold.stories.evaluate import bcubed
from stories_ecbplus import load_ecbplus
from stories_googlenews import load_googlenews

BATCH_SIZES_ECB = (100, 10, 1)
BATCH_SIZES_GN = (1000, 100, 10)
TOLERANCE_STORIES = 0.035
TOLERANCE_EVENTS = 0.07
SHARED_CLUSTERS = 25  # words of at least this many Google News clusters (17% of tokens) stay shared
SINGLE_ADDS = 50  # single-document adds timed at each checkpoint
CHECKPOINTS = 8
FLAT_RATIO = 1.5
STREAM_SEED = 7


def labels(stories: Sequence[Story], ids: Sequence[str]) -> tuple[list[int], list[int]]:
    story_of, event_of, events = {}, {}, 0
    for number, story in enumerate(stories):
        for event in story.events:
            for doc in event:
                story_of[doc], event_of[doc] = number, events
            events += 1
    return [story_of[i] for i in ids], [event_of[i] for i in ids]


def run_batches(items: list[StoryInput], size: int, config: StoryConfig) -> tuple[list[Story], float]:
    index = StoryIndex(config)
    start = time.perf_counter()
    for offset in range(0, len(items), size):
        index.add(items[offset : offset + size])
    return index.stories(), time.perf_counter() - start


@dataclass(frozen=True, slots=True)
class Consistency:
    corpus: str
    batch: str
    story_f1: float
    event_f1: float
    d_story: float
    d_event: float
    agree_story: float
    agree_event: float
    seconds: float
    ok: bool


def consistency(
    name: str, items: list[StoryInput], story_gold: list, event_gold: list, sizes: Sequence[int], config: StoryConfig
) -> list[Consistency]:
    ids = [i.id for i in items]
    whole, seconds = run_batches(items, len(items), config)
    ref_story, ref_event = labels(whole, ids)
    base_story, base_event = bcubed(ref_story, story_gold).f1, bcubed(ref_event, event_gold).f1
    rows = [Consistency(name, "one batch", base_story, base_event, 0.0, 0.0, 1.0, 1.0, seconds, True)]
    for size in sizes:
        stories, seconds = run_batches(items, size, config)
        story, event = labels(stories, ids)
        s_f1, e_f1 = bcubed(story, story_gold).f1, bcubed(event, event_gold).f1
        ok = abs(s_f1 - base_story) <= TOLERANCE_STORIES and abs(e_f1 - base_event) <= TOLERANCE_EVENTS
        rows.append(
            Consistency(
                name,
                str(size),
                s_f1,
                e_f1,
                s_f1 - base_story,
                e_f1 - base_event,
                bcubed(story, ref_story).f1,
                bcubed(event, ref_event).f1,
                seconds,
                ok,
            )
        )
    return rows


def synthetic_stream(copies: int) -> tuple[list[StoryInput], list[tuple[int, int]]]:
    """Google News repeated: per copy, story-specific words get the copy's suffix (new
    stories), words of many stories stay shared; each copy shuffled, copies in sequence."""
    items, gold = load_googlenews("ts")
    clusters: dict[str, set[int]] = {}
    for item, label in zip(items, gold, strict=True):
        for w in item.text.split():
            clusters.setdefault(w, set()).add(label)
    rng = random.Random(STREAM_SEED)
    stream, labels_out = [], []
    for copy in range(copies):
        order = list(range(len(items)))
        rng.shuffle(order)
        for i in order:
            words = [
                w if copy == 0 or len(clusters[w]) >= SHARED_CLUSTERS else f"{w}x{copy}" for w in items[i].text.split()
            ]
            stream.append(StoryInput(id=f"{copy}:{items[i].id}", text=" ".join(words)))
            labels_out.append((copy, gold[i]))
    return stream, labels_out


@dataclass(frozen=True, slots=True)
class Checkpoint:
    docs: int
    stories: int
    ms_per_doc: float
    single_ms: float
    state_bytes_per_doc: float
    f1: float


def growth(copies: int, batch: int, config: StoryConfig) -> tuple[list[Checkpoint], list[float], int]:
    stream, gold = synthetic_stream(copies)
    index = StoryIndex(config)
    per_batch: list[float] = []
    checkpoints: list[Checkpoint] = []
    every = max(1, (len(stream) // batch) // CHECKPOINTS)
    offset = 0
    n_batches = 0
    since = 0  # batches timed since the last checkpoint
    while offset + batch <= len(stream):
        chunk = stream[offset : offset + batch]
        start = time.perf_counter()
        index.add(chunk)
        per_batch.append(1000 * (time.perf_counter() - start) / len(chunk))
        offset += len(chunk)
        n_batches += 1
        since += 1
        if n_batches % every == 0 or offset + batch > len(stream):
            # Single-document adds (the aggregator case): the next documents, one at a time.
            singles = stream[offset : offset + SINGLE_ADDS]
            start = time.perf_counter()
            for item in singles:
                index.add([item])
            single = 1000 * (time.perf_counter() - start) / max(len(singles), 1)
            offset += len(singles)
            stories = index.stories()
            ids = [s.id for s in stream[:offset]]
            story, _ = labels(stories, ids)
            checkpoints.append(
                Checkpoint(
                    docs=len(index),
                    stories=len(stories),
                    ms_per_doc=sum(per_batch[-since:]) / since,
                    single_ms=single,
                    state_bytes_per_doc=len(index.to_bytes()) / len(index),
                    f1=bcubed(story, gold[:offset]).f1,
                )
            )
            since = 0
    return checkpoints, per_batch, offset


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="fewer batch sizes and copies")
    parser.add_argument("--shuffled", action="store_true", help="also ECB+ in a shuffled order")
    args = parser.parse_args(argv)
    config = StoryConfig()

    ecb = load_ecbplus()
    gn_items, gn_gold = load_googlenews("ts")
    ecb_sizes = BATCH_SIZES_ECB[:2] if args.quick else BATCH_SIZES_ECB
    gn_sizes = BATCH_SIZES_GN[:2] if args.quick else BATCH_SIZES_GN
    rows = consistency(
        "ECB+ (stories and events: subtopic)",
        [d.item for d in ecb],
        [d.subtopic for d in ecb],
        [d.subtopic for d in ecb],
        ecb_sizes,
        config,
    )
    if args.shuffled:
        order = ecb[:]
        random.Random(STREAM_SEED).shuffle(order)
        rows += consistency(
            "ECB+ shuffled",
            [d.item for d in order],
            [d.subtopic for d in order],
            [d.subtopic for d in order],
            ecb_sizes,
            config,
        )
    rows += consistency("Google News ts (cluster)", gn_items, gn_gold, gn_gold, gn_sizes, config)
    print("## 1. Batches against one batch\n")
    print(
        "| corpus | batch size | stories B³ F1 | Δ | events B³ F1 | Δ | agreement stories | agreement events "
        "| seconds | within tolerance |"
    )
    print("|" + "---|" * 10)
    for r in rows:
        print(
            f"| {r.corpus} | {r.batch} | {r.story_f1:.3f} | {r.d_story:+.3f} | {r.event_f1:.3f} | {r.d_event:+.3f} | "
            f"{r.agree_story:.3f} | {r.agree_event:.3f} | {r.seconds:.1f} | {'yes' if r.ok else 'NO'} |"
        )
    copies = min(args.copies, 3) if args.quick else args.copies
    checkpoints, per_batch, total = growth(copies, args.batch, config)
    print(f"\n## 2. Cost per document as the index grows ({total:,} documents, batches of {args.batch})\n")
    print(
        "| documents | stories | ms/doc (batches since last row) | ms/doc (single adds) | state bytes/doc "
        "| stories B³ F1 |"
    )
    print("|---|---|---|---|---|---|")
    for c in checkpoints:
        print(
            f"| {c.docs:,} | {c.stories:,} | {c.ms_per_doc:.2f} | {c.single_ms:.1f} | "
            f"{c.state_bytes_per_doc:,.0f} | {c.f1:.3f} |"
        )
    timed = per_batch[1:]
    quarter = max(1, len(timed) // 4)
    early = sum(timed[quarter : 2 * quarter]) / max(len(timed[quarter : 2 * quarter]), 1)
    late = sum(timed[-quarter:]) / quarter
    flat = late <= FLAT_RATIO * early
    consistent = all(r.ok for r in rows)
    print(
        f"\nms/doc, second quarter of batches {early:.2f}, last quarter {late:.2f} (ratio {late / early:.2f})"
        f"\ntargets: cost per document flat (ratio <= {FLAT_RATIO}): {'MET' if flat else 'MISSED'}; "
        f"batches within tolerance: {'MET' if consistent else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
