"""Golden tensors for dense layers: torch.nn.functional.linear forward and its autograd backward."""
import torch

from .common import f32, randn

# (N, in, out, bias): N=1, sizes that are not multiples of the 4x4 matmul tile, and the reference
# network's head ([32, 128] -> 8).
CASES = {
    "single_1x7x3": (1, 7, 3, True),
    "odd_5x13x6": (5, 13, 6, True),
    "odd_9x33x17": (9, 33, 17, True),
    "nobias_4x10x5": (4, 10, 5, False),
    "head_32x128x8": (32, 128, 8, True),
}


def generate():
    g = torch.Generator().manual_seed(2024)
    out = {}
    for name, (n, i, o, has_bias) in CASES.items():
        x = randn(n, i, generator=g).requires_grad_()
        w = randn(o, i, generator=g).requires_grad_()
        b = randn(o, generator=g).requires_grad_() if has_bias else None
        dy = randn(n, o, generator=g)
        y = torch.nn.functional.linear(x, w, b)
        y.backward(dy)
        p = f"dense.{name}."
        out |= {p + "x": f32(x), p + "w": f32(w), p + "dy": f32(dy), p + "y": f32(y), p + "dx": f32(x.grad), p + "dw": f32(w.grad)}
        if has_bias:
            out |= {p + "b": f32(b), p + "db": f32(b.grad)}
    return out
