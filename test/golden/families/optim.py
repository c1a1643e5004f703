"""Golden optimiser trajectories: torch.optim SGD / Adam / AdamW with clip_grad_norm_ and lr schedulers.

A few parameter tensors get fixed synthetic gradients for STEPS steps; each case records the parameters
after every step. Case configs mirror CASES in test/ops/optim.test.ts (same names, same keys).
"""
import math

import torch

from .common import f32, randn

SHAPES = [(4, 5), (7,), (3, 2, 3), (300,)]
STEPS = 5
# Per-step gradient scales: step 2's norm (~0.4) stays under every max norm, so clipping is both
# active and inactive within one trajectory.
GRAD_SCALE = [1.0, 0.02, 3.0, 0.5, 1.5]

CASES = {
    "sgd": {"kind": "sgd", "lr": 0.1},
    "sgd_wd": {"kind": "sgd", "lr": 0.1, "weightDecay": 0.05},
    "sgd_momentum": {"kind": "sgd", "lr": 0.05, "momentum": 0.9},
    "sgd_dampening_wd": {"kind": "sgd", "lr": 0.05, "momentum": 0.9, "dampening": 0.25, "weightDecay": 0.01},
    "sgd_nesterov_wd": {"kind": "sgd", "lr": 0.05, "momentum": 0.8, "nesterov": True, "weightDecay": 0.02},
    "sgd_momentum_clip": {"kind": "sgd", "lr": 0.05, "momentum": 0.9, "clip": 2.0},
    "sgd_step": {"kind": "sgd", "lr": 0.1, "momentum": 0.5, "schedule": {"kind": "step", "stepSize": 2, "gamma": 0.5}},
    # totalSteps 3 < STEPS: past T_max torch's cosine turns back up (period 2 T_max).
    "sgd_nesterov_cosine": {"kind": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True, "schedule": {"kind": "cosine", "totalSteps": 3}},
    "adam": {"kind": "adam", "lr": 0.01},
    "adam_wd_betas": {"kind": "adam", "lr": 0.01, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6, "weightDecay": 0.1},
    "adam_clip": {"kind": "adam", "lr": 0.01, "clip": 2.0},
    "adam_cosine": {"kind": "adam", "lr": 0.01, "schedule": {"kind": "cosine", "totalSteps": 4, "minLr": 0.001}},
    "adamw": {"kind": "adamw", "lr": 0.01, "weightDecay": 0.1},
    "adamw_default_wd_clip": {"kind": "adamw", "lr": 0.01, "clip": 1.0},
    "adamw_warmup_cosine_clip": {
        "kind": "adamw", "lr": 0.01, "weightDecay": 0.1, "clip": 2.0,
        "schedule": {"kind": "warmup-cosine", "warmupSteps": 2, "totalSteps": 5, "minLr": 0.0001},
    },
}


def warmup_cosine(base_lr: float, warmup: int, total: int, min_lr: float):
    """The documented formula of src/ops/optim.ts, as a LambdaLR factor of epoch e (steps taken so far)."""
    def factor(e: int) -> float:
        if e < warmup:
            return (e + 1) / warmup
        progress = min(1.0, (e - warmup) / max(1, total - warmup))
        return (min_lr + (base_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))) / base_lr
    return factor


def make(cfg: dict, params: list):
    if cfg["kind"] == "sgd":
        opt = torch.optim.SGD(params, lr=cfg["lr"], momentum=cfg.get("momentum", 0), dampening=cfg.get("dampening", 0),
                              nesterov=cfg.get("nesterov", False), weight_decay=cfg.get("weightDecay", 0), foreach=False)
    else:
        cls = torch.optim.Adam if cfg["kind"] == "adam" else torch.optim.AdamW
        kwargs = {"weight_decay": cfg["weightDecay"]} if "weightDecay" in cfg else {}
        opt = cls(params, lr=cfg["lr"], betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.999)), eps=cfg.get("eps", 1e-8),
                  foreach=False, **kwargs)
    s = cfg.get("schedule", {"kind": "constant"})
    if s["kind"] == "step":
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=s["stepSize"], gamma=s["gamma"])
    elif s["kind"] == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s["totalSteps"], eta_min=s.get("minLr", 0.0))
    elif s["kind"] == "warmup-cosine":
        factor = warmup_cosine(cfg["lr"], s["warmupSteps"], s["totalSteps"], s.get("minLr", 0.0))
        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    else:
        sched = None
    return opt, sched


def generate():
    g = torch.Generator().manual_seed(77)
    init = [randn(*shape, generator=g) for shape in SHAPES]
    grads = [torch.stack([randn(*shape, generator=g) * s for s in GRAD_SCALE]) for shape in SHAPES]
    out = {}
    for j in range(len(SHAPES)):
        out[f"optim.init{j}"] = f32(init[j])
        out[f"optim.grad{j}"] = f32(grads[j])
    for name, cfg in CASES.items():
        params = [p.clone().requires_grad_() for p in init]
        opt, sched = make(cfg, params)
        history = [[] for _ in params]
        for t in range(STEPS):
            for j, p in enumerate(params):
                p.grad = grads[j][t].clone()
            if "clip" in cfg:
                torch.nn.utils.clip_grad_norm_(params, cfg["clip"])
            opt.step()
            if sched:
                sched.step()
            for j, p in enumerate(params):
                history[j].append(p.detach().clone())
        for j in range(len(params)):
            out[f"optim.{name}.param{j}"] = f32(torch.stack(history[j]))
    return out
