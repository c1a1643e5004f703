"""Pinned PyTorch training runs for test/train and test/nn (the llm.c way: a seeded run's first losses).

ref.*   the default model (src/nn/default-model.ts, 4 conv blocks) on a shrunk input [1, 32, 64]: PyTorch's own
        initial weights, ten batches of 4 log-Mel-like inputs with labels 0..7, the ten Adam (lr 1e-3) losses
        and the final weights.
mixed.* a small stack using every other layer type (batchnorm2d/1d, leaky_relu, elu, avgpool2d, flatten,
        strided conv without bias): one training-mode forward and backward (logits, loss, every gradient,
        the updated running stats) and the eval-mode logits afterwards.
recipe.* the same for the default recipe's blocks shrunk (conv-BatchNorm-ReLU-maxpool, conv-BatchNorm-ReLU,
        global average pool, dense; RECIPE_SPEC in test/nn/mixed-spec.ts), where ser-gpu fuses each ReLU
        into the max pool after it.

State-dict names are the layer indices of the spec (nn.Sequential), as ser-gpu's model names them.
"""
import torch
from torch import nn

from .common import f32, randn

REF_INPUT = (1, 32, 64)
REF_BATCH = 4
REF_STEPS = 10
CLASSES = 8

MIXED_INPUT = (2, 9, 12)
MIXED_BATCH = 5
MIXED_CLASSES = 5


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


def reference_network(in_channels: int, classes: int) -> nn.Sequential:
    """defaultModelSpec: conv3x3(16/32/64/128)-ReLU, max pools between, global average pool, dense."""
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), GlobalAvgPool(),
        nn.Linear(128, classes),
    )


def mixed_network() -> nn.Sequential:
    """MIXED_SPEC in test/nn/mixed-spec.ts."""
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.LeakyReLU(0.1), nn.AvgPool2d(2),
        nn.Conv2d(4, 6, (3, 2), stride=(1, 2), padding=(1, 0), bias=False), nn.ELU(0.5), nn.MaxPool2d(2, stride=1),
        nn.Flatten(), nn.Linear(6 * 3 * 2, 10), nn.BatchNorm1d(10, momentum=0.2), nn.ReLU(),
        nn.Linear(10, MIXED_CLASSES),
    )


RECIPE_INPUT = (1, 10, 14)
RECIPE_BATCH = 4
RECIPE_CLASSES = 5


def recipe_network() -> nn.Sequential:
    """RECIPE_SPEC in test/nn/mixed-spec.ts."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), GlobalAvgPool(),
        nn.Linear(6, RECIPE_CLASSES),
    )


def log_mel_like(batch: int, shape, g: torch.Generator) -> torch.Tensor:
    """Standardised log-Mel statistics: a smooth spectral tilt over the bands plus noise."""
    _, bands, _ = shape
    tilt = torch.linspace(1.0, -1.0, bands).view(1, 1, bands, 1)
    return tilt + randn(batch, *shape, generator=g)


def state(prefix: str, model: nn.Module) -> dict:
    """A snapshot: f32() of a float32 tensor shares its memory, which later in-place updates would change."""
    return {f"{prefix}.{k}": f32(v.clone()) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


def reference_run(g: torch.Generator) -> dict:
    model = reference_network(REF_INPUT[0], CLASSES)
    out = state("ref.init", model)
    xs = torch.stack([log_mel_like(REF_BATCH, REF_INPUT, g) for _ in range(REF_STEPS)])
    labels = torch.randint(0, CLASSES, (REF_STEPS, REF_BATCH), generator=g)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for x, y in zip(xs, labels):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    out["ref.x"] = f32(xs)
    out["ref.labels"] = labels.to(torch.int32).numpy()
    out["ref.losses"] = torch.tensor(losses, dtype=torch.float64).numpy()
    out.update(state("ref.final", model))
    return out


def one_step(prefix: str, model: nn.Sequential, batchnorms: tuple, shape, batch: int, classes: int, g: torch.Generator) -> dict:
    """One training-mode forward and backward, the running statistics after it, then eval-mode logits."""
    with torch.no_grad():  # non-trivial batchnorm affine parameters, so their gradients are tested too
        for i in batchnorms:
            model[i].weight.copy_(1 + 0.2 * randn(*model[i].weight.shape, generator=g))
            model[i].bias.copy_(0.1 * randn(*model[i].bias.shape, generator=g))
    out = state(f"{prefix}.init", model)
    x = randn(batch, *shape, generator=g)
    labels = torch.randint(0, classes, (batch,), generator=g)
    model.train()
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, labels)
    loss.backward()
    out[f"{prefix}.x"] = f32(x)
    out[f"{prefix}.labels"] = labels.to(torch.int32).numpy()
    out[f"{prefix}.train_logits"] = f32(logits)
    out[f"{prefix}.loss"] = f32(loss.reshape(1))
    out.update({f"{prefix}.grad.{k}": f32(p.grad) for k, p in model.named_parameters()})
    out.update({f"{prefix}.after.{k}": f32(v) for k, v in model.state_dict().items() if "running" in k})
    model.eval()
    with torch.no_grad():
        out[f"{prefix}.eval_logits"] = f32(model(x))
    return out


def generate():
    g = torch.Generator().manual_seed(2024)
    ref = reference_run(g)
    mixed = one_step("mixed", mixed_network(), (1, 9), MIXED_INPUT, MIXED_BATCH, MIXED_CLASSES, g)
    recipe = one_step("recipe", recipe_network(), (1, 5), RECIPE_INPUT, RECIPE_BATCH, RECIPE_CLASSES, g)
    return {**ref, **mixed, **recipe}
