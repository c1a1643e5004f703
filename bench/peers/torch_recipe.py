#!/usr/bin/env python3
"""The PyTorch (CPU) peer of `ser-gpu train --folds K --seed S`: the default training recipe, whole runs.

Input: the features ser-gpu itself computes, from the feature file `ser-gpu extract` writes (the same format
as train's feature cache, src/data/feature-file.ts). With extract's defaults they are the train recipe's
features (64-band log-Mel, n_fft 1024, hop 256, 16 kHz; src/app/recipe.ts, src/features/config.ts):

  npx tsx src/cli/main.ts extract --data ../shared/data/ravdess --out /tmp/ravdess-logmel64.safetensors
  .venv/bin/python bench/peers/torch_recipe.py --features /tmp/ravdess-logmel64.safetensors \
      --folds 5 --seeds 1,2,3 --json bench/results/torch-recipe-cv5.json

(train's cache file ~/.cache/ser-gpu/features-<key>.safetensors of the same corpus is the same file.)

The recipe, as src/app/fold-training.ts runs it (every choice below names where ser-gpu makes it):
- folds: planSplits (src/app/split-plan.ts): fold i tests every K-th actor, validates on as many actors spread
  over its own training actors.
- per-band mean/std over the valid frames of the training actors' clips only (dataset.ts bandStatistics; a
  constant band gets std 1); standardised windows are zero after the clip's end (ops/standardize.ts).
- inverse-frequency class weights over the training clips, mean 1 over the classes (dataset.ts classWeights),
  in a cross-entropy averaged as torch's (divided by the targets' summed weights).
- each epoch: a shuffle of the training clips, floor(n / 16) batches of 16 (the last partial one dropped), one
  random 188-frame window per clip, start uniform in [0, frames - 188]; a shorter clip starts at 0, zero-padded.
- the model (recipe.ts recipeModelSpec): conv3x3-BN-ReLU 16/32/64/128 with 2x2 max pools between, global
  average pool, dropout 0.3, dense; He-uniform conv weights (bound sqrt(6 / fan_in)), Glorot-uniform dense
  weights, zero biases, BN gamma 1 / beta 0, momentum 0.1, eps 1e-5 (src/nn/init.ts, build.ts).
- Adam (torch defaults) lr 1e-3, CosineAnnealingLR over epochs * steps to lr / 20, stepped per batch.
- after each epoch: validation clips scored as the classifier does (src/infer/windows.ts, classifier.ts):
  a clip up to a quarter window longer than 188 frames -> its centre window; longer -> windows half a window
  apart plus one ending at the clip's end; the softmax averaged over a clip's windows. The best epoch by
  validation UA (ties: lower validation loss) is kept; 15 epochs without a better one stop the run (30 at most).
- the kept model is evaluated on the test actors: WA (accuracy) and UA (mean per-class recall).
The random numbers differ from ser-gpu's (torch / numpy generators, not mulberry32 and the PCG hash); each
draw has the same distribution.

Ablations (one ingredient each, default off; each is one ser-gpu train can run, except --utterance-norm):
  --specaugment   train --augment specaugment (F=2 f=8 T=2 t=20 value=mean)
  --mixup         train --augment mixup (alpha 0.4)
  --label-smoothing E   train --label-smoothing E
  --weight-decay W      train --optimizer adamw --weight-decay W
  --width M       filters 16M/32M/64M/128M (train --model spec.json)
  --filters A,B,C,D     each block's filters (train --model spec.json)
  --utterance-norm      subtract each clip's per-band mean (over its frames) before the band statistics:
                        not in ser-gpu train (a candidate ingredient)
  --pool meanstd  each channel's mean and std over frequency and time instead of the global average (statistics
                  pooling): not in ser-gpu train (a candidate ingredient)
  --pool lstm     the conv features averaged over frequency, a bidirectional LSTM (64 per direction) over time
                  and attention pooling: not in ser-gpu train (a candidate for a recurrent WGSL layer)
  deltas: give a feature file extracted with --deltas 1 (train --deltas 1); bands come from the file.
  --delta-channels  with such a file: static, delta (and delta-delta) as input channels (a reshape of the same
                    window), so only the first conv grows: not in ser-gpu train (a candidate ingredient)
"""
import argparse
import copy
import json
import math
import os
import time

import numpy as np
import torch
from safetensors import safe_open
from torch import nn
from torch.nn import functional as F

FEATURE_FILE_FORMAT = "ser-gpu-features/1"
# Probabilities below this count as this in the validation loss (src/app/scoring.ts).
MIN_PROBABILITY = 1e-12


