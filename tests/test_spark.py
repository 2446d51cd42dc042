"""The Spark engine gives the local engine's answers (Spark local mode, 2 cores).

Covers the samples (dedup and analyze: every output record) and generated corpora:
5,000 articles for dedup; 100 for analyze (every generated article is recombined
from the same five samples, so analyze finds ~30 related pairs per article and
aligns each; 100 keeps the whole file near three minutes on two cores).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import retold
from retold.records import cluster_to_dict, pair_to_dict
from retold.spark.session import spark_available

REASON = spark_available()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"Spark engine unavailable: {REASON}")

DEDUP_CORPUS = 5_000
ANALYZE_CORPUS = 100


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from retold.spark import get_session

    session = get_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dedup_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpus import make_corpus

    path = tmp_path_factory.mktemp("spark") / "corpus.jsonl"
    make_corpus(path, DEDUP_CORPUS)
    return path


def _pairs(pairs: list[retold.Pair]) -> list[dict[str, Any]]:
    return [pair_to_dict(p) for p in sorted(pairs, key=lambda p: (p.a, p.b))]


def _same_dedup(inputs: list[Path], spark: Any) -> tuple[retold.DedupResult, retold.DedupResult]:
    local = retold.dedup(inputs)
    distributed = retold.dedup(inputs, engine="spark")
    assert [cluster_to_dict(c) for c in distributed.clusters] == [cluster_to_dict(c) for c in local.clusters]
    assert _pairs(distributed.pairs) == _pairs(local.pairs)
    # Unrounded too: the Spark engine's objects are the local engine's.
    assert distributed.clusters == local.clusters
    return local, distributed


def _same_analysis(inputs: list[Path], spark: Any) -> tuple[retold.AnalysisResult, retold.AnalysisResult]:
    local = retold.analyze(inputs)
    distributed = retold.analyze(inputs, engine="spark")
    assert distributed.documents == local.documents
    assert [(p.a, p.b, p.label, p.source) for p in distributed.pairs] == [
        (p.a, p.b, p.label, p.source) for p in local.pairs
    ]
    assert distributed.records("pairs") == local.records("pairs")
    assert distributed.records("quotes") == local.records("quotes")
    assert distributed.records("stories") == local.records("stories")
    return local, distributed


def test_dedup_of_the_samples_is_the_local_engines(spark: Any, seeds_dir: Path) -> None:
    _same_dedup([seeds_dir], spark)


def test_analysis_of_the_samples_is_the_local_engines(spark: Any, seeds_dir: Path) -> None:
    local, _ = _same_analysis([seeds_dir], spark)
    assert {p.label for p in local.pairs} >= {"rewrite"}


def test_dedup_of_a_generated_corpus_is_the_local_engines(spark: Any, dedup_corpus: Path) -> None:
    local, _ = _same_dedup([dedup_corpus], spark)
    assert len(local.pairs) > 1000
    assert len(set(local.representatives())) < DEDUP_CORPUS


def test_analysis_of_a_generated_corpus_is_the_local_engines(spark: Any, tmp_path: Path) -> None:
    from corpus import make_corpus

    path = tmp_path / "corpus.jsonl"
    make_corpus(path, ANALYZE_CORPUS, seed=11)
    local, _ = _same_analysis([path], spark)
    assert {"duplicate", "reprint", "rewrite", "partial"} <= {p.label for p in local.pairs}


def test_cli_writes_the_local_engines_files(spark: Any, seeds_dir: Path, tmp_path: Path) -> None:
    from retold.cli import main

    assert main(["dedup", str(seeds_dir), "--out", str(tmp_path / "local.jsonl"), "--quiet"]) == 0
    spark_args = ["--engine", "spark", "--spark-master", "local[2]"]
    code = main(["dedup", str(seeds_dir), "--out", str(tmp_path / "spark.jsonl"), "--quiet", *spark_args])
    assert code == 0
    assert (tmp_path / "spark.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert main(["analyze", str(seeds_dir), "--out", str(tmp_path / "a"), "--quiet", "--engine", "spark"]) == 0
    assert main(["analyze", str(seeds_dir), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    for table in ("documents", "pairs", "stories", "quotes"):
        assert (tmp_path / "a" / f"{table}.jsonl").read_bytes() == (tmp_path / "b" / f"{table}.jsonl").read_bytes()


def test_spark_engine_refuses_a_store(seeds_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="store"):
        retold.dedup([seeds_dir], store=tmp_path / "ws.sqlite", engine="spark")


def test_dataframe_entry_point_and_spark_writers(spark: Any, tmp_path: Path) -> None:
    from retold.spark import dedup_dataframe
    from retold.spark.records import write_clusters, write_pairs

    texts = [
        "The harbour strike entered its third week on Monday as talks between the union and the port stalled.",
        "The harbour strike entered its third week on Monday as talks between the union and the port stalled!",
        "A completely different article about the city council budget vote and the new library opening hours.",
    ]
    frame = spark.createDataFrame([(f"d{i}", t) for i, t in enumerate(texts)], "id string, text string")
    clusters, pairs = dedup_dataframe(frame)
    rows = {r["id"]: r["representative"] for r in clusters.collect()}
    assert rows == {"d0": "d0", "d1": "d0", "d2": "d2"}
    assert [(r["a"], r["b"], r["label"]) for r in pairs.collect()] == [("d0", "d1", "duplicate")]
    write_clusters(clusters, str(tmp_path / "clusters"), "jsonl")
    write_pairs(pairs, str(tmp_path / "pairs.parquet"), "parquet")
    lines = [
        json.loads(line) for f in sorted((tmp_path / "clusters").glob("part-*")) for line in f.read_text().splitlines()
    ]
    assert [r["id"] for r in lines] == ["d0", "d1", "d2"]
    assert spark.read.parquet(str(tmp_path / "pairs.parquet")).count() == 1


def test_spark_reads_parquet_and_jsonl_like_the_local_readers(spark: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from retold.config import ReadConfig
    from retold.read import iter_documents
    from retold.spark.io import documents_with_spark, row_document

    rows = [
        {"id": "a", "text": "First text.", "date": "2021-03-04T10:00:00Z", "title": "  A  title "},
        {"id": None, "text": "No id here.", "outlet": "Daily"},
        {"id": "c", "text": ""},
        {"id": "a", "text": "Repeated id."},
    ]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "docs.parquet")
    (tmp_path / "docs.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n\nnot json\n" + json.dumps({"id": "z", "text": "Last."}) + "\n"
    )
    for name in ("docs.parquet", "docs.jsonl"):
        path = str(tmp_path / name)
        local_skips: list[retold.Skipped] = []
        spark_skips: list[retold.Skipped] = []
        expected = list(iter_documents([path], ReadConfig(), local_skips.append))
        frame = documents_with_spark(spark, [path], ReadConfig(), spark_skips.append)
        found = [row_document(r.asDict()) for r in frame.orderBy("seq").collect()]
        assert found == expected
        assert sorted(s.message() for s in spark_skips) == sorted(s.message() for s in local_skips)
