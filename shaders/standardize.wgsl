// Standardises a batch of feature windows per band with the training set's statistics, and zeroes the
// padding after each window's valid frames: x [N, C, T_in] (row-major f32; C bands) into y [N, C, T]:
//   y[n, c, t] = t < min(lengths[n], T_in) ? (x[n, c, t] - mean[c]) * inv_std[c] : 0
// T may differ from T_in, so features computed on the device at their own frame count (a batch of
// augmented waveforms) become the model's fixed-width windows in the same pass. Zero is the standardised
// mean, so padded frames carry no level of their own. Input only: no backward.
// Test: test/ops/standardize.test.ts.

struct Params {
  N: u32,
  C: u32,
  T: u32,
  T_in: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> lengths: array<i32>; // [N]
@group(0) @binding(3) var<storage, read> mean: array<f32>; // [C]
@group(0) @binding(4) var<storage, read> inv_std: array<f32>; // [C]
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.N * params.C * params.T) { return; }
  let t = i % params.T;
  let row = i / params.T; // n * C + c
  let c = row % params.C;
  let n = row / params.C;
  let valid = t < min(u32(max(lengths[n], 0)), params.T_in);
  // The read stays in bounds on invalid frames too: select evaluates both sides.
  let v = x[row * params.T_in + min(t, params.T_in - 1u)];
  y[i] = select(0.0, (v - mean[c]) * inv_std[c], valid);
}
