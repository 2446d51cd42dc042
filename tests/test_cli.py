"""The command line: outputs, summary, --json, exit codes, bad input."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

import retold
from conftest import read_jsonl
from corpus import make_corpus

RETOLD = [sys.executable, "-m", "retold.cli"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RETOLD, *args], capture_output=True, text=True, input=stdin, check=False)


def test_analyze_prints_a_summary_and_writes_the_tables(tmp_path: Path, seeds_dir: Path) -> None:
    result = run("analyze", str(seeds_dir), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "read 5 (5 new, 0 already stored), skipped 0" in result.stdout
    assert "related pairs:" in result.stdout
    assert {p.name for p in tmp_path.iterdir()} >= {"documents.jsonl", "pairs.jsonl", "report.html"}


def test_json_summary_for_scripts(tmp_path: Path, seeds_dir: Path) -> None:
    result = run("analyze", str(seeds_dir), "--out", str(tmp_path), "--json")
    summary = json.loads(result.stdout)
    assert summary["read"] == 5 and summary["documents"] == 5 and summary["skipped"] == []
    assert summary["labels"].get("partial", 0) >= 2


def test_dedup_writes_one_record_per_document_as_jsonl_or_parquet(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    records = make_corpus(corpus, 300)
    for name in ("clusters.jsonl", "clusters.parquet"):
        result = run("dedup", str(corpus), "--out", str(tmp_path / name), "--json")
        assert result.returncode == 0, result.stderr
    rows = read_jsonl(tmp_path / "clusters.jsonl")
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    assert set(rows[0]) == {"id", "cluster", "representative", "similarity"}
    assert pq.read_table(tmp_path / "clusters.parquet").to_pylist() == rows
    members = [r for r in rows if r["id"] != r["representative"]]
    assert all(r["cluster"] == r["representative"] for r in rows)
    assert all(r["similarity"] == 1.0 for r in rows if r["id"] == r["representative"])
    # Every member is a near-duplicate of its representative, even copies of copies.
    assert members and all(0.8 <= r["similarity"] <= 1.0 for r in members)
    assert len({r["cluster"] for r in rows}) < len(rows), "the planted copies are clustered"


def test_dedup_clusters_exact_and_near_copies(tmp_path: Path, seeds_dir: Path) -> None:
    text = (seeds_dir / "001_62fc94d7524c8c5a.txt").read_text(encoding="utf-8")
    near = text.replace("Defying a warning", "Defying the warning", 1)
    lines = [
        {"id": "original", "text": text},
        {"id": "copy", "text": text.upper().replace("\n", "  ")},
        {"id": "near", "text": near},
        {"id": "other", "text": (seeds_dir / "003_d0548fe1a3bec1cc.txt").read_text(encoding="utf-8")},
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = retold.dedup([corpus])
    by_id = {c.id: c for c in result.clusters}
    assert by_id["copy"].representative == "original" and by_id["copy"].similarity == 1.0
    assert by_id["near"].representative == "original" and 0.95 < by_id["near"].similarity < 1.0
    assert by_id["other"].representative == "other"
    assert result.representatives() == ["original", "other"]


def test_bad_inputs_are_reported_one_line_each_and_the_rest_goes_on(tmp_path: Path, seeds_dir: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text((seeds_dir / "003_d0548fe1a3bec1cc.txt").read_text(encoding="utf-8"))
    (inputs / "empty.txt").write_text("")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (inputs / "latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    (inputs / "records.jsonl").write_text(
        '{"id": "r1", "text": "A fine first record with words."}\nnot json\n{"id": "r3"}\n'
    )
    with gzip.open(inputs / "cut.jsonl.gz", "wb") as handle:
        handle.write(b'{"id": "g1", "text": "gzip record one with some words"}\n' * 50)
    data = (inputs / "cut.jsonl.gz").read_bytes()
    (inputs / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    (inputs / "table.csv").write_text("headline,body\nx,y\n")
    (inputs / "zz_dupe.jsonl").write_text('{"id": "r1", "text": "Same id as a record before."}\n')
    result = run("analyze", str(inputs), "--out", str(tmp_path / "out"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    reasons = {(Path(s["path"]).name, s["location"]): s["reason"] for s in summary["skipped"]}
    assert reasons[("empty.txt", "")] == "empty file"
    assert reasons[("binary.txt", "")] == "binary file, not text"
    assert reasons[("latin1.txt", "")].startswith("not valid utf-8")
    assert reasons[("records.jsonl", "line 2")].startswith("not valid JSON")
    assert reasons[("records.jsonl", "line 3")] == "no 'text' field"
    assert reasons[("table.csv", "")].startswith("no column 'text'")
    assert reasons[("zz_dupe.jsonl", "line 1")].startswith("repeated id 'r1'")
    assert any(name == "cut.jsonl.gz" and "truncated" in reason for (name, _), reason in reasons.items())
    stderr_lines = [line for line in result.stderr.splitlines() if line.startswith("retold: skipped")]
    assert len(stderr_lines) == len(summary["skipped"])
    documents = {d["id"] for d in read_jsonl(tmp_path / "out" / "documents.jsonl")}
    assert {"good", "r1"} <= documents and any(d.startswith("g1") or d == "g1" for d in documents) is not None


def test_nothing_processable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = run("dedup", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "o.jsonl"))
    assert result.returncode == 2
    assert "empty file" in result.stderr
    missing = run("dedup", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl"))
    assert missing.returncode == 2


def test_stdin_jsonl(tmp_path: Path) -> None:
    lines = '{"id": "a", "text": "one two three four five six"}\n{"id": "b", "text": "one two three four five six"}\n'
    result = run("dedup", "-", "--out", str(tmp_path / "o.jsonl"), "--json", stdin=lines)
    assert result.returncode == 0, result.stderr
    rows = read_jsonl(tmp_path / "o.jsonl")
    assert [(r["id"], r["representative"]) for r in rows] == [("a", "a"), ("b", "a")]


def test_invalid_parameters_are_one_clear_line(tmp_path: Path, seeds_dir: Path) -> None:
    result = run("dedup", str(seeds_dir), "--out", str(tmp_path / "o.jsonl"), "--threshold", "1.5")
    assert result.returncode == 2
    assert "threshold must be in (0, 1], got 1.5" in result.stderr


def test_compare_prints_the_alignment_side_by_side(seeds_dir: Path) -> None:
    a = str(next(seeds_dir.glob("000_*.txt")))
    b = str(next(seeds_dir.glob("001_*.txt")))
    result = run("compare", a, b, "--width", "160")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("rewrite  source: 001_62fc94d7524c8c5a")
    assert "reworded" in result.stdout and "Kataib Sayyid al-Shuhada" in result.stdout
    data = json.loads(run("compare", a, b, "--json").stdout)
    assert data["pair"]["label"] == "rewrite"
    raw = Path(a).read_text(encoding="utf-8")
    for passage in data["passages"]:
        start, end = passage["a_span"]
        assert 0 <= start < end <= len(raw)


def test_quotes_lists_the_altered_pentagon_quotation(seeds_dir: Path) -> None:
    result = run("quotes", str(seeds_dir), "--json")
    assert result.returncode == 0, result.stderr
    quotes = [json.loads(line) for line in result.stdout.splitlines()]
    mcnulty = [q for q in quotes if "McNulty" in (q["speaker"] or "") and "commitments" in q["text"]]
    assert len(mcnulty) == 1
    occurrences = {o["doc"][:3]: o for o in mcnulty[0]["occurrences"]}
    assert occurrences["000"]["altered"] and not occurrences["001"]["altered"]
    assert ["-", "uphold the"] in occurrences["000"]["diff"] and ["+", "honor its"] in occurrences["000"]["diff"]
    text = run("quotes", str(seeds_dir)).stdout
    assert "Jessica McNulty" in text and "altered:" in text
