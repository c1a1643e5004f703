// Mixup (Zhang et al. 2018) of a feature batch x [N, S] (S = bands * max_frames, row-major f32) with a
// pairing perm [N] (u32, a permutation) and weights lambda [N] (f32), both drawn on the host per batch
// (src/ops/augment-mix.ts):
//   features: y[c, s] = lambda[c] x[c, s] + (1 - lambda[c]) x[perm[c], s]
//   soft_targets: t[c, k] = lambda[c] [labels[c] == k] + (1 - lambda[c]) [labels[perm[c]] == k], t [N, K] f32,
//             the soft targets of softmax_ce.wgsl's soft entry points.
// One invocation per output element. Test: test/ops/augment-mix.test.ts.

struct Params {
  n: u32,    // N * S (features) or N * K (targets)
  width: u32, // S or K
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> perm: array<u32>;
@group(0) @binding(2) var<storage, read> lambda: array<f32>;

override WG: u32 = 256;

// features: bindings 1-4.
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

// Large batches are dispatched as a 2-D grid (65,535 workgroups per dimension at most).
@compute @workgroup_size(WG)
fn features(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.n) { return; }
  let c = i / params.width;
  let s = i - c * params.width;
  let l = lambda[c];
  y[i] = l * x[i] + (1.0 - l) * x[perm[c] * params.width + s];
}

// soft_targets: bindings 1-4.
@group(0) @binding(3) var<storage, read> labels: array<i32>;
@group(0) @binding(4) var<storage, read_write> targets: array<f32>;

@compute @workgroup_size(WG)
fn soft_targets(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.n) { return; }
  let c = i / params.width;
  let k = i32(i - c * params.width);
  let l = lambda[c];
  targets[i] = select(0.0, l, labels[c] == k) + select(0.0, 1.0 - l, labels[perm[c]] == k);
}
