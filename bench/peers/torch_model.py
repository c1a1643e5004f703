#!/usr/bin/env python3
"""The PyTorch CPU peer of `ser-gpu bench` (train and infer suites): the default model, from ser-gpu's weights.

Reads one safetensors file written by src/bench/peers.ts: the state dict under "model.<name>" (nn.Sequential
names, as ser-gpu's) plus "x" [batch, 1, mels, frames] and "labels" [batch] (train) or "x1" / "x64" (infer).
  train: the first two Adam (lr 1e-3) losses from those weights (ser-gpu checks them against its own), then
         `repeats` timed steps after `warmup` more.
  infer: eval-mode logits + softmax of x1 (checked by ser-gpu), then the warm latency of one clip and the
         throughput at x64's batch.
Prints one JSON line.
"""
import argparse
import json
import time

import torch
from safetensors.torch import load_file
from torch import nn


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


def default_model(classes: int) -> nn.Sequential:
    """src/nn/default-model.ts: conv3x3(16/32/64/128)-ReLU, 2x2 max pools between, global average pool, dense."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), GlobalAvgPool(),
        nn.Linear(128, classes),
    )


def load(path: str):
    tensors = load_file(path)
    state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    model = default_model(state["12.weight"].shape[0])
    model.load_state_dict(state)
    return model, tensors


def timed(fn, warmup: int, repeats: int) -> float:
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) * 1000 / repeats


def train(args, model, tensors) -> dict:
    x, y = tensors["x"], tensors["labels"].long()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> float:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    losses = [step(), step()]
    ms = timed(step, args.warmup, args.repeats)
    return {"losses": losses, "ms_per_step": ms, "clips_per_s": 1000 * x.shape[0] / ms}


@torch.inference_mode()
def infer(args, model, tensors) -> dict:
    model.eval()
    x1, x64 = tensors["x1"], tensors["x64"]
    probs = lambda x: torch.softmax(model(x), dim=1)  # noqa: E731
    logits = model(x1)
    latency = timed(lambda: probs(x1), args.warmup, args.repeats)
    batch_ms = timed(lambda: probs(x64), args.warmup, args.repeats)
    return {"logits": logits.flatten().tolist(), "latency_ms": latency, "batch_ms": batch_ms, "clips_per_s": 1000 * x64.shape[0] / batch_ms}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["train", "infer"])
    parser.add_argument("--tensors", required=True)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    model, tensors = load(args.tensors)
    result = (train if args.mode == "train" else infer)(args, model, tensors)
    print(json.dumps({"tool": f"torch {torch.__version__} CPU ({torch.get_num_threads()} threads)", **result}))


if __name__ == "__main__":
    main()
