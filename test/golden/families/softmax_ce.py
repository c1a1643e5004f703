"""Golden tensors for the fused softmax + cross-entropy (src/ops/softmax-ce.ts): loss, probs and dlogits of
torch.nn.functional.cross_entropy(reduction='mean') with and without class weights and label smoothing.

Computed in float64 from float32 inputs, so the goldens carry no float32 error of their own. generate()
also checks, numerically, the closed form the kernels implement against torch (see torch_semantics)."""
import numpy as np
import torch
import torch.nn.functional as F

from .common import f32

K = 8


def closed_form(logits, labels, weights, eps):
    """What torch computes (aten cross_entropy_loss_label_smoothing), written out: with weights w,
    loss = [(1-eps) * sum_i w[y_i] * nll_i + eps/K * sum_i sum_k w_k * (-logp_ik)] / sum_i w[y_i];
    the smoothing term weighs every class by its own weight and still divides by the targets' weights."""
    logp = torch.log_softmax(logits, dim=1)
    w = torch.ones(logits.shape[1], dtype=logits.dtype) if weights is None else weights
    wy = w[labels]
    nll = -logp.gather(1, labels[:, None])[:, 0]
    smooth = -(logp * w).sum(1)
    return ((1 - eps) * (wy * nll).sum() + eps / logits.shape[1] * smooth.sum()) / wy.sum()


def extreme_logits(g):
    """Rows of +-1000 (exp overflows without the max subtraction), with targets on the large and the tiny side."""
    rows = torch.tensor([
        [1000, -1000, 0, 0, 0, 0, 0, 0],
        [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
        [-1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000],
        [1000, -1000, 1000, -1000, 1000, -1000, 1000, -1000],
        [-1000, 999, 998, -1000, 3, -7, 1000, 0.5],
    ], dtype=torch.float64)
    labels = torch.tensor([1, 5, 2, 0, 6])
    return rows, labels


def case(out, name, logits, labels, weights, eps):
    logits = logits.to(torch.float32).to(torch.float64).requires_grad_(True)
    w = None if weights is None else weights.to(torch.float32).to(torch.float64)
    loss = F.cross_entropy(logits, labels, weight=w, label_smoothing=eps, reduction="mean")
    reference = closed_form(logits.detach(), labels, w, eps)
    assert torch.allclose(loss.detach(), reference, rtol=1e-12, atol=0), f"{name}: torch {loss.item()} != closed form {reference.item()}"
    loss.backward()
    prefix = f"ce.{name}"
    out[f"{prefix}.logits"] = f32(logits)
    out[f"{prefix}.labels"] = labels.to(torch.int32).numpy()
    if w is not None:
        out[f"{prefix}.weights"] = f32(w)
    out[f"{prefix}.smoothing"] = np.array([eps])  # float64: the references use the exact value
    out[f"{prefix}.loss"] = f32(loss.reshape(1))
    out[f"{prefix}.probs"] = f32(torch.softmax(logits.detach(), dim=1))
    out[f"{prefix}.dlogits"] = f32(logits.grad)


def generate():
    g = torch.Generator().manual_seed(4321)
    out = {}
    logits = torch.randn(32, K, generator=g, dtype=torch.float64) * 3
    labels = torch.randint(0, K, (32,), generator=g)
    weights = torch.rand(K, generator=g, dtype=torch.float64) * 1.8 + 0.2
    for suffix, w, eps in (("plain", None, 0.0), ("weights", weights, 0.0), ("smooth", None, 0.1), ("weights_smooth", weights, 0.2)):
        case(out, suffix, logits, labels, w, eps)
    extreme, extreme_labels = extreme_logits(g)
    case(out, "extreme", extreme, extreme_labels, None, 0.0)
    case(out, "extreme_weights_smooth", extreme, extreme_labels, weights, 0.1)
    one = torch.randn(1, K, generator=g, dtype=torch.float64) * 2
    case(out, "batch1", one, torch.tensor([3]), None, 0.0)
    case(out, "batch1_weights_smooth", one, torch.tensor([3]), weights, 0.3)
    return out
