"""Golden tensors for the runtime's first kernels: matmul (with transposes, batches) and elementwise."""
import torch

from .common import f32, randn

# Shapes include sizes that are not multiples of the 4x4 register tile or the 8x8 workgroup.
MATMUL_CASES = {
    "square_64": (1, 64, 64, 64, False, False),
    "odd_37x29x53": (1, 37, 29, 53, False, False),
    "row_1x8x130": (1, 1, 8, 130, False, False),
    "transA_33x17x40": (1, 33, 17, 40, True, False),
    "transB_20x70x9": (1, 20, 70, 9, False, True),
    "batch3_15x11x7": (3, 15, 11, 7, False, False),
}


def generate():
    g = torch.Generator().manual_seed(1234)
    out = {}
    for name, (batch, m, n, k, trans_a, trans_b) in MATMUL_CASES.items():
        a = randn(batch, k, m, generator=g) if trans_a else randn(batch, m, k, generator=g)
        b = randn(batch, n, k, generator=g) if trans_b else randn(batch, k, n, generator=g)
        c = torch.matmul(a.transpose(1, 2) if trans_a else a, b.transpose(1, 2) if trans_b else b)
        out[f"matmul.{name}.a"] = f32(a)
        out[f"matmul.{name}.b"] = f32(b)
        out[f"matmul.{name}.c"] = f32(c)
    x = randn(1000, generator=g)
    y = randn(1000, generator=g)
    out["elementwise.x"] = f32(x)
    out["elementwise.y"] = f32(y)
    out["elementwise.add"] = f32(x + y)
    out["elementwise.mul"] = f32(x * y)
    out["elementwise.scale_add_0.5"] = f32(x + 0.5 * y)
    return out
