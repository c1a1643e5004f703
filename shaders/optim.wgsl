// Optimiser steps over flat f32 tensors, updating parameters and state in place. Every per-step scalar
// lives in `ctl`, a small GPU buffer, so a step needs no CPU read-back and no per-step uniform rewrite:
//   ctl[0] step t (f32: exact to 2^24)   ctl[1] lr of this step   ctl[2] gradient scale (clipping)
//   ctl[3] 1 - beta1^t                   ctl[4] 1 - beta2^t
//   ctl[5] 1 when this step's loss or gradient norm is not finite (guard), else 0: the updates skip the step
// Entry points, in recording order:
//   sum_squares  (when clipping) per-workgroup partial sums of g² of one gradient into `partials`
//   prepare      one workgroup: t += 1; lr at scheduler epoch t - 1; scale = min(1, max_norm /
//                (sqrt(Σ partials) + 1e-6)); Adam's bias corrections
//   guard        (when guarding) one workgroup: ctl[5] = the loss or Σ partials (the squared gradient norm) is NaN or ±Inf
//   sgd, sgd_momentum, adam   element-wise updates reading ctl (torch.optim.SGD / Adam / AdamW); none
//                when ctl[5] is set, so a non-finite step changes no parameter and no optimizer state
//   revert       (when guarding) dst = backup where ctl[5] is set: undoes what a skipped step's forward
//                changed besides the parameters (batchnorm running statistics, the accuracy count)
// Test: test/ops/optim.test.ts.

override WG: u32 = 256; // a power of two (tree reductions)
override CLIP: bool = false;
override SCHEDULE: u32 = 0; // 0 constant, 1 step, 2 cosine, 3 warmup-cosine
override NESTEROV: bool = false;
override DECOUPLED: bool = false; // AdamW

const PI = 3.14159265358979;

var<workgroup> scratch: array<f32, WG>;

// Deterministic tree sum over the workgroup; call from uniform control flow.
fn workgroup_sum(lid: u32, value: f32) -> f32 {
  scratch[lid] = value;
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (lid < stride) { scratch[lid] += scratch[lid + stride]; }
  }
  workgroupBarrier();
  return scratch[0];
}

// NaN or ±Inf: the exponent bits all set. WGSL lets a compiler assume that no float is NaN or infinite, so
// x != x or comparisons with infinity may be folded away; the bit pattern cannot.
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// Element-wise jobs larger than 65,535 workgroups run as a 2-D grid.
fn flat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// ---- sum_squares: partials[offset + workgroup] = Σ g² over a grid-stride share of the gradient ----

struct SumParams {
  n: u32,
  offset: u32,
}

@group(0) @binding(0) var<uniform> sum_params: SumParams;
@group(0) @binding(1) var<storage, read> sum_grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> sum_partials: array<f32>;

@compute @workgroup_size(WG)
fn sum_squares(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  var sum = 0.0;
  for (var i = wid.x * WG + lid; i < sum_params.n; i += groups.x * WG) {
    let g = sum_grad[i];
    sum += g * g;
  }
  let total = workgroup_sum(lid, sum);
  if (lid == 0u) { sum_partials[sum_params.offset + wid.x] = total; }
}

// ---- prepare: the per-step scalars ----

struct PrepareParams {
  n_partials: u32,
  base_lr: f32,
  min_lr: f32,
  gamma: f32,
  step_size: u32,
  warmup: u32,
  total: u32,
  max_norm: f32,
  beta1: f32,
  beta2: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
}

@group(0) @binding(0) var<uniform> prep: PrepareParams;
@group(0) @binding(1) var<storage, read_write> prep_ctl: array<f32>;
@group(0) @binding(2) var<storage, read> prep_partials: array<f32>;

// base + (min - base) * (1 - cos(pi * x)) / 2 for x in [0, 1].
fn cosine(x: f32) -> f32 {
  return prep.min_lr + (prep.base_lr - prep.min_lr) * 0.5 * (1.0 + cos(PI * x));
}

// lr after `e` scheduler steps (torch calls scheduler.step() after each optimizer.step()). Integer
// arithmetic where torch's is exact: f32 division on Vulkan may be off by ulps, and floor() would show it.
fn scheduled_lr(e: u32) -> f32 {
  if (SCHEDULE == 1u) { // StepLR
    return prep.base_lr * pow(prep.gamma, f32(e / prep.step_size));
  }
  if (SCHEDULE == 2u) { // CosineAnnealingLR: periodic in 2 T_max, so reduce e first (cos of small arguments).
    return cosine(f32(e % (2u * prep.total)) / f32(prep.total));
  }
  if (SCHEDULE == 3u) { // linear warm-up to base_lr over `warmup` steps, then cosine to min_lr at `total`
    if (e < prep.warmup) { return prep.base_lr * f32(e + 1u) / f32(prep.warmup); }
    return cosine(min(1.0, f32(e - prep.warmup) / f32(max(1u, prep.total - prep.warmup))));
  }
  return prep.base_lr;
}

