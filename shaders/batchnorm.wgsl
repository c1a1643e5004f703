// Batch normalisation over x [N, C, HW] (BatchNorm2d: HW = H*W; BatchNorm1d [N, C]: HW = 1), row-major f32,
// per-channel statistics over the M = N*HW values of a channel, as torch.nn.BatchNorm2d/1d.
//   training: stats -> finalize -> apply      (finalize updates the running statistics in place)
//   eval:     eval_stats -> apply
//   backward: grad_stats -> grad_finalize -> grad_input
// Every pass over x is a grid (T / WG, C): invocation t of channel c covers the samples n = tn, tn + Tn, ...
// and, in each, one run of positions s (t = tn * Ts + ts). Reductions are two-pass: each invocation reduces its
// values serially into one partial, then one workgroup per channel joins the T partials after one barrier.
// CHUNKED runs are contiguous (ts * L .. ts * L + L): fastest on software adapters (lavapipe), where barriers
// are costly and each invocation streams thousands of values. Otherwise runs interleave (s = ts, ts + Ts, ...)
// so neighbouring invocations read neighbouring values, as real GPUs want. finalize / eval_stats /
// grad_finalize also write per-channel coefficients (coef [C] vec4f), so the elementwise passes read one vec4
// per run. Test: test/ops/batchnorm.test.ts.

struct Params {
  C: u32,
  HW: u32,
  N: u32,
  Ts: u32, // runs per sample plane
  Tn: u32, // sample strides
  L: u32, // run length (CHUNKED)
  momentum: f32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;

override WG: u32 = 64;
override CHUNKED: bool = true;

// One invocation's share of a channel: samples first_n, first_n + Tn, ... and positions lo .. hi step `step`.
struct Run {
  first_n: u32,
  lo: u32,
  hi: u32,
  step: u32,
}

fn run_of(t: u32) -> Run {
  let ts = t % params.Ts;
  let first_n = t / params.Ts;
  if (CHUNKED) {
    let lo = min(ts * params.L, params.HW);
    return Run(first_n, lo, min(lo + params.L, params.HW), 1u);
  }
  return Run(first_n, ts, params.HW, params.Ts);
}

fn runs_per_channel() -> u32 {
  return params.Ts * params.Tn;
}

// How many values run t covers; the op module keeps every run non-empty.
fn run_count(t: u32) -> f32 {
  let r = run_of(t);
  let samples = (params.N - r.first_n + params.Tn - 1u) / params.Tn;
  return f32(samples * ((r.hi - r.lo + r.step - 1u) / r.step));
}

fn plane(n: u32, c: u32) -> u32 {
  return (n * params.C + c) * params.HW;
}

// ---- stats: x -> partials [C, T] of (mean, M2 = sum of squared deviations) over each run.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<vec2f>;

@compute @workgroup_size(WG)
fn stats(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  let c = gid.y;
  if (t >= runs_per_channel()) { return; }
  let r = run_of(t);
  // Sums of deviations from the run's first value: no catastrophic cancellation for offset data. Per-plane
  // subtotals keep f32 rounding growing with the plane's run, not the whole run.
  let shift = x[plane(r.first_n, c) + r.lo];
  var sums = vec2f(0.0);
  for (var n = r.first_n; n < params.N; n += params.Tn) {
    let base = plane(n, c);
    var sub = vec2f(0.0);
    for (var s = r.lo; s < r.hi; s += r.step) {
      let d = x[base + s] - shift;
      sub += vec2f(d, d * d);
    }
    sums += sub;
  }
  let mean_d = sums.x / run_count(t);
  partials[c * runs_per_channel() + t] = vec2f(shift + mean_d, max(sums.y - sums.x * mean_d, 0.0));
}

// ---- finalize: partials, gamma, beta -> mean, invStd, coef; running statistics updated in place.
@group(0) @binding(1) var<storage, read> partials_in: array<vec2f>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> running_mean: array<f32>;
@group(0) @binding(5) var<storage, read_write> running_var: array<f32>;
@group(0) @binding(6) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(7) var<storage, read_write> inv_std_out: array<f32>;
@group(0) @binding(8) var<storage, read_write> coef: array<vec4f>;

var<workgroup> joined: array<vec3f, WG>;

// Chan et al.'s pairwise update of (count, mean, M2).
fn chan(a: vec3f, b: vec3f) -> vec3f {
  if (a.x == 0.0) { return b; }
  let n = a.x + b.x;
  let delta = b.y - a.y;
  return vec3f(n, a.y + delta * (b.x / n), a.z + b.z + delta * delta * (a.x * b.x / n));
}

@compute @workgroup_size(WG)
fn finalize(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let c = wid.x;
  let T = runs_per_channel();
  var acc = vec3f(0.0);
  for (var t = lid; t < T; t += WG) {
    acc = chan(acc, vec3f(run_count(t), partials_in[c * T + t]));
  }
  joined[lid] = acc;
  workgroupBarrier();
  if (lid != 0u) { return; }
  for (var j = 1u; j < WG; j++) { acc = chan(acc, joined[j]); }
  let m = f32(params.N * params.HW);
  let inv_std = inverseSqrt(acc.z / m + params.eps);
  mean_out[c] = acc.y;
  inv_std_out[c] = inv_std;
  coef[c] = vec4f(acc.y, inv_std * gamma[c], beta[c], 0.0);
  // PyTorch keeps the unbiased variance in the running statistics.
  let k = params.momentum;
  running_mean[c] = (1.0 - k) * running_mean[c] + k * acc.y;
  running_var[c] = (1.0 - k) * running_var[c] + k * acc.z / (m - 1.0);
}

// ---- eval_stats: running statistics, gamma, beta -> mean, invStd, coef (one invocation per channel).
@group(0) @binding(1) var<storage, read> eval_mean: array<f32>;
@group(0) @binding(2) var<storage, read> eval_var: array<f32>;
@group(0) @binding(3) var<storage, read> eval_gamma: array<f32>;
@group(0) @binding(4) var<storage, read> eval_beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> eval_mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> eval_inv_std_out: array<f32>;
@group(0) @binding(7) var<storage, read_write> eval_coef: array<vec4f>;

@compute @workgroup_size(WG)
fn eval_stats(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= params.C) { return; }
  let inv_std = inverseSqrt(eval_var[c] + params.eps);
  eval_mean_out[c] = eval_mean[c];
  eval_inv_std_out[c] = inv_std;
  eval_coef[c] = vec4f(eval_mean[c], inv_std * eval_gamma[c], eval_beta[c], 0.0);
}

