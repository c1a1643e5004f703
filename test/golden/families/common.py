"""Helpers shared by the golden families."""
import numpy as np
import torch


def f32(t) -> np.ndarray:
    """A float32 numpy copy of a tensor or array."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().numpy()
    # A real copy: .numpy() shares the tensor's memory, so a view would change with later in-place updates.
    return np.array(t, dtype=np.float32, order="C", copy=True)


def randn(*shape: int, generator: torch.Generator) -> torch.Tensor:
    return torch.randn(*shape, generator=generator, dtype=torch.float32)