@compute @workgroup_size(WG)
fn prepare(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  if (CLIP) {
    for (var i = lid; i < prep.n_partials; i += WG) { sum += prep_partials[i]; }
  }
  let sum_sq = workgroup_sum(lid, sum);
  if (lid != 0u) { return; }
  let t = prep_ctl[0] + 1.0;
  prep_ctl[0] = t;
  prep_ctl[1] = scheduled_lr(u32(t) - 1u);
  prep_ctl[2] = select(1.0, min(1.0, prep.max_norm / (sqrt(sum_sq) + 1e-6)), CLIP);
  // 1 - beta^t as c_t = (1 - beta) + beta c_{t-1}: no cancellation, unlike 1 - pow(beta, t) in f32,
  // which keeps ~15 of 24 bits for beta = 0.999 at t = 1.
  prep_ctl[3] = prep.one_minus_beta1 + prep.beta1 * prep_ctl[3];
  prep_ctl[4] = prep.one_minus_beta2 + prep.beta2 * prep_ctl[4];
}

// ---- guard: ctl[5] = 1 when the loss or the global gradient norm is not finite ----

struct GuardParams {
  n_partials: u32,
}

@group(0) @binding(0) var<uniform> guard_params: GuardParams;
@group(0) @binding(1) var<storage, read_write> guard_ctl: array<f32>;
@group(0) @binding(2) var<storage, read> guard_partials: array<f32>;
@group(0) @binding(3) var<storage, read> guard_loss: array<f32>; // [1]

@compute @workgroup_size(WG)
fn guard(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  for (var i = lid; i < guard_params.n_partials; i += WG) { sum += guard_partials[i]; }
  let sum_sq = workgroup_sum(lid, sum);
  if (lid == 0u) { guard_ctl[5] = select(1.0, 0.0, is_finite(guard_loss[0]) && is_finite(sum_sq)); }
}

// ---- revert: dst[i] = backup[i] when the step was skipped (bit copies: f32 or u32 tensors alike) ----

struct RevertParams {
  n: u32,
}

@group(0) @binding(0) var<uniform> revert_params: RevertParams;
@group(0) @binding(1) var<storage, read> revert_ctl: array<f32>;
@group(0) @binding(2) var<storage, read_write> revert_dst: array<u32>;
@group(0) @binding(3) var<storage, read> revert_backup: array<u32>;

@compute @workgroup_size(WG)
fn revert(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= revert_params.n || revert_ctl[5] == 0.0) { return; }
  revert_dst[i] = revert_backup[i];
}

// ---- element-wise updates: @binding(1) ctl, (2) param, (3) grad, (4..) state ----

@group(0) @binding(1) var<storage, read> ctl: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> state_a: array<f32>; // momentum buffer / exp_avg
@group(0) @binding(5) var<storage, read_write> state_b: array<f32>; // exp_avg_sq

struct SgdParams {
  n: u32,
  weight_decay: f32,
  momentum: f32,
  one_minus_dampening: f32,
}

@group(0) @binding(0) var<uniform> sgd_params: SgdParams;

@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= sgd_params.n || ctl[5] != 0.0) { return; }
  let p = param[i];
  param[i] = p - ctl[1] * (grad[i] * ctl[2] + sgd_params.weight_decay * p);
}

@compute @workgroup_size(WG)
fn sgd_momentum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= sgd_params.n || ctl[5] != 0.0) { return; }
  let p = param[i];
  let g = grad[i] * ctl[2] + sgd_params.weight_decay * p;
  // torch starts the buffer at the first gradient, undamped.
  let buf = select(g, sgd_params.momentum * state_a[i] + sgd_params.one_minus_dampening * g, ctl[0] > 1.0);
  state_a[i] = buf;
  param[i] = p - ctl[1] * select(buf, g + sgd_params.momentum * buf, NESTEROV);
}

struct AdamParams {
  n: u32,
  weight_decay: f32,
  beta2: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> adam_params: AdamParams;

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= adam_params.n || ctl[5] != 0.0) { return; }
  let lr = ctl[1];
  var p = param[i];
  var g = grad[i] * ctl[2];
  if (DECOUPLED) { p *= 1.0 - lr * adam_params.weight_decay; } else { g += adam_params.weight_decay * p; }
  let m = state_a[i] + adam_params.one_minus_beta1 * (g - state_a[i]); // torch's exp_avg.lerp_
  let v = adam_params.beta2 * state_b[i] + adam_params.one_minus_beta2 * g * g;
  state_a[i] = m;
  state_b[i] = v;
  let denom = sqrt(v) / sqrt(ctl[4]) + adam_params.eps;
  param[i] = p - (lr / ctl[3]) * m / denom;
}
