"""Golden tensors for the fused softmax + cross-entropy (src/ops/softmax-ce.ts): loss, probs and dlogits of
torch.nn.functional.cross_entropy(reduction='mean') with and without class weights and label smoothing, for
integer labels (ce.*) and for probability targets [N, K] (ce_soft.*, as mixup makes them).

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


def soft_closed_form(logits, targets, weights, eps):
    """What torch computes for probability targets: smoothed targets t' = (1-eps) t + eps/K, each row's loss
    -sum_k w_k t'_k logp_k, and the mean divides by N (not by summed weights, as for integer labels)."""
    K = logits.shape[1]
    w = torch.ones(K, dtype=logits.dtype) if weights is None else weights
    t = (1 - eps) * targets + eps / K
    return -(torch.log_softmax(logits, dim=1) * w * t).sum() / logits.shape[0]


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


def soft_case(out, name, logits, targets, weights, eps):
    logits = logits.to(torch.float32).to(torch.float64).requires_grad_(True)
    targets = targets.to(torch.float32).to(torch.float64)
    w = None if weights is None else weights.to(torch.float32).to(torch.float64)
    loss = F.cross_entropy(logits, targets, weight=w, label_smoothing=eps, reduction="mean")
    reference = soft_closed_form(logits.detach(), targets, w, eps)
    assert torch.allclose(loss.detach(), reference, rtol=1e-12, atol=0), f"{name}: torch {loss.item()} != closed form {reference.item()}"
    loss.backward()
    prefix = f"ce_soft.{name}"
    out[f"{prefix}.logits"] = f32(logits)
    out[f"{prefix}.targets"] = f32(targets)
    if w is not None:
        out[f"{prefix}.weights"] = f32(w)
    out[f"{prefix}.smoothing"] = np.array([eps])
    out[f"{prefix}.loss"] = f32(loss.reshape(1))
    out[f"{prefix}.probs"] = f32(torch.softmax(logits.detach(), dim=1))
    out[f"{prefix}.dlogits"] = f32(logits.grad)


def mixed_targets(g, n):
    """Mixup's targets: lambda onehot(y_i) + (1 - lambda) onehot(y_perm(i)), lambda ~ Beta(0.4, 0.4)."""
    labels = torch.randint(0, K, (n,), generator=g)
    perm = torch.randperm(n, generator=g)
    lam = torch.distributions.Beta(0.4, 0.4).sample((n,)).to(torch.float64)
    onehot = F.one_hot(labels, K).to(torch.float64)
    return lam[:, None] * onehot + (1 - lam[:, None]) * onehot[perm]


def soft_cases(out, g, weights):
    logits = torch.randn(32, K, generator=g, dtype=torch.float64) * 3
    dense = torch.softmax(torch.randn(32, K, generator=g, dtype=torch.float64) * 2, dim=1)
    mixed = mixed_targets(g, 32)
    for suffix, t, w, eps in (("dense", dense, None, 0.0), ("mixup", mixed, None, 0.0), ("mixup_weights", mixed, weights, 0.0),
                              ("mixup_smooth", mixed, None, 0.1), ("dense_weights_smooth", dense, weights, 0.2)):
        soft_case(out, suffix, logits, t, w, eps)
    extreme, extreme_labels = extreme_logits(g)
    soft_case(out, "extreme_onehot", extreme, F.one_hot(extreme_labels, K).to(torch.float64), None, 0.0)
    one = torch.randn(1, K, generator=g, dtype=torch.float64) * 2
    soft_case(out, "batch1_weights_smooth", one, mixed[:1], weights, 0.3)


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
    soft_cases(out, torch.Generator().manual_seed(8765), weights)
    return out
