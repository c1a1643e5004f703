"""Golden tensors for conv2d: torch.nn.functional.conv2d forward and its autograd gradients
(dx, dw, db) for a random upstream gradient dy. Shapes cover sizes that are no multiple of any tile, batch 1,
Cin = 1, stride 2, padding 0/1/2, dilation 2, 1x1, 5x5 and non-square kernels. (The fused ReLU is checked
against max(y, 0) of these goldens.)"""
import numpy as np
import torch
import torch.nn.functional as F

from .common import f32, randn

# name: (input NCHW, weight OIHW, (strideH, strideW), (padH, padW), (dilationH, dilationW))
CASES = {
    "odd_tiles": ((2, 13, 11, 29), (19, 13, 3, 3), (1, 1), (1, 1), (1, 1)),
    "batch1_5x5_pad0": ((1, 2, 12, 13), (4, 2, 5, 5), (1, 1), (0, 0), (1, 1)),
    "stride2": ((2, 4, 11, 10), (6, 4, 3, 3), (2, 2), (1, 1), (1, 1)),
    "dilation2_pad2": ((2, 3, 13, 12), (5, 3, 3, 3), (1, 1), (2, 2), (2, 2)),
    "pointwise_1x1_stride2": ((2, 7, 6, 5), (9, 7, 1, 1), (2, 2), (0, 0), (1, 1)),
    "nonsquare_2x5": ((2, 3, 10, 14), (4, 3, 2, 5), (2, 1), (0, 2), (1, 2)),
    "cin1": ((3, 1, 16, 20), (8, 1, 3, 3), (1, 1), (1, 1), (1, 1)),
}


def generate():
    g = torch.Generator().manual_seed(2024)
    out = {}
    for name, (x_shape, w_shape, stride, padding, dilation) in CASES.items():
        x = randn(*x_shape, generator=g).requires_grad_()
        w = randn(*w_shape, generator=g).requires_grad_()
        b = randn(w_shape[0], generator=g).requires_grad_()
        y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
        dy = randn(*y.shape, generator=g)
        y.backward(dy)
        key = f"conv2d.{name}"
        out[f"{key}.params"] = np.array([*stride, *padding, *dilation], dtype=np.int32)
        for part, value in (("x", x), ("w", w), ("b", b), ("dy", dy), ("y", y), ("dx", x.grad), ("dw", w.grad), ("db", b.grad)):
            out[f"{key}.{part}"] = f32(value)
    return out