# ---------------------------------------------------------------------------------------------- input


def load_features(path: str) -> dict:
    """features [N, bands, padded] (zero after lengths), lengths, labels, actors [N] and the metadata."""
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata() or {}
        if meta.get("format") != FEATURE_FILE_FORMAT:
            raise SystemExit(f"{path}: format {meta.get('format')!r}, expected {FEATURE_FILE_FORMAT} (a file from `ser-gpu extract`)")
        data = {name: f.get_tensor(name) for name in ("features", "lengths", "labels", "actors")}
    data["labels_names"] = json.loads(meta["label_names"])
    data["config"] = json.loads(meta["feature_config"])
    if (data["labels"] < 0).any() or (data["actors"] < 0).any():
        raise SystemExit(f"{path}: some clips have no label or actor")
    return data


def plan_splits(actors: list[int], k: int) -> list[dict]:
    """src/app/split-plan.ts foldSplits: test every k-th actor; validation spread over the rest."""
    actors = sorted(set(actors))
    splits = []
    for fold in range(k):
        test = [a for i, a in enumerate(actors) if i % k == fold]
        rest = [a for a in actors if a not in test]
        stride = max(1, len(rest) // len(test))
        val = [a for i, a in enumerate(rest) if i % stride == fold % stride][: min(len(test), len(rest) - 1)]
        splits.append({"train": [a for a in rest if a not in val], "val": val, "test": test})
    return splits


def band_statistics(clips: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """dataset.ts bandStatistics: float64 mean / std per band over every valid frame; std 0 -> 1."""
    total = np.zeros(clips[0].shape[0])
    squares = np.zeros(clips[0].shape[0])
    count = 0
    for c in clips:
        c64 = c.astype(np.float64)
        total += c64.sum(axis=1)
        squares += (c64 * c64).sum(axis=1)
        count += c.shape[1]
    mean = total / count
    std = np.sqrt(np.maximum(0, squares / count - mean**2))
    std[std == 0] = 1
    return mean, std


def class_weights(labels: np.ndarray, classes: int) -> np.ndarray:
    """dataset.ts classWeights: n / (present * count), 0 for an absent class."""
    counts = np.bincount(labels, minlength=classes)
    present = (counts > 0).sum()
    return np.where(counts > 0, len(labels) / (present * np.maximum(counts, 1)), 0.0)


def window_starts(frames: int, width: int) -> list[int]:
    """src/infer/windows.ts windowStarts."""
    hop = max(1, width // 2)
    if frames <= width + hop // 2:
        return [max(0, (frames - width) // 2)]
    starts = list(range(0, frames - width + 1, hop))
    if starts[-1] + width < frames:
        starts.append(frames - width)
    return starts


def dense_window_starts(frames: int, width: int, count: int) -> list[int]:
    """Test-time augmentation candidate: `count` windows spread evenly from the clip's start to its end (one
    window for a clip no longer than the window)."""
    if frames <= width:
        return [0]
    return sorted({round(i * (frames - width) / (count - 1)) for i in range(count)})


def strided_window_starts(frames: int, width: int, stride: int) -> list[int]:
    """Test-time augmentation candidate: windows `stride` frames apart from the clip's start, the last ending
    with the clip (one window for a clip no longer than the window)."""
    if frames <= width:
        return [0]
    starts = list(range(0, frames - width + 1, stride))
    if starts[-1] + width < frames:
        starts.append(frames - width)
    return starts


def window(clip: np.ndarray, start: int, width: int) -> tuple[np.ndarray, int]:
    """windows.ts copyWindow: [bands, width] from `start`, zero after the clip's end; and the valid frames."""
    out = np.zeros((clip.shape[0], width), dtype=np.float32)
    valid = max(0, min(width, clip.shape[1] - start))
    out[:, :valid] = clip[:, start : start + valid]
    return out, valid


# ---------------------------------------------------------------------------------------------- model


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


class GlobalMeanStdPool(nn.Module):
    """Each channel's mean and standard deviation over frequency and time (statistics pooling)."""

    def forward(self, x):
        flat = x.flatten(2)
        return torch.cat([flat.mean(dim=2), (flat.var(dim=2, unbiased=False) + 1e-5).sqrt()], dim=1)


class RecurrentHead(nn.Module):
    """Candidate head (not in ser-gpu train): the conv features averaged over frequency, a bidirectional LSTM
    over time, and attention pooling (softmax over time of a learned score) into the class scores."""

    def __init__(self, channels: int, hidden: int = 64):
        super().__init__()
        self.lstm = nn.LSTM(channels, hidden, batch_first=True, bidirectional=True)
        self.score = nn.Linear(2 * hidden, 1)
        self.out_features = 2 * hidden

    def forward(self, x):
        seq, _ = self.lstm(x.mean(dim=2).transpose(1, 2))  # [N, T, 2H]
        weights = torch.softmax(self.score(seq), dim=1)
        return (weights * seq).sum(dim=1)


def recipe_model(bands_in: int, classes: int, filters_per_block: list[int], generator: torch.Generator, pool: str = "avg", in_channels: int = 1) -> nn.Sequential:
    """recipe.ts recipeModelSpec with src/nn/init.ts's initialisation (not torch's default)."""
    layers: list[nn.Module] = []
    channels = in_channels
    for i, filters in enumerate(filters_per_block):
        layers += [nn.Conv2d(channels, filters, 3, padding=1), nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1), nn.ReLU()]
        if i < 3:
            layers.append(nn.MaxPool2d(2))
        channels = filters
    head = {"avg": GlobalAvgPool, "meanstd": GlobalMeanStdPool}[pool]() if pool != "lstm" else RecurrentHead(channels)
    features = {"avg": channels, "meanstd": 2 * channels, "lstm": getattr(head, "out_features", 0)}[pool]
    layers += [head, nn.Dropout(0.3), nn.Linear(features, classes)]
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                receptive = m.weight[0, 0].numel()
                fan_in, fan_out = m.weight.shape[1] * receptive, m.weight.shape[0] * receptive
                # He for a conv whose output reaches a ReLU through its batchnorm; Glorot for the class scores.
                bound = math.sqrt(6 / fan_in) if isinstance(m, nn.Conv2d) else math.sqrt(6 / (fan_in + fan_out))
                m.weight.uniform_(-bound, bound, generator=generator)
                m.bias.zero_()
    return model


# ---------------------------------------------------------------------------------------------- augmentations


def spec_augment(x: np.ndarray, valid: np.ndarray, rng: np.random.Generator, F_=2, f=8, T=2, t=20) -> np.ndarray:
    """ops/spec-augment.ts with value 'mean': F band masks and T time masks (within the valid frames), each of
    width uniform in 0..cap and start uniform in 0..size - width, set to the window's mean over its valid frames."""
    x = x.copy()
    n, bands, _ = x.shape
    for c in range(n):
        v = int(valid[c])
        if v == 0:
            continue
        fill = x[c, :, :v].mean()
        mask = np.zeros((bands, v), dtype=bool)
        for size, count, cap, axis in ((bands, F_, min(f, bands), 0), (v, T, min(t, v), 1)):
            for _ in range(count):
                w = int(rng.integers(0, cap + 1))
                s = int(rng.integers(0, size - w + 1))
                if axis == 0:
                    mask[s : s + w, :] = True
                else:
                    mask[:, s : s + w] = True
        x[c, :, :v][mask] = fill
    return x


def mixup(x: np.ndarray, labels: np.ndarray, classes: int, rng: np.random.Generator, alpha=0.4) -> tuple[np.ndarray, np.ndarray]:
    """ops/augment-mix.ts: a random pairing, lambda ~ Beta(alpha, alpha) per clip; mixed windows (padding
    included) and soft targets."""
    perm = rng.permutation(len(x))
    lam = rng.beta(alpha, alpha, size=len(x)).astype(np.float32)
    mixed = lam[:, None, None] * x + (1 - lam[:, None, None]) * x[perm]
    onehot = np.eye(classes, dtype=np.float32)[labels]
    return mixed.astype(np.float32), lam[:, None] * onehot + (1 - lam[:, None]) * onehot[perm]


# ---------------------------------------------------------------------------------------------- one fold


def seed_of(*parts: int) -> int:
    """A 63-bit seed from several integers (seed, fold, ...), so folds and seeds draw independent streams."""
    return int(np.random.SeedSequence(list(parts)).generate_state(1, dtype=np.uint64)[0] >> 1)


def scoring_windows(clips: list[np.ndarray], width: int, starts=window_starts) -> tuple[torch.Tensor, np.ndarray]:
    """Every inference window of the (standardised) clips [W, 1, bands, width], and each window's clip;
    `starts(frames, width)` places them (the classifier's windows by default)."""
    xs, owner = [], []
    for c, clip in enumerate(clips):
        for start in starts(clip.shape[1], width):
            xs.append(window(clip, start, width)[0])
            owner.append(c)
    return torch.from_numpy(np.stack(xs)[:, None]), np.array(owner)


@torch.inference_mode()
def score(model: nn.Module, windows: torch.Tensor, owner: np.ndarray, labels: np.ndarray, classes: int) -> dict:
    """scoring.ts scoreClips: window softmax averaged per clip; loss, WA, UA."""
    model.eval()
    probs = torch.cat([torch.softmax(model(windows[i : i + 64]), dim=1) for i in range(0, len(windows), 64)]).double().numpy()
    sums = np.zeros((len(labels), classes))
    np.add.at(sums, owner, probs)
    clip_probs = sums / np.bincount(owner, minlength=len(labels))[:, None]
    predicted = clip_probs.argmax(axis=1)
    loss = -np.log(np.maximum(MIN_PROBABILITY, clip_probs[np.arange(len(labels)), labels])).mean()
    recalls = [(predicted[labels == k] == k).mean() for k in range(classes) if (labels == k).any()]
    return {"loss": float(loss), "wa": float((predicted == labels).mean()), "ua": float(np.mean(recalls))}


def train_fold(data: dict, split: dict, fold: int, seed: int, args) -> dict:
    started = time.perf_counter()
    actors, labels = data["actors"], data["labels"].astype(np.int64)
    classes = len(data["labels_names"])
    clips = [data["features"][i, :, : data["lengths"][i]] for i in range(len(labels))]
    if args.utterance_norm:
        clips = [c - c.mean(axis=1, keepdims=True) for c in clips]
    idx = {part: np.flatnonzero(np.isin(actors, split[part])) for part in ("train", "val", "test")}
    if args.no_val:  # the validation actors train too; nothing is selected: the last epoch's model is kept
        idx["train"] = np.concatenate([idx["train"], idx["val"]])
    mean, std = band_statistics([clips[i] for i in idx["train"]])
    # Standardised once per fold: a window of a standardised clip, zero-padded, is ser-gpu's standardised window.
    standardised = [((c - mean[:, None]) / std[:, None]).astype(np.float32) for c in clips]
    weights = torch.tensor(class_weights(labels[idx["train"]], classes), dtype=torch.float32)
    width = args.frames
    batch = min(args.batch_size, len(idx["train"]))
    steps = len(idx["train"]) // batch

    torch.manual_seed(seed_of(seed, fold, 1))  # dropout
    rng = np.random.default_rng(seed_of(seed, fold, 2))  # shuffles, windows, augmentations
    filters = args.filters or [round(base * args.width) for base in (16, 32, 64, 128)]
    # --delta-channels: a [3 * B, W] window of static, delta and delta-delta rows is [3, B, W] in memory.
    in_channels = 1 + data["config"]["deltas"] if args.delta_channels else 1
    as_input = lambda x: x.reshape(x.shape[0], in_channels, x.shape[-2] // in_channels, x.shape[-1])
    model = recipe_model(data["features"].shape[1], classes, filters, torch.Generator().manual_seed(seed_of(seed, fold, 0)), args.pool, in_channels)
    # train --optimizer adamw --weight-decay W: decoupled decay on every parameter (ops/optim.ts), as torch's AdamW.
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay) if args.weight_decay else torch.optim.Adam(model.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * steps, eta_min=args.lr / 20)
    reshaped = lambda pair: (as_input(pair[0]), pair[1])
    val_windows = reshaped(scoring_windows([standardised[i] for i in idx["val"]], width))
    test_windows = reshaped(scoring_windows([standardised[i] for i in idx["test"]], width))

    test_clips = [standardised[i] for i in idx["test"]]
    tta_windows = reshaped(scoring_windows(test_clips, width, lambda f, w: dense_window_starts(f, w, args.tta))) if args.tta > 1 else None
    stride_windows = {n: reshaped(scoring_windows(test_clips, width, lambda f, w, n=n: strided_window_starts(f, w, n))) for n in args.tta_stride}
    swa_model = torch.optim.swa_utils.AveragedModel(model) if args.swa_epochs else None

    best, best_state, since_best, records = None, None, 0, []
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(idx["train"])
        loss_sum = 0.0
        for s in range(steps):
            chosen = order[s * batch : (s + 1) * batch]
            xs, valid = zip(*(window(standardised[c], int(rng.integers(0, max(0, standardised[c].shape[1] - width) + 1)), width) for c in chosen))
            x, valid, y = np.stack(xs), np.array(valid), labels[chosen]
            targets = torch.from_numpy(y)
            if args.specaugment:
                x = spec_augment(x, valid, rng)
            if args.mixup:
                x, soft = mixup(x, y, classes, rng)
                targets = torch.from_numpy(soft)
            logits = model(as_input(torch.from_numpy(x)))
            loss = F.cross_entropy(logits, targets, weight=weights, label_smoothing=args.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item()
        if swa_model is not None and epoch >= args.epochs - args.swa_epochs:
            swa_model.update_parameters(model)
        if args.no_val:
            records.append({"epoch": epoch + 1, "trainLoss": loss_sum / steps})
            best, best_state = {"epoch": epoch + 1}, None
            continue
        val = score(model, *val_windows, labels[idx["val"]], classes)
        improved = best is None or val["ua"] > best["ua"] or (val["ua"] == best["ua"] and val["loss"] < best["loss"])
        if improved:
            best = {"epoch": epoch + 1, **val}
            best_state = copy.deepcopy(model.state_dict())
        since_best = 0 if improved else since_best + 1
        records.append({"epoch": epoch + 1, "trainLoss": loss_sum / steps, "valLoss": val["loss"], "valWA": val["wa"], "valUA": val["ua"]})
        if args.verbose:
            print(f"  epoch {epoch + 1}: train loss {loss_sum / steps:.3f} | val loss {val['loss']:.3f} WA {val['wa']:.1%} UA {val['ua']:.1%}{' | best so far' if improved else ''}", flush=True)
        if args.patience > 0 and since_best >= args.patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    test = score(model, *test_windows, labels[idx["test"]], classes)
    # Candidates scored on the same trained run (no effect on training): denser test windows, and the weights
    # averaged over the last epochs with their batchnorm statistics recomputed on training windows.
    variants = {}
    if tta_windows is not None:
        variants["tta"] = score(model, *tta_windows, labels[idx["test"]], classes)
    for n, windows in stride_windows.items():
        variants[f"stride{n}"] = score(model, *windows, labels[idx["test"]], classes)
    if swa_model is not None:
        bn_windows = [as_input(torch.from_numpy(np.stack([window(standardised[c], int(rng.integers(0, max(0, standardised[c].shape[1] - width) + 1)), width)[0] for c in order[s * batch : (s + 1) * batch]]))) for s in range(steps)]
        torch.optim.swa_utils.update_bn(bn_windows, swa_model)
        variants["swa"] = score(swa_model, *test_windows, labels[idx["test"]], classes)
        if tta_windows is not None:
            variants["swa+tta"] = score(swa_model, *tta_windows, labels[idx["test"]], classes)
    return {"fold": fold + 1, "split": split, "bestEpoch": best["epoch"], "epochs": len(records), "test": test, "variants": variants, "records": records, "seconds": time.perf_counter() - started}


# ---------------------------------------------------------------------------------------------- driver


def mean_std(values: list[float]) -> dict:
    """eval/metrics.ts meanStd: sample std (n - 1), 0 for one value."""
    return {"mean": float(np.mean(values)), "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--features", required=True, help="a feature file from `ser-gpu extract` (or train's cache)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", default="1", help="comma-separated, e.g. 1,2,3")
    parser.add_argument("--only-folds", help="comma-separated 1-based folds to run (default all): for smoke checks")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--frames", type=int, default=188)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: the CPU is shared)")
    parser.add_argument("--specaugment", action="store_true")
    parser.add_argument("--mixup", action="store_true")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--weight-decay", type=float, default=0.0, help="AdamW with this decoupled weight decay (0: Adam)")
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--filters", type=lambda v: [int(n) for n in v.split(",")], help="the four blocks' filters, e.g. 16,48,96,192 (instead of --width)")
    parser.add_argument("--utterance-norm", action="store_true")
    parser.add_argument("--pool", choices=["avg", "meanstd", "lstm"], default="avg", help="the head: global average, mean and std per channel, or a BiLSTM with attention pooling over time")
    parser.add_argument("--delta-channels", action="store_true", help="with a feature file of --deltas 1|2: static, delta (and delta-delta) as input channels [1 + deltas, bands, W] instead of stacked rows")
    parser.add_argument("--no-val", action="store_true", help="train on the validation actors too, for the whole schedule, and keep the last epoch (no model selection)")
    parser.add_argument("--tta", type=int, default=0, help="also score the test actors on this many windows spread over each clip (test-time augmentation)")
    parser.add_argument("--tta-stride", type=lambda v: [int(n) for n in v.split(",")], default=[], help="also score the test actors on windows this many frames apart (comma-separated strides)")
    parser.add_argument("--swa-epochs", type=int, default=0, help="also score the weights averaged over the last this many epochs (SWA, batchnorm recomputed)")
    parser.add_argument("--json", help="write the result here")
    parser.add_argument("--verbose", action="store_true", help="one line per epoch")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    data = load_features(args.features)
    splits = plan_splits(data["actors"].tolist(), args.folds)
    seeds = [int(s) for s in args.seeds.split(",")]
    only = [int(f) - 1 for f in args.only_folds.split(",")] if args.only_folds else range(args.folds)
    recipe = {k: getattr(args, k) for k in ("epochs", "patience", "batch_size", "lr", "frames", "specaugment", "mixup", "label_smoothing", "weight_decay", "width", "filters", "utterance_norm", "pool", "no_val", "tta", "tta_stride", "swa_epochs", "delta_channels")}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {len(data['labels'])} clips {list(data['features'].shape)}; {recipe}", flush=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    runs: list[dict] = []

    def summary() -> dict:
        """Over every fold of every seed, and over the seeds' means (std 0 for one seed)."""
        return {
            "folds": {m: mean_std([f["test"][m] for r in runs for f in r["folds"]]) for m in ("wa", "ua")},
            "seeds": {m: mean_std([r[m]["mean"] for r in runs]) for m in ("wa", "ua")},
            "variants": {
                name: {m: mean_std([np.mean([f["variants"][name][m] for f in r["folds"]]) for r in runs]) for m in ("wa", "ua")}
                for name in (runs[0]["folds"][0]["variants"] if runs and runs[0]["folds"] else {})
            },
        }

    def write_json(complete: bool) -> None:
        """After every fold, so that an interrupted run keeps what it finished (complete: false)."""
        if not args.json:
            return
        result = {
            "tool": f"torch {torch.__version__} CPU ({torch.get_num_threads()} threads)", "complete": complete,
            "features": args.features, "featureConfig": data["config"], "recipe": recipe, "seeds": seeds,
            "summary": summary(), "runs": runs, "seconds": time.perf_counter() - started,
            "loadavg": {"before": load_before, "after": os.getloadavg()}, "cpus": os.cpu_count(),
        }
        with open(args.json + ".tmp", "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
        os.replace(args.json + ".tmp", args.json)

    for seed in seeds:
        seed_started = time.perf_counter()
        run = {"seed": seed, "folds": []}
        runs.append(run)
        for fold in only:
            r = train_fold(data, splits[fold], fold, seed, args)
            run["folds"].append(r)
            run.update({m: mean_std([f["test"][m] for f in run["folds"]]) for m in ("wa", "ua")})
            run.update({"seconds": time.perf_counter() - seed_started, "loadavg": os.getloadavg()})
            extra = "".join(f"; {name} WA {v['wa']:.1%} UA {v['ua']:.1%}" for name, v in r["variants"].items())
            print(f"seed {seed} fold {fold + 1}: test WA {r['test']['wa']:.1%} UA {r['test']['ua']:.1%}{extra} (best epoch {r['bestEpoch']} of {r['epochs']}, {r['seconds']:.0f} s)", flush=True)
            write_json(False)
        wa, ua = run["wa"], run["ua"]
        print(f"seed {seed}: WA {wa['mean']:.1%} +- {wa['std']:.1%}, UA {ua['mean']:.1%} +- {ua['std']:.1%} over {len(run['folds'])} folds, {run['seconds']:.0f} s", flush=True)
        for name in run["folds"][0]["variants"]:
            print(f"  {name}: WA {np.mean([f['variants'][name]['wa'] for f in run['folds']]):.1%}, UA {np.mean([f['variants'][name]['ua'] for f in run['folds']]):.1%}", flush=True)
    s = summary()
    print(
        f"all: WA {s['folds']['wa']['mean']:.1%} +- {s['folds']['wa']['std']:.1%}, UA {s['folds']['ua']['mean']:.1%} +- {s['folds']['ua']['std']:.1%} over {sum(len(r['folds']) for r in runs)} folds; "
        f"over the seeds' means WA +- {s['seeds']['wa']['std']:.1%}, UA +- {s['seeds']['ua']['std']:.1%}; {time.perf_counter() - started:.0f} s, load {load_before[0]:.2f} -> {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    write_json(True)


if __name__ == "__main__":
    main()
