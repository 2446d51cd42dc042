"""The Python API: typed results, tables, and the relations users rely on."""

from __future__ import annotations

import json
from pathlib import Path

import retold
from conftest import read_jsonl
from retold.fingerprint import jaccard_and_containment, shingles


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _seed(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_public_api_is_small_and_explicit() -> None:
    assert set(retold.__all__) >= {"analyze", "dedup", "Settings", "DedupConfig", "Pair", "Document", "Store"}
    for name in retold.__all__:
        assert hasattr(retold, name), name


def test_tables_as_arrow_and_pandas(seeds_dir: Path) -> None:
    result = retold.analyze([seeds_dir])
    documents = result.to_arrow("documents")
    assert documents.num_rows == 5
    assert {"id", "path", "title", "date", "outlet", "boilerplate"} <= set(documents.column_names)
    pairs = result.to_pandas("pairs")
    assert set(pairs["label"]) <= {"duplicate", "reprint", "rewrite", "partial", "same_story"}
    assert len(pairs) == len(result.pairs)


def test_an_article_wholly_inside_a_longer_one_is_a_reprint(tmp_path: Path, seeds_dir: Path) -> None:
    article = _seed(seeds_dir, "003").split("https://media.thecradle")[0].strip()
    other = _seed(seeds_dir, "004")
    # A roundup page: the whole article between two long unrelated stretches.
    roundup = other[:3000] + "\n\n" + article + "\n\n" + other[3000:6000]
    corpus = _jsonl(
        tmp_path / "c.jsonl",
        [{"id": "article", "text": article, "date": "2021-12-28"}, {"id": "roundup", "text": roundup}],
    )
    result = retold.analyze([corpus])
    (pair,) = result.pairs
    assert (pair.a, pair.b, pair.label) == ("article", "roundup", "reprint")
    assert pair.scores.containment_a > 0.95 and pair.scores.jaccard < 0.5
    assert pair.scores.aligned_a > 0.95
    start = roundup.index(article)
    covered = sum(p.b_span.end - p.b_span.start for p in pair.passages)
    assert all(start <= p.b_span.start and p.b_span.end <= start + len(article) for p in pair.passages)
    assert covered >= 0.95 * len(article)
    assert pair.source == "roundup"


def test_copy_wrapped_in_boilerplate_is_a_duplicate_of_its_source(tmp_path: Path, seeds_dir: Path) -> None:
    original = _seed(seeds_dir, "002")
    body = original.split("\n", 1)[1]
    wrapped = (
        "Share this article on Facebook\n\n"
        + body.replace("\n\n", "\n\n\n")
        + "\n\nLeave a Reply\n\nYou are commenting using your Twitter account. Log Out /  Change )\n"
    )
    corpus = _jsonl(
        tmp_path / "c.jsonl",
        [
            {"id": "a-original", "text": original, "date": "2021-11-20"},
            {"id": "b-wrapped", "text": wrapped, "date": "2021-11-21"},
        ],
    )
    result = retold.analyze([corpus], out=tmp_path / "out")
    (pair,) = result.pairs
    assert pair.label == "duplicate"
    assert pair.source == "a-original"
    docs = {d["id"]: d for d in read_jsonl(tmp_path / "out" / "documents.jsonl")}
    leave = wrapped.index("Leave a Reply")
    assert any(s <= leave < e for s, e in docs["b-wrapped"]["boilerplate"])


def test_hostile_text_is_escaped_in_the_report(tmp_path: Path, seeds_dir: Path) -> None:
    hostile = "<script>alert('x')</script> <img src=x onerror=alert(1)> " + _seed(seeds_dir, "003")
    corpus = _jsonl(
        tmp_path / "c.jsonl",
        [
            {"id": "<b>evil</b>", "text": hostile, "title": "<script>t()</script>"},
            {"id": "copy", "text": hostile},
        ],
    )
    retold.analyze([corpus], out=tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>evil" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page


def test_a_chain_of_copies_splits_where_the_ends_share_too_little(tmp_path: Path, seeds_dir: Path) -> None:
    """B is A with one word in 60 replaced, C is B with as many more: A-B and B-C are
    near-duplicates, A-C is not, so C gets a cluster of its own instead of joining A's
    through B (a comparison no candidate pair covered, made from the stored text)."""
    words = _seed(seeds_dir, "001").split()
    edited_once = list(words)
    for k in range(0, len(words), 60):
        edited_once[k] = f"alpha{k}"
    edited_twice = list(edited_once)
    for k in range(30, len(words), 60):
        edited_twice[k] = f"omega{k}"
    texts = {"a": " ".join(words), "b": " ".join(edited_once), "c": " ".join(edited_twice)}
    path = _jsonl(tmp_path / "chain.jsonl", [{"id": k, "text": v} for k, v in texts.items()])
    result = retold.dedup(path)

    def jaccard(x: str, y: str) -> float:
        batch = shingles([texts[x], texts[y]], 5, 1)
        return jaccard_and_containment(batch.of(0), batch.of(1))[0]

    assert jaccard("a", "b") >= 0.8 and jaccard("b", "c") >= 0.8 and jaccard("a", "c") < 0.8
    clusters = {c.id: (c.cluster, c.representative, c.similarity) for c in result.clusters}
    assert clusters == {"a": ("a", "a", 1.0), "b": ("a", "a", jaccard("a", "b")), "c": ("c", "c", 1.0)}
