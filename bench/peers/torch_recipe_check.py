#!/usr/bin/env python3
"""A quick check of bench/peers/torch_recipe.py (seconds, no test framework): its splits and window starts
against ser-gpu's (the cases of test/infer/windows.test.ts and the folds `ser-gpu train --folds 5` records for
RAVDESS actors 1-20), its class weights, and a whole 2-fold run of 2 epochs, every ablation on, on a
synthetic feature file in ser-gpu's format. Usage: .venv/bin/python bench/peers/torch_recipe_check.py
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_recipe import FEATURE_FILE_FORMAT, class_weights, plan_splits, window_starts  # noqa: E402


def check_pieces() -> None:
    cases = {1: [0], 188: [0], 219: [15], 235: [23], 236: [0, 48], 376: [0, 94, 188], 400: [0, 94, 188, 212]}
    for frames, starts in cases.items():
        assert window_starts(frames, 188) == starts, (frames, window_starts(frames, 188), starts)
    first = plan_splits(list(range(1, 21)), 5)[0]
    assert first == {"train": [3, 4, 5, 8, 9, 10, 13, 14, 15, 18, 19, 20], "val": [2, 7, 12, 17], "test": [1, 6, 11, 16]}, first
    for split in plan_splits(list(range(1, 21)), 5):
        assert not (set(split["train"]) & set(split["val"])) and not (set(split["test"]) & (set(split["train"]) | set(split["val"]))), split
    w = class_weights(np.array([0, 1, 1, 1, 3]), 4)  # class 2 absent
    assert np.allclose(w, [5 / 3, 5 / 9, 0, 5 / 3]), w  # n / (present * count): each clip weighs 1 on average


def check_run() -> None:
    rng = np.random.default_rng(0)
    n, bands, padded, classes = 48, 16, 60, 3
    lengths = rng.integers(20, padded + 1, size=n).astype(np.int32)  # some shorter than the 32-frame window
    labels = (np.arange(n) % classes).astype(np.int32)
    features = rng.normal(-40, 10, size=(n, bands, padded)).astype(np.float32) + labels[:, None, None]
    for i, length in enumerate(lengths):
        features[i, :, length:] = 0
    with tempfile.TemporaryDirectory() as tmp:
        path, out = os.path.join(tmp, "f.safetensors"), os.path.join(tmp, "out.json")
        save_file(
            {"features": features, "lengths": lengths, "labels": labels, "actors": (np.arange(n) % 4 + 1).astype(np.int32)},
            path,
            metadata={"format": FEATURE_FILE_FORMAT, "files": json.dumps([f"clip{i}" for i in range(n)]), "label_names": json.dumps(["a", "b", "c"]), "feature_config": "{}"},
        )
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_recipe.py")
        common = ["--features", path, "--folds", "2", "--seeds", "1,2", "--epochs", "2", "--frames", "32", "--batch-size", "8"]
        for extra in ([], ["--specaugment", "--mixup", "--label-smoothing", "0.1", "--width", "0.5", "--utterance-norm"]):
            subprocess.run([sys.executable, script, *common, *extra, "--json", out], check=True, stdout=subprocess.DEVNULL)
            result = json.load(open(out))
            assert result["complete"] and len(result["runs"]) == 2 and all(len(r["folds"]) == 2 for r in result["runs"]), result
            assert all(0 <= f["test"][m] <= 1 for r in result["runs"] for f in r["folds"] for m in ("wa", "ua"))


if __name__ == "__main__":
    check_pieces()
    check_run()
    print("torch_recipe.py: ok")
