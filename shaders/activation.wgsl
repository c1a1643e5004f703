// Elementwise activations over flat f32 tensors of n elements (any layout), chosen by the KIND constant:
//   0 relu:       y = max(x, 0)                        dx = dy * (x > 0)
//   1 leaky_relu: y = x > 0 ? x : alpha * x            dx = x > 0 ? dy : dy * alpha
//   2 elu:        y = x > 0 ? x : alpha * (exp(x) - 1)  dx = x > 0 ? dy : dy * alpha * exp(x)
// The backward pass takes the forward input x, as PyTorch's leaky_relu and elu backward do.
// Test: test/ops/activation.test.ts.

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>; // forward only
@group(0) @binding(2) var<storage, read> dy: array<f32>; // backward only
@group(0) @binding(3) var<storage, read_write> dx: array<f32>; // backward only

override KIND: u32 = 0;
override WG: u32 = 256;

// Large tensors are dispatched as a 2-D grid (65,535 workgroups per dimension at most).
fn flat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// exp of the non-positive part only: the positive branch never needs it, and exp overflows there.
fn exp_nonpositive(v: f32) -> f32 {
  return exp(min(v, 0.0));
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.n) { return; }
  let v = x[i];
  var negative = 0.0;
  if (KIND == 1u) { negative = params.alpha * v; }
  if (KIND == 2u) { negative = params.alpha * (exp_nonpositive(v) - 1.0); }
  y[i] = select(negative, v, v > 0.0);
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.n) { return; }
  let g = dy[i];
  var negative = 0.0;
  if (KIND == 1u) { negative = g * params.alpha; }
  if (KIND == 2u) { negative = g * params.alpha * exp_nonpositive(x[i]); }
  dx[i] = select(negative, g, x[i] > 0.0);
}
