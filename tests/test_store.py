"""The embedded store: incremental runs, kill-and-resume, settings guard."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import retold
from conftest import read_jsonl
from corpus import make_corpus

RETOLD = [sys.executable, "-m", "retold.cli"]


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*RETOLD, *args], capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr)
    return result


def test_second_run_with_more_input_adds_only_the_new_documents(tmp_path: Path, seeds_dir: Path) -> None:
    store = tmp_path / "ws.sqlite"
    files = sorted(seeds_dir.glob("*.txt"))
    first = retold.analyze(files[:3], store=store, out=tmp_path / "first")
    assert (first.summary.new, first.summary.unchanged) == (3, 0)
    second = retold.analyze(files, store=store, out=tmp_path / "second")
    assert (second.summary.new, second.summary.unchanged, second.summary.documents) == (2, 3, 5)
    retold.analyze(files, out=tmp_path / "batch")
    for table in ("documents", "pairs"):
        assert read_jsonl(tmp_path / "second" / f"{table}.jsonl") == read_jsonl(tmp_path / "batch" / f"{table}.jsonl")


def test_rerun_on_the_same_input_changes_nothing(tmp_path: Path, seeds_dir: Path) -> None:
    store = tmp_path / "ws.sqlite"
    retold.analyze([seeds_dir], store=store, out=tmp_path / "a")
    again = retold.analyze([seeds_dir], store=store, out=tmp_path / "b")
    assert (again.summary.new, again.summary.unchanged) == (0, 5)
    assert (tmp_path / "a" / "pairs.jsonl").read_bytes() == (tmp_path / "b" / "pairs.jsonl").read_bytes()


def test_same_id_with_other_text_is_reported_and_the_stored_one_kept(tmp_path: Path) -> None:
    store = tmp_path / "ws.sqlite"
    first = tmp_path / "one.jsonl"
    first.write_text('{"id": "x", "text": "The original article text about the harbour strike."}\n')
    retold.dedup([first], store=store)
    changed = tmp_path / "two.jsonl"
    changed.write_text('{"id": "x", "text": "A different text under the same id."}\n')
    skipped: list[retold.Skipped] = []
    result = retold.dedup([changed], store=store, on_skip=skipped.append)
    assert [s.reason for s in skipped] == ["id 'x' is already in the store with another text"]
    assert result.summary.documents == 1
    with retold.Store(store) as workspace:
        assert [d.text for d in workspace.documents()] == ["The original article text about the harbour strike."]


def test_a_store_refuses_other_fingerprint_settings(tmp_path: Path, seeds_dir: Path) -> None:
    store = tmp_path / "ws.sqlite"
    retold.dedup([seeds_dir], store=store)
    with pytest.raises(retold.StoreError, match="store was built with"):
        retold.dedup([seeds_dir], store=store, settings=retold.Settings(dedup=retold.DedupConfig(ngram=3)))


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database at all, just some notes\n" * 200)
    result = run_cli("dedup", str(tmp_path), "--store", str(bogus), "--out", str(tmp_path / "o.jsonl"), check=False)
    assert result.returncode == 1
    assert "not a retold store" in result.stderr


def _kill_after(args: list[str], delay: float) -> None:
    process = subprocess.Popen([*RETOLD, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("command", ["dedup", "analyze"])
def test_killed_runs_resume_to_the_uninterrupted_result(tmp_path: Path, command: str) -> None:
    corpus = tmp_path / "corpus.jsonl"
    # Recombined paragraphs of five articles relate most pairs, so analyze gets fewer.
    make_corpus(corpus, 1500 if command == "dedup" else 400)
    clean_out = tmp_path / ("clean.jsonl" if command == "dedup" else "clean")
    run_cli(command, str(corpus), "--out", str(clean_out), "--batch-size", "25", "--workers", "1", "--quiet")

    store = tmp_path / "ws.sqlite"
    out = tmp_path / ("resumed.jsonl" if command == "dedup" else "resumed")
    args = [command, str(corpus), "--store", str(store), "--out", str(out), "--batch-size", "25", "--workers", "1"]
    rng = random.Random(3)
    for _ in range(4):
        _kill_after([*args, "--quiet"], rng.uniform(0.4, 2.0))
    run_cli(*args, "--quiet")

    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = 1500 if command == "dedup" else 400
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM documents").fetchone() == (count, count)
        assert db.execute("SELECT COUNT(*) FROM fingerprints").fetchone()[0] == count
    if command == "dedup":
        assert read_jsonl(out) == read_jsonl(clean_out)
    else:
        for table in ("documents", "pairs", "quotes", "stories"):
            assert read_jsonl(out / f"{table}.jsonl") == read_jsonl(clean_out / f"{table}.jsonl"), table


def test_verification_in_small_blocks_and_on_several_cores_gives_the_same_pairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retold.pipeline as pipeline

    corpus = tmp_path / "corpus.jsonl"
    make_corpus(corpus, 120)
    one = retold.analyze([corpus], out=tmp_path / "one", settings=retold.Settings(workers=1))
    monkeypatch.setattr(pipeline, "VERIFY_BLOCK", 7)
    monkeypatch.setattr(pipeline, "MIN_PAIRS_PER_WORKER", 1)
    retold.analyze([corpus], out=tmp_path / "blocks", settings=retold.Settings(workers=2))
    assert len(one.pairs) > 20
    assert (tmp_path / "one" / "pairs.jsonl").read_bytes() == (tmp_path / "blocks" / "pairs.jsonl").read_bytes()
