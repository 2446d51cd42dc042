"""Which candidate pairs analyze aligns: chance anchor pairs sharing a stock phrase are
dropped before alignment, pairs sharing a passage are aligned and related."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import retold
import retold.pipeline as pipeline
from conftest import SHARED
from retold.config import Settings
from retold.fingerprint import jaccard_and_containment, overlap_scores, shingle_overlap

PAN_SOURCES = SHARED / "data" / "pan13" / "docs_src.jsonl"
STOCK_PHRASE = "according to the latest figures released by the"  # 8 words: 4 five-grams
SHARED_SENTENCE = "The committee said the new rules would take effect at the start of next year."


def test_worth_aligning_exact_cases() -> None:
    settings = Settings()
    never = pytest.fail  # the content-word test must not be computed when 5-grams decide

    assert pipeline.worth_aligning((5, 200, 300), False, never, settings)
    assert pipeline.worth_aligning((0, 200, 300), True, never, settings)
    assert pipeline.worth_aligning((3, 6, 300), False, never, settings)  # most of a short text
    assert not pipeline.worth_aligning((4, 200, 300), False, lambda: 0.29, settings)
    assert pipeline.worth_aligning((4, 200, 300), False, lambda: 0.3, settings)  # the embedding route's test
    assert not pipeline.worth_aligning((2, 5, 300), False, lambda: 0.0, settings)
    assert pipeline.worth_aligning((0, 200, 300), False, lambda: 0.0, Settings(min_shared_content_words=0.0))
    assert pipeline.worth_aligning((1, 200, 300), False, never, Settings(min_shared_shingles=1))


@given(st.lists(st.integers(0, 40)), st.lists(st.integers(0, 40)))
def test_overlap_counts_give_jaccard_and_containment(a: list[int], b: list[int]) -> None:
    left, right = np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)
    shared, size_a, size_b = shingle_overlap(left, right)
    assert (shared, size_a, size_b) == (len(set(a) & set(b)), len(set(a)), len(set(b)))
    assert overlap_scores(shared, size_a, size_b) == jaccard_and_containment(left, right)


def _pan_texts(count: int) -> list[str]:
    texts = []
    with PAN_SOURCES.open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            if len(text) > 3000:
                texts.append(text[:3000].rsplit(" ", 1)[0] + ".")
            if len(texts) == count:
                return texts
    raise AssertionError(f"fewer than {count} long PAN source texts")


def _analyze_every_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> tuple[set, list]:
    """Analyze three real texts with every pair made a candidate (as chance anchors
    would), recording which pairs were aligned."""
    x, y, z = _pan_texts(3)
    records = [
        {"id": "x", "text": f"{x}\n\n{SHARED_SENTENCE} Officials gave figures {STOCK_PHRASE} ministry."},
        {"id": "y", "text": f"{y}\n\nPrices rose, {STOCK_PHRASE} statistics office."},
        {"id": "z", "text": f"{z}\n\n{SHARED_SENTENCE}"},
    ]
    tmp_path.mkdir(parents=True, exist_ok=True)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    def every_pair(anchor_lists: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        n = len(anchor_lists)
        pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)], dtype=np.int64)
        return pairs, np.full(len(pairs), 2, dtype=np.int64)

    aligned: set[tuple[str, str]] = set()
    compare = pipeline.compare_documents

    def recording(doc_a, clean_a, doc_b, clean_b, scores, same):  # type: ignore[no-untyped-def]
        aligned.add((doc_a.id, doc_b.id))
        return compare(doc_a, clean_a, doc_b, clean_b, scores, same)

    monkeypatch.setattr(pipeline, "anchor_pairs", every_pair)
    monkeypatch.setattr(pipeline, "compare_documents", recording)
    result = retold.analyze([corpus], settings=settings)
    return aligned, [(p.a, p.b, p.label) for p in result.pairs if p.label != "same_story"]


def test_a_shared_stock_phrase_is_not_aligned_a_shared_sentence_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(workers=1, neighbours=0)
    aligned, related = _analyze_every_pair(tmp_path, monkeypatch, settings)
    assert aligned == {("x", "z")}
    assert related == [("x", "z", "partial")]

    # Without the floor the stock-phrase pair costs an alignment and still relates nothing.
    aligned, related = _analyze_every_pair(
        tmp_path / "all",
        monkeypatch,
        Settings(workers=1, neighbours=0, min_shared_shingles=0, min_shared_content_words=0.0),
    )
    assert aligned == {("x", "y"), ("x", "z"), ("y", "z")}
    assert related == [("x", "z", "partial")]
