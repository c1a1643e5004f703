#!/usr/bin/env python3
"""The PyTorch CPU peer of bench/training/step.ts: one Adam training step of the reference network, timed.

Prints one JSON line: {"ms_per_step", "clips_per_s", "threads", "torch"}. The network is the golden one
(test/golden/families/train10.py), so all peers train the same layers.
"""
import argparse
import json
import pathlib
import sys
import time

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "test" / "golden"))
from families.train10 import reference_network  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    for name, default in (("batch", 32), ("mels", 64), ("frames", 188), ("classes", 8), ("warmup", 2), ("repeats", 10)):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    torch.manual_seed(0)
    model = reference_network(1, args.classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, 1, args.mels, args.frames)
    y = torch.randint(0, args.classes, (args.batch,))

    def step() -> None:
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.repeats):
        step()
    ms = (time.perf_counter() - start) * 1000 / args.repeats
    print(json.dumps({"ms_per_step": ms, "clips_per_s": 1000 * args.batch / ms, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
