#!/usr/bin/env python3
"""Writes every golden tensor of ser-gpu's tests from independent references (PyTorch, librosa).

Each module test/golden/families/<family>.py defines `generate() -> dict[str, np.ndarray]`; this script
seeds everything, runs it, and writes test/golden/data/<family>.safetensors. The metadata records the
SHA-256 of the family's source and of common.py, so the TypeScript loader can tell a stale file (the
generator changed, the data did not) and say how to regenerate. Re-running reproduces the files bit
for bit. Usage:

    python3 -m venv .venv && .venv/bin/pip install -r test/golden/requirements.txt
    .venv/bin/python test/golden/generate.py [family ...]
"""
import hashlib
import importlib
import pathlib
import sys

import numpy as np
import torch
import json

from safetensors.numpy import load_file

HERE = pathlib.Path(__file__).resolve().parent
FAMILIES = HERE / "families"
OUT = HERE / "data"
FORMAT_VERSION = "1"


def source_digest(family: str) -> str:
    digest = hashlib.sha256()
    for path in (FAMILIES / "common.py", FAMILIES / f"{family}.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


SAFE_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int32): "I32", np.dtype(np.int64): "I64"}


def save_safetensors(path: pathlib.Path, tensors: dict, metadata: dict) -> None:
    """The safetensors layout, written with sorted keys: the Rust writer orders metadata by hash, so its
    output differs run to run, and goldens must be reproducible bit for bit."""
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name]).astype(tensors[name].dtype.newbyteorder("<"), copy=False)
        header[name] = {"dtype": SAFE_DTYPES[data.dtype], "shape": list(data.shape), "data_offsets": [offset, offset + data.nbytes]}
        chunks.append(data.tobytes())
        offset += data.nbytes
    text = json.dumps(header, sort_keys=True, separators=(",", ":"))
    text += " " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text.encode())
        for chunk in chunks:
            f.write(chunk)


def write_family(family: str) -> None:
    torch.manual_seed(0)
    np.random.seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # summation order, hence the last bits, must not depend on the machine
    module = importlib.import_module(f"families.{family}")
    tensors = module.generate()
    for name, value in tensors.items():
        if not isinstance(value, np.ndarray) or value.dtype not in (np.float32, np.float64, np.int32, np.int64):
            raise TypeError(f"{family}: {name} must be a float32/float64/int32/int64 numpy array, got {type(value)}")
    metadata = {
        "format": "ser-gpu-golden",
        "format_version": FORMAT_VERSION,
        "family": family,
        "source_sha256": source_digest(family),
        "torch": torch.__version__,
    }
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{family}.safetensors"
    save_safetensors(path, tensors, metadata)
    assert sorted(load_file(str(path))) == sorted(tensors), "the reference safetensors reader disagrees"
    print(f"{path.relative_to(HERE.parent.parent)}: {len(tensors)} tensors, {path.stat().st_size / 1024:.1f} KiB")


def main() -> None:
    sys.path.insert(0, str(HERE))
    families = sys.argv[1:] or sorted(p.stem for p in FAMILIES.glob("*.py") if p.stem not in ("common", "__init__"))
    for family in families:
        write_family(family)


if __name__ == "__main__":
    main()
