"""Golden tensors for ReLU, leaky ReLU and ELU: forward, and autograd's input gradient for a random dy.

x mixes N(0, 9) values with extremes and tiny magnitudes (ELU's exp(x) - 1 cancels near 0); none is 0,
where the derivatives have kinks.
"""
import torch
import torch.nn.functional as F

from .common import f32, randn

SPECIAL = [-30.0, -20.0, -5.0, -1e-3, -1e-8, 1e-8, 1e-3, 5.0, 20.0, 30.0]
# name: kind.alpha (the leaky slope or ELU's alpha; ReLU has none)
CASES = {
    "relu": lambda t: F.relu(t),
    "leaky_relu.0.01": lambda t: F.leaky_relu(t),
    "leaky_relu.0.2": lambda t: F.leaky_relu(t, 0.2),
    "elu.1": lambda t: F.elu(t),
    "elu.0.5": lambda t: F.elu(t, 0.5),
}


def generate():
    g = torch.Generator().manual_seed(7)
    x = torch.cat([3 * randn(1990, generator=g), torch.tensor(SPECIAL)])
    assert bool((x != 0).all())
    dy = randn(x.numel(), generator=g)
    out = {"activation.x": f32(x), "activation.dy": f32(dy)}
    for name, forward in CASES.items():
        xg = x.clone().requires_grad_(True)
        y = forward(xg)
        (dx,) = torch.autograd.grad(y, xg, dy)
        out[f"activation.{name}.y"] = f32(y)
        out[f"activation.{name}.dx"] = f32(dx)
    return out
