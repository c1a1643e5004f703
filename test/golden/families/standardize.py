"""Golden tensors for per-band standardisation with length masking: torch over [N, C, T] log-Mel-like
values (around -40 dB with a 15 dB spread), statistics in float64 as a training set's would be; and the
same into windows of another width (cropped to 64 frames, zero-padded to 120), as the waveform-augmented
training batches use it."""
import numpy as np
import torch

from .common import f32, randn


def generate():
    g = torch.Generator().manual_seed(12)
    N, C, T = 5, 64, 97
    x = -40 + 15 * randn(N, C, T, generator=g)
    lengths = torch.tensor([97, 50, 1, 96, 0], dtype=torch.int32)
    stats = x.double().reshape(N, C, T).permute(1, 0, 2).reshape(C, -1)
    mean = stats.mean(dim=1).float()
    inv_std = (1 / stats.std(dim=1)).float()
    valid = torch.arange(T)[None, None, :] < lengths[:, None, None]
    y = torch.where(valid, (x - mean[None, :, None]) * inv_std[None, :, None], torch.zeros(()))
    return {
        "standardize.x": f32(x),
        "standardize.lengths": lengths.numpy(),
        "standardize.mean": f32(mean),
        "standardize.inv_std": f32(inv_std),
        "standardize.y": f32(y),
        "standardize.narrow.y": f32(y[:, :, :64]),
        "standardize.wide.y": f32(torch.nn.functional.pad(y, (0, 120 - T))),
    }