// ---- apply: y = (x - mean) * invStd * gamma + beta, coef = (mean, invStd * gamma, beta, -).
@group(0) @binding(2) var<storage, read> apply_coef: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  let c = gid.y;
  if (t >= runs_per_channel()) { return; }
  let k = apply_coef[c];
  let r = run_of(t);
  for (var n = r.first_n; n < params.N; n += params.Tn) {
    let base = plane(n, c);
    for (var s = r.lo; s < r.hi; s += r.step) {
      y[base + s] = (x[base + s] - k.x) * k.y + k.z;
    }
  }
}

// ---- grad_stats: x, dy, mean -> partials [C, T] of (sum dy, sum dy * (x - mean)).
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> grad_mean: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad_partials: array<vec2f>;

@compute @workgroup_size(WG)
fn grad_stats(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  let c = gid.y;
  if (t >= runs_per_channel()) { return; }
  let mean = grad_mean[c];
  let r = run_of(t);
  var acc = vec2f(0.0);
  for (var n = r.first_n; n < params.N; n += params.Tn) {
    let base = plane(n, c);
    var sub = vec2f(0.0);
    for (var s = r.lo; s < r.hi; s += r.step) {
      let g = dy[base + s];
      sub += vec2f(g, g * (x[base + s] - mean));
    }
    acc += sub;
  }
  grad_partials[c * runs_per_channel() + t] = acc;
}

// ---- grad_finalize: partials, mean, invStd, gamma -> dgamma, dbeta, coef for grad_input.
//   dx = gamma * invStd * (dy - dbeta / M - xhat * dgamma / M), xhat = (x - mean) * invStd
//      = A * dy + B * (x - mean) + D, coef = (A, B, D, mean).
@group(0) @binding(2) var<storage, read> gf_mean: array<f32>;
@group(0) @binding(3) var<storage, read> gf_inv_std: array<f32>;
@group(0) @binding(4) var<storage, read> gf_gamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbeta: array<f32>;
@group(0) @binding(7) var<storage, read_write> gf_coef: array<vec4f>;

var<workgroup> sums: array<vec2f, WG>;

@compute @workgroup_size(WG)
fn grad_finalize(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let c = wid.x;
  let T = runs_per_channel();
  var acc = vec2f(0.0);
  for (var t = lid; t < T; t += WG) { acc += partials_in[c * T + t]; }
  sums[lid] = acc;
  workgroupBarrier();
  if (lid != 0u) { return; }
  for (var j = 1u; j < WG; j++) { acc += sums[j]; }
  let inv_std = gf_inv_std[c];
  let dg = acc.y * inv_std;
  dgamma[c] = dg;
  dbeta[c] = acc.x;
  let m = f32(params.N * params.HW);
  let a = gf_gamma[c] * inv_std;
  gf_coef[c] = vec4f(a, -a * inv_std * dg / m, -a * acc.x / m, gf_mean[c]);
}

// ---- grad_input: x, dy, coef -> dx.
@group(0) @binding(3) var<storage, read> gi_coef: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn grad_input(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  let c = gid.y;
  if (t >= runs_per_channel()) { return; }
  let k = gi_coef[c];
  let r = run_of(t);
  for (var n = r.first_n; n < params.N; n += params.Tn) {
    let base = plane(n, c);
    for (var s = r.lo; s < r.hi; s += r.step) {
      dx[base + s] = k.x * dy[base + s] + k.y * (x[base + s] - k.w) + k.z;
    }
  }
}
