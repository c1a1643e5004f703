"""Golden tensors for batch normalisation (src/ops/batchnorm.ts): torch.nn.BatchNorm2d / BatchNorm1d in train
mode (two steps: outputs and running statistics after each), eval mode with the running statistics of
step two, the saved mean / inverse std (torch.native_batch_norm), and autograd gradients of step one for
x, gamma and beta under a random upstream gradient. Computed in float64 from float32 inputs."""
import numpy as np
import torch

from .common import f32

# name: (shape, momentum, eps, mean offset of x). The offset case makes a naive E[x^2] - E[x]^2 lose digits.
CASES = {
    "bn2d_small": ((4, 3, 5, 7), 0.1, 1e-5, 0.0),
    "bn2d_offset": ((3, 4, 6, 9), 0.1, 1e-5, 5.0),
    "bn2d_momentum": ((2, 5, 4, 4), 0.3, 1e-3, 0.0),
    "bn2d_long": ((3, 2, 20, 31), 0.1, 1e-5, -1.0),
    "bn1d": ((16, 6), 0.1, 1e-5, 0.0),
    "bn1d_batch2": ((2, 8), 0.1, 1e-5, 0.0),
}


def rand(shape, g, scale=1.0, offset=0.0):
    """float32-representable float64 values, so torch's float64 result is exact for the inputs the kernels see."""
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale + offset).float().double()


def generate():
    g = torch.Generator().manual_seed(2024)
    out = {}
    for name, (shape, momentum, eps, offset) in CASES.items():
        c = shape[1]
        module = (torch.nn.BatchNorm2d if len(shape) == 4 else torch.nn.BatchNorm1d)(c, eps=eps, momentum=momentum).double()
        gamma, beta = rand((c,), g, 0.5, 1.0), rand((c,), g, 0.5)
        rm0, rv0 = rand((c,), g, 0.5), (torch.rand(c, generator=g, dtype=torch.float64) * 1.5 + 0.5).float().double()
        x1, x2 = rand(shape, g, 2.0, offset), rand(shape, g, 1.5, offset)
        dy = rand(shape, g)
        with torch.no_grad():
            module.weight.copy_(gamma)
            module.bias.copy_(beta)
            module.running_mean.copy_(rm0)
            module.running_var.copy_(rv0)
        _, save_mean, save_invstd = torch.native_batch_norm(x1, gamma, beta, rm0.clone(), rv0.clone(), True, momentum, eps)

        module.train()
        x1g = x1.clone().requires_grad_(True)
        y1 = module(x1g)
        y1.backward(dy)
        rm1, rv1 = module.running_mean.clone(), module.running_var.clone()
        with torch.no_grad():
            y2 = module(x2)
            module.eval()
            y_eval = module(x1)

        p = f"bn.{name}"
        out[f"{p}.hyper"] = np.array([momentum, eps])  # float64: the references use the exact values
        for key, value in {
            "x": x1, "x2": x2, "gamma": gamma, "beta": beta, "rm0": rm0, "rv0": rv0, "dy": dy,
            "y1": y1, "mean1": save_mean, "invstd1": save_invstd, "rm1": rm1, "rv1": rv1,
            "y2": y2, "rm2": module.running_mean, "rv2": module.running_var, "y_eval": y_eval,
            "dx": x1g.grad, "dgamma": module.weight.grad, "dbeta": module.bias.grad,
        }.items():
            out[f"{p}.{key}"] = f32(value)
    return out
