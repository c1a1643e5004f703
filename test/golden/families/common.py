"""Helpers shared by the golden families."""
import numpy as np
import torch


def f32(t) -> np.ndarray:
    """A float32 numpy copy of a tensor or array."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().numpy()
    return np.ascontiguousarray(np.asarray(t, dtype=np.float32))


def randn(*shape: int, generator: torch.Generator) -> torch.Tensor:
    return torch.randn(*shape, generator=generator, dtype=torch.float32)
