"""Golden tensors for max, average and global-average pooling (NCHW), forward and backward.

Gradients are autograd's for a random upstream gradient dy. Cases cover odd sizes (floor rounding), batch 1,
stride != kernel (overlapping windows and gaps), asymmetric kernels, padding, ties (max pooling keeps the
first maximum in window order) and one plane of the reference network's maxpool2 input (64 x 188); and ReLU
followed by max pooling, whose gradient is zero wherever a window holds no positive value.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .common import f32, randn

# name: (N, C, H, W, kernel, stride, padding)
POOL_CASES = {
    "k2_7x9": (2, 3, 7, 9, (2, 2), (2, 2), (0, 0)),
    "k3s2p1_8x11": (2, 2, 8, 11, (3, 3), (2, 2), (1, 1)),
    "k3s1_batch1": (1, 2, 6, 5, (3, 3), (1, 1), (0, 0)),
    "k2x3_s1x2_p1": (2, 2, 5, 8, (2, 3), (1, 2), (1, 1)),
    "k2s3_gaps": (1, 3, 8, 10, (2, 2), (3, 3), (0, 0)),
}
MAX_ONLY_CASES = {
    "ties_k3s2p1": (2, 2, 7, 9, (3, 3), (2, 2), (1, 1)),
    "ref_plane_64x188": (1, 1, 64, 188, (2, 2), (2, 2), (0, 0)),
}
GLOBAL_SHAPES = {"2x3x7x9": (2, 3, 7, 9), "1x4x5x1": (1, 4, 5, 1), "3x2x16x23": (3, 2, 16, 23)}
# ReLU then max pooling (the default recipe's BatchNorm -> ReLU -> maxpool), which ser-gpu fuses into one pass.
# "zeros": values from {-2, -1, 0, 1}, so that whole windows are <= 0 (no gradient) and maxima tie.
RELU_MAX_CASES = {
    "k2_7x9": (2, 3, 7, 9, (2, 2), (2, 2), (0, 0)),
    "k3s2p1_8x11": (2, 2, 8, 11, (3, 3), (2, 2), (1, 1)),
    "zeros_k2_6x8": (2, 2, 6, 8, (2, 2), (2, 2), (0, 0)),
    "ref_plane_64x188": (1, 1, 64, 188, (2, 2), (2, 2), (0, 0)),
}


def with_grad(x, forward, g):
    """forward(x), and autograd's dx for a random upstream gradient dy."""
    x = x.clone().requires_grad_(True)
    y = forward(x)
    y_main = y[0] if isinstance(y, tuple) else y
    dy = randn(*y_main.shape, generator=g)
    (dx,) = torch.autograd.grad(y_main, x, dy)
    return y, dy, dx


def generate():
    g = torch.Generator().manual_seed(2024)
    out = {}
    for name, (n, c, h, w, k, s, p) in {**POOL_CASES, **MAX_ONLY_CASES}.items():
        # Ties: values from {0, 1, 2} fill windows with equal maxima.
        x = torch.randint(0, 3, (n, c, h, w), generator=g).float() if name.startswith("ties") else randn(n, c, h, w, generator=g)
        params = np.array([*k, *s, *p], dtype=np.int32)  # Pool2dParams order: kernel, stride, padding (H, W)
        (y, idx), dy, dx = with_grad(x, lambda t: F.max_pool2d(t, k, s, p, return_indices=True), g)
        key = f"max.{name}"
        out.update({f"{key}.params": params, f"{key}.x": f32(x), f"{key}.y": f32(y), f"{key}.argmax": idx.int().numpy(), f"{key}.dy": f32(dy), f"{key}.dx": f32(dx)})
        if name in POOL_CASES:
            y, dy, dx = with_grad(x, lambda t: F.avg_pool2d(t, k, s, p, count_include_pad=True), g)
            key = f"avg.{name}"
            out.update({f"{key}.params": params, f"{key}.x": f32(x), f"{key}.y": f32(y), f"{key}.dy": f32(dy), f"{key}.dx": f32(dx)})
    for name, shape in GLOBAL_SHAPES.items():
        x = randn(*shape, generator=g)
        y, dy, dx = with_grad(x, lambda t: F.adaptive_avg_pool2d(t, 1).flatten(1), g)
        key = f"global.{name}"
        out.update({f"{key}.x": f32(x), f"{key}.y": f32(y), f"{key}.dy": f32(dy), f"{key}.dx": f32(dx)})
    for name, (n, c, h, w, k, s, p) in RELU_MAX_CASES.items():
        x = torch.randint(-2, 2, (n, c, h, w), generator=g).float() if name.startswith("zeros") else randn(n, c, h, w, generator=g)
        params = np.array([*k, *s, *p], dtype=np.int32)
        y, dy, dx = with_grad(x, lambda t: F.max_pool2d(F.relu(t), k, s, p), g)
        key = f"relu_max.{name}"
        out.update({f"{key}.params": params, f"{key}.x": f32(x), f"{key}.y": f32(y), f"{key}.dy": f32(dy), f"{key}.dx": f32(dx)})
    return out
