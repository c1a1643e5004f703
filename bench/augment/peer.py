"""The peer of bench/augment/run.ts: the same augmentations of the same clips with numpy and librosa on the
CPU, one batch at a time, as a data loader would (librosa has no batch form of time_stretch/pitch_shift).
Prints one JSON line: seconds per batch for each augmentation (the least of --repeats runs)."""
import argparse
import json
import time

import librosa
import numpy as np
import soundfile

parser = argparse.ArgumentParser()
parser.add_argument("--files", required=True, help="a text file naming one audio file per line")
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--n-fft", type=int, default=512)
parser.add_argument("--hop", type=int, default=128)
args = parser.parse_args()

with open(args.files, encoding="utf-8") as f:
    clips = [soundfile.read(line.strip(), dtype="float32")[0] for line in f if line.strip()]
rng = np.random.default_rng(0)
sr = 16000


def noise():
    out = []
    for x in clips:
        snr = rng.uniform(5, 30)
        n = rng.standard_normal(len(x)).astype(np.float32)
        scale = np.sqrt(np.mean(x**2) / np.mean(n**2)) * 10 ** (-snr / 20)
        out.append(x + scale * n)
    return out


def gain():
    return [x * np.float32(10 ** (rng.uniform(-6, 6) / 20)) for x in clips]


def stretch():
    return [librosa.effects.time_stretch(x, rate=rng.uniform(0.9, 1.1), n_fft=args.n_fft, hop_length=args.hop) for x in clips]


def pitch():
    return [librosa.effects.pitch_shift(x, sr=sr, n_steps=rng.uniform(-2, 2), n_fft=args.n_fft, hop_length=args.hop) for x in clips]


crops = [np.pad(x[: 3 * sr], (0, max(0, 3 * sr - len(x)))) for x in clips]  # 3 s, as the feature augmentations see them
features = np.stack([librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=sr, n_fft=1024, hop_length=256, n_mels=64)) for x in crops])


def specaugment():
    y = features.copy()
    for c in range(len(y)):
        for _ in range(2):
            w = rng.integers(0, 9)
            s = rng.integers(0, 64 - w + 1)
            y[c, s : s + w, :] = y[c].mean()
            w = rng.integers(0, 21)
            s = rng.integers(0, y.shape[2] - w + 1)
            y[c, :, s : s + w] = y[c].mean()
    return y


def mixup():
    lam = rng.beta(0.4, 0.4, size=len(features)).astype(np.float32)[:, None, None]
    perm = rng.permutation(len(features))
    return lam * features + (1 - lam) * features[perm]


result = {}
for name, fn in (("noise", noise), ("gain", gain), ("stretch", stretch), ("pitch", pitch), ("specaugment", specaugment), ("mixup", mixup)):
    fn()  # warm-up: imports, FFT plans, resampler set-up
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    result[name] = best
print(json.dumps(result))
