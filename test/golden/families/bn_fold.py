"""Golden tensors for folding an eval-mode batchnorm into the conv before it: torch.nn.utils.fusion's
fuse_conv_bn_weights, with and without a conv bias, and the fused conv's output against conv -> BN (eval)."""
import torch
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_weights

from .common import f32, randn


def generate():
    g = torch.Generator().manual_seed(31)
    out = {}
    for name, has_bias in (("bias", True), ("nobias", False)):
        w = randn(6, 4, 3, 3, generator=g)
        b = randn(6, generator=g) if has_bias else None
        gamma = 1 + 0.3 * randn(6, generator=g)
        beta = randn(6, generator=g)
        mean = randn(6, generator=g)
        var = torch.rand(6, generator=g) + 0.1
        eps = 1e-5
        fw, fb = fuse_conv_bn_weights(w, b, mean, var, eps, gamma, beta)
        x = randn(2, 4, 7, 9, generator=g)
        y = F.batch_norm(F.conv2d(x, w, b, padding=1), mean, var, gamma, beta, training=False, eps=eps)
        for key, t in {"w": w, "gamma": gamma, "beta": beta, "mean": mean, "var": var, "x": x, "y": y, "fused_w": fw, "fused_b": fb}.items():
            out[f"bn_fold.{name}.{key}"] = f32(t)
        if b is not None:
            out[f"bn_fold.{name}.b"] = f32(b)
    return out
