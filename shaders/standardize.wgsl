// Standardises a batch of feature windows x [N, C, T] (row-major f32; C bands, T frames) per band with the
// training set's statistics, and zeroes the padding after each window's valid frames:
//   y[n, c, t] = t < lengths[n] ? (x[n, c, t] - mean[c]) * inv_std[c] : 0
// Zero is the standardised mean, so padded frames carry no level of their own. Input only: no backward.
// Test: test/ops/standardize.test.ts.

struct Params {
  N: u32,
  C: u32,
  T: u32,
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
  let c = (i / params.T) % params.C;
  let n = i / (params.T * params.C);
  y[i] = select(0.0, (x[i] - mean[c]) * inv_std[c], i32(t) < lengths[n]);
}
