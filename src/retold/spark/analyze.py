"""``retold analyze`` as DataFrame jobs.

    documents ─ mapInArrow: rule cleaning (clean_document), body-line hashes
              ─ corpus boilerplate: lines in >= recurring_min_docs documents found by
                explode + groupBy; only the documents holding such a line send their
                line hashes to the driver, which runs find_recurring_lines (small)
              ─ mapInArrow: recurring lines → final cleaning, fingerprints (band keys,
                anchors, shingles), embedding, quotations, documents.jsonl record
              ─ candidates: body hash, LSH bands, anchors (explode + groupBy);
                embedding neighbours (see below) not found otherwise, kept when the
                two bodies share enough content words (joined pair by pair)
              ─ verify: join both documents per pair → exact Jaccard/containment,
                alignment and relation (retold.pipeline.compare_documents) on executors
              ─ quotations and stories on the driver (see below)

What runs on the driver, and why (each needs the whole corpus at once):

* recurring boilerplate lines: the line hashes of the documents that hold a line
  seen in >= 3 documents (the rest never reach the driver);
* embedding neighbours: every document's vector (512 bytes, float16) is collected
  and broadcast; the exact top-k search then runs on the executors, one block of
  1,024 documents per task, the local engine's block for block, so ties and
  rounding come out the same. Above 20,000 documents the local engine switches
  to a FAISS IVF index when faiss is installed; so does this engine (on the driver);
* quotation grouping (``group_quotes``) over every document's quotation mentions;
* stories (``StoryIndex``) over every document's body text and the related pairs.

The last two make the driver hold the body texts: fine for a few hundred thousand
articles; above that, run ``analyze_dataframe(..., quotes_and_stories=False)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from retold import clean as cleaning
from retold.candidates import EXACT_NEIGHBOURS_UPTO, NEIGHBOUR_BLOCK, neighbour_pairs
from retold.config import Settings
from retold.fingerprint import content_words, overlap_scores, shared_share, shingle_overlap
from retold.model import Pair, PairScores, Quote, Story, StoryInput
from retold.pipeline import _embed_bodies, compare_documents, worth_aligning
from retold.quotes import extract_quotes, group_quotes
from retold.records import (
    cleaned_from_dict,
    cleaned_to_dict,
    document_record,
    mention_from_dict,
    mention_to_dict,
    pair_to_dict,
)
from retold.stories import StoryIndex
from retold.stories.pairs import same_story_pairs

from .candidates import PAIR_SCHEMA, anchor_pairs, exact_pairs, lsh_pairs
from .fingerprints import FINGERPRINT_FIELDS, fingerprint_columns, shingles_of
from .io import DOCUMENT_SCHEMA, dataframe_documents, row_document
from .records import DOCUMENT_FIELDS, PAIR_FIELDS, pair_from_row, parse_records

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

RULE_CLEANED_SCHEMA = f"{DOCUMENT_SCHEMA}, cleaned string, lines array<long>"
PREPARED_SCHEMA = (
    f"{DOCUMENT_SCHEMA}, cleaned string, body_text string, {FINGERPRINT_FIELDS}, vector binary,"
    " content_words binary, mentions string, record string"
)
RELATED_SCHEMA = "a_seq long, b_seq long, record string"
_DOCUMENT_NAMES = [name.split()[0] for name in DOCUMENT_SCHEMA.split(", ")]


def _columns(batch: pa.RecordBatch, extra: dict[str, list]) -> pa.RecordBatch:
    data = {name: batch.column(name) for name in _DOCUMENT_NAMES}
    data.update(extra)
    return pa.RecordBatch.from_pydict(data)


def rule_clean(documents: DataFrame, settings: Settings) -> DataFrame:
    """Each document cleaned by the rules alone, with the hashes of its body lines."""

    def compute(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            cleaned: list[str] = []
            lines: list[list[int]] = []
            for row in batch.to_pylist():
                doc = row_document(row)
                c = cleaning.clean_document(doc, settings.clean)
                cleaned.append(json.dumps(cleaned_to_dict(c), ensure_ascii=False))
                lines.append(cleaning.line_fingerprints(doc, c, settings.clean).view(np.int64).tolist())
            yield _columns(
                batch, {"cleaned": pa.array(cleaned, pa.string()), "lines": pa.array(lines, pa.list_(pa.int64()))}
            )

    return documents.mapInArrow(compute, RULE_CLEANED_SCHEMA)


def recurring_lines(rule_cleaned: DataFrame, settings: Settings) -> np.ndarray:
    """``find_recurring_lines`` of the corpus, fed only the documents that hold a line
    recurring often enough to be tested: its answer depends on nothing else."""
    from pyspark.sql import functions as F

    exploded = rule_cleaned.select("seq", F.explode("lines").alias("line"))
    frequent = exploded.groupBy("line").count().filter(F.col("count") >= settings.clean.recurring_min_docs)
    holders = exploded.join(frequent.select("line"), "line").select("seq").distinct()
    rows = rule_cleaned.select("seq", "lines").join(holders, "seq").orderBy("seq").collect()
    if not rows:
        return np.zeros(0, dtype=np.uint64)
    summaries = ((str(r["seq"]), np.asarray(r["lines"], dtype=np.int64).view(np.uint64)) for r in rows)
    return cleaning.find_recurring_lines(summaries, settings.clean)


def finish(rule_cleaned: DataFrame, recurring: np.ndarray, settings: Settings) -> DataFrame:
    """Final cleaning (recurring lines as boilerplate), fingerprints, vectors, quotations."""

    def compute(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            rows = batch.to_pylist()
            docs = [row_document(row) for row in rows]
            finals = [
                cleaning.apply_recurring(doc, cleaned_from_dict(json.loads(row["cleaned"])), recurring, settings.clean)
                for doc, row in zip(docs, rows, strict=True)
            ]
            bodies = [c.body_text(d.text) for d, c in zip(docs, finals, strict=True)]
            extra: dict[str, list] = {
                "cleaned": [json.dumps(cleaned_to_dict(c), ensure_ascii=False) for c in finals],
                "body_text": bodies,
            }
            extra.update(fingerprint_columns(bodies, settings.dedup, with_anchors=True))
            vectors = _embed_bodies(bodies, settings)
            extra["vector"] = pa.array([v.tobytes() for v in vectors], pa.binary())
            extra["content_words"] = pa.array(
                [w.astype(np.uint64).tobytes() for w in content_words(bodies, settings.dedup.seed)], pa.binary()
            )
            extra["mentions"] = [
                json.dumps([mention_to_dict(m) for m in extract_quotes(d, c)], ensure_ascii=False)
                for d, c in zip(docs, finals, strict=True)
            ]
            extra["record"] = [
                json.dumps(document_record(d, c), ensure_ascii=False) for d, c in zip(docs, finals, strict=True)
            ]
            yield _columns(batch, extra)

    return rule_cleaned.mapInArrow(compute, PREPARED_SCHEMA)


def _block_neighbours(vectors: np.ndarray, start: int, k: int, min_cosine: float) -> np.ndarray:
    """``retold.candidates._exact_neighbours`` for the block of queries at ``start``:
    the same slice and product, so the same floats and the same ties."""
    block = vectors[start : start + NEIGHBOUR_BLOCK] @ vectors.T
    rows = np.arange(len(block))
    block[rows, start + rows] = -np.inf
    top = np.argpartition(-block, k - 1, axis=1)[:, :k]
    sims = np.take_along_axis(block, top, axis=1)
    queries = np.repeat(start + rows, k)
    keep = sims.ravel() >= min_cosine
    return np.stack([queries[keep], top.ravel()[keep]], axis=1)


def neighbour_candidates(prepared: DataFrame, settings: Settings) -> DataFrame:
    """Pairs among each other's nearest neighbours by document vector (cosine >= minimum)."""
    spark = prepared.sparkSession
    rows = prepared.select("seq", "vector").orderBy("seq").collect()
    seqs = np.asarray([r["seq"] for r in rows], dtype=np.int64)
    if len(rows) < 2 or not settings.neighbours:
        return spark.createDataFrame([], PAIR_SCHEMA)
    vectors = np.ascontiguousarray(
        np.stack([np.frombuffer(r["vector"], dtype=np.float16) for r in rows]), dtype=np.float32
    )
    if not vectors.shape[1]:
        return spark.createDataFrame([], PAIR_SCHEMA)
    n = len(vectors)
    if n > EXACT_NEIGHBOURS_UPTO:
        try:
            import faiss  # noqa: F401

            # The local engine's approximate index; it needs all vectors in one place anyway.
            found = neighbour_pairs(vectors, settings.neighbours, settings.min_neighbour_cosine)
            return spark.createDataFrame([(int(seqs[i]), int(seqs[j])) for i, j in found.tolist()], PAIR_SCHEMA)
        except ImportError:
            pass
    k = min(settings.neighbours, n - 1)
    shared = spark.sparkContext.broadcast((vectors, seqs))
    min_cosine = settings.min_neighbour_cosine
    blocks = (n + NEIGHBOUR_BLOCK - 1) // NEIGHBOUR_BLOCK

    def search(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        matrix, order = shared.value
        for batch in batches:
            for start in batch.column("id").to_pylist():
                found = order[_block_neighbours(matrix, start, k, min_cosine)]
                found = np.sort(found, axis=1)
                found = found[found[:, 0] != found[:, 1]]
                yield pa.RecordBatch.from_arrays([pa.array(found[:, 0]), pa.array(found[:, 1])], names=["i", "j"])

    starts = spark.range(
        0, n, NEIGHBOUR_BLOCK, numPartitions=max(1, min(blocks, spark.sparkContext.defaultParallelism * 4))
    )
    return starts.mapInArrow(search, PAIR_SCHEMA)


def share_content_words(pairs: DataFrame, prepared: DataFrame, threshold: float) -> DataFrame:
    """The pairs whose bodies share at least ``threshold`` of the shorter one's distinct
    content words (``retold.pipeline.share_content_words``, pair by pair on the executors)."""
    if threshold <= 0.0:
        return pairs
    words = prepared.select("seq", "content_words")
    joined = pairs.join(words.withColumnRenamed("seq", "i").withColumnRenamed("content_words", "wi"), "i").join(
        words.withColumnRenamed("seq", "j").withColumnRenamed("content_words", "wj"), "j"
    )

    def keep(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            wi, wj = batch.column("wi").to_pylist(), batch.column("wj").to_pylist()
            mask = [
                shared_share(np.frombuffer(a, np.uint64), np.frombuffer(b, np.uint64)) >= threshold
                for a, b in zip(wi, wj, strict=True)
            ]
            yield batch.select(["i", "j"]).filter(pa.array(mask, pa.bool_()))

    return joined.select("i", "j", "wi", "wj").mapInArrow(keep, PAIR_SCHEMA)


def candidate_pairs(prepared: DataFrame, settings: Settings) -> DataFrame:
    """Body hash, LSH and anchor candidates; plus embedding neighbours that are not
    candidates already and pass the content-word gate (as ``retold.pipeline.finalize``)."""
    lexical = exact_pairs(prepared).unionByName(lsh_pairs(prepared)).unionByName(anchor_pairs(prepared)).distinct()
    if not settings.neighbours:
        return lexical
    neighbours = neighbour_candidates(prepared, settings).distinct().join(lexical, ["i", "j"], "left_anti")
    gated = share_content_words(neighbours, prepared, settings.min_shared_content_words)
    return lexical.unionByName(gated)


def relate_pairs(candidates: DataFrame, prepared: DataFrame, settings: Settings, tasks: int) -> DataFrame:
    """Align and relate each candidate pair worth aligning (``retold.pipeline.worth_aligning``)
    on the executors; related pairs only."""
    columns = (*_DOCUMENT_NAMES, "cleaned", "body_hash", "shingles", "content_words")

    def sided(side: str) -> DataFrame:
        return prepared.select(*(prepared[c].alias(f"{side}_{c}") for c in columns))

    joined = (
        candidates.withColumnRenamed("i", "i_seq")
        .withColumnRenamed("j", "j_seq")
        .join(sided("i"), "i_seq")
        .join(sided("j"), "j_seq")
        # Alignment costs vary a lot per pair: many small tasks balance the cores.
        .repartition(tasks)
    )

    def compute(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out: dict[str, list] = {"a_seq": [], "b_seq": [], "record": []}
            for row in batch.to_pylist():
                # a is the smaller id, as in the local engine.
                first, second = ("i_", "j_") if row["i_id"] < row["j_id"] else ("j_", "i_")
                doc_a, doc_b = row_document(row, first), row_document(row, second)
                overlap = shingle_overlap(shingles_of(row[first + "shingles"]), shingles_of(row[second + "shingles"]))
                same = row["i_body_hash"] == row["j_body_hash"]
                words_a, words_b = row[first + "content_words"], row[second + "content_words"]

                def content_share(words_a: bytes = words_a, words_b: bytes = words_b) -> float:
                    return shared_share(np.frombuffer(words_a, np.uint64), np.frombuffer(words_b, np.uint64))

                if not worth_aligning(overlap, same, content_share, settings):
                    continue
                clean_a = cleaned_from_dict(json.loads(row[first + "cleaned"]))
                clean_b = cleaned_from_dict(json.loads(row[second + "cleaned"]))
                scores = PairScores(*overlap_scores(*overlap))
                pair = compare_documents(doc_a, clean_a, doc_b, clean_b, scores, same).pair
                if pair is None:
                    continue
                out["a_seq"].append(row[first + "seq"])
                out["b_seq"].append(row[second + "seq"])
                out["record"].append(json.dumps(pair_to_dict(pair, digits=None), ensure_ascii=False))
            if out["record"]:
                yield pa.RecordBatch.from_pydict(
                    {
                        "a_seq": pa.array(out["a_seq"], pa.int64()),
                        "b_seq": pa.array(out["b_seq"], pa.int64()),
                        "record": pa.array(out["record"], pa.string()),
                    }
                )

    return joined.mapInArrow(compute, RELATED_SCHEMA)


def quotations(prepared: DataFrame) -> list[Quote]:
    """Quotations grouped across the corpus (on the driver, from per-document mentions)."""
    mentions = []
    dates: dict[str, str | None] = {}
    for row in prepared.select("seq", "id", "date", "cleaned", "mentions").orderBy("seq").collect():
        dates[row["id"]] = row["date"] or json.loads(row["cleaned"]).get("date")
        mentions.extend(mention_from_dict(m) for m in json.loads(row["mentions"]))
    return group_quotes(mentions, dates)


def stories(prepared: DataFrame, related: list[Pair]) -> list[Story]:
    """Stories over every document and the related pairs (on the driver)."""
    items = []
    for row in prepared.select("seq", "id", "title", "date", "outlet", "cleaned", "body_text").orderBy("seq").collect():
        cleaned = json.loads(row["cleaned"])
        items.append(
            StoryInput(
                id=row["id"],
                title=cleaned.get("title") or row["title"],
                date=cleaned.get("date") or row["date"],
                outlet=cleaned.get("outlet") or row["outlet"],
                text=row["body_text"],
            )
        )
    index = StoryIndex()
    index.add(items, related)
    return index.stories()


@dataclass(slots=True)
class AnalysisFrames:
    """What ``analyze_dataframe`` gives back.

    ``documents``: documents.jsonl fields plus ``seq`` (reading order); ``pairs``:
    pairs.jsonl fields plus ``a_seq``, ``b_seq``; ``prepared``: one row per
    document with its text, final cleaning (``cleaned``, JSON) and fingerprints.
    ``quotes`` and ``stories`` are computed on the driver (empty when not asked for).
    """

    documents: DataFrame
    pairs: DataFrame
    prepared: DataFrame
    quotes: list[Quote] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)


def analyze_dataframe(
    documents: DataFrame, settings: Settings | None = None, *, quotes_and_stories: bool = True
) -> AnalysisFrames:
    """Clean, fingerprint, pair, align and relate a DataFrame of documents.

    ``documents`` has fields named as in ``settings.read`` (``id``, ``text``,
    ``title``, ``date``, ``url``, ``outlet``, ``byline``) and optionally ``seq``
    (reading order; else the frame's row order).
    """
    settings = settings or Settings()
    return _analyze(dataframe_documents(documents, settings.read), settings, quotes_and_stories=quotes_and_stories)


def _analyze(docs: DataFrame, settings: Settings, *, quotes_and_stories: bool = True) -> AnalysisFrames:
    from pyspark import StorageLevel

    spark = docs.sparkSession
    parallelism = spark.sparkContext.defaultParallelism
    if docs.rdd.getNumPartitions() < 2 * parallelism:
        # Cleaning and embedding are the heavy per-document work: spread it.
        docs = docs.repartition(2 * parallelism)
    rule_cleaned = rule_clean(docs, settings).persist(StorageLevel.MEMORY_AND_DISK)
    recurring = recurring_lines(rule_cleaned, settings)
    prepared = finish(rule_cleaned, recurring, settings).persist(StorageLevel.MEMORY_AND_DISK)
    candidates = candidate_pairs(prepared, settings).persist(StorageLevel.MEMORY_AND_DISK)
    tasks = max(4 * parallelism, candidates.count() // 200 + 1)
    related = relate_pairs(candidates, prepared, settings, tasks).persist(StorageLevel.MEMORY_AND_DISK)
    rule_cleaned.unpersist()
    pairs = parse_records(related, PAIR_FIELDS, keep=("a_seq", "b_seq"))
    documents = parse_records(prepared.select("seq", "record"), DOCUMENT_FIELDS, keep=("seq",))
    result = AnalysisFrames(documents=documents, pairs=pairs, prepared=prepared)
    if quotes_and_stories:
        result.quotes = quotations(prepared)
        related = [
            pair_from_row(r.asDict(recursive=True)) for r in pairs.drop("a_seq", "b_seq").orderBy("a", "b").collect()
        ]
        result.stories = stories(prepared, related)
        result.pairs = _with_same_story(pairs, prepared, same_story_pairs(result.stories, related))
    return result


def _with_same_story(pairs: DataFrame, prepared: DataFrame, extra: list[Pair]) -> DataFrame:
    """The pairs frame with the ``same_story`` pairs (found on the driver) added."""
    if not extra:
        return pairs
    spark = pairs.sparkSession
    seq_of = {r["id"]: r["seq"] for r in prepared.select("id", "seq").collect()}
    rows = [(seq_of[p.a], seq_of[p.b], json.dumps(pair_to_dict(p, digits=None), ensure_ascii=False)) for p in extra]
    frame = spark.createDataFrame(rows, "a_seq long, b_seq long, record string")
    return pairs.unionByName(parse_records(frame, PAIR_FIELDS, keep=("a_seq", "b_seq")))


__all__ = ["AnalysisFrames", "analyze_dataframe", "candidate_pairs", "finish", "recurring_lines", "relate_pairs"]
