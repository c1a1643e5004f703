"""Golden tensors for the class-score ops: torch.softmax over rows, and torch.argmax against labels.

Rows mix N(0, 4) logits with extremes (+-1000, where a naive exp overflows) and ties (argmax takes the
first maximum).
"""
import numpy as np
import torch

from .common import f32, randn


def generate():
    g = torch.Generator().manual_seed(11)
    N, K = 300, 8
    z = 2 * randn(N, K, generator=g)
    z[0] = torch.tensor([1000.0, -1000.0, 0.0, 999.0, 1.0, 2.0, 3.0, 4.0])
    z[1] = torch.tensor([-1000.0] * K)
    z[2, :] = 0.5  # all tied: argmax is class 0
    z[3, 2] = z[3, 5] = z[3].max() + 1  # a tie between classes 2 and 5: argmax is 2
    labels = torch.randint(0, K, (N,), generator=g, dtype=torch.int64)
    labels[:4] = torch.tensor([0, 0, 0, 5])  # rows 0 and 2 right, 1 right (all tied), 3 wrong (tie to 2)
    correct = (torch.argmax(z, dim=1) == labels).sum()
    return {
        "scores.logits": f32(z),
        "scores.labels": labels.to(torch.int32).numpy(),
        "scores.probs": f32(torch.softmax(z, dim=1)),
        "scores.correct": np.array([int(correct)], dtype=np.int32),
    }
