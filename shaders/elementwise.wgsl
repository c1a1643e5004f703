// Elementwise arithmetic over flat f32 tensors of equal length n.
//   add: out = a + b    mul: out = a * b    scale_add: out = a + alpha * b
// Layout: any; the tensors are flat. Test: test/ops/elementwise.test.ts.

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32 = 256;

// Large tensors are dispatched as a 2-D grid (65,535 workgroups per dimension at most).
fn flat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i < params.n) { out[i] = a[i] + b[i]; }
}

@compute @workgroup_size(WG)
fn mul(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i < params.n) { out[i] = a[i] * b[i]; }
}

@compute @workgroup_size(WG)
fn scale_add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i < params.n) { out[i] = a[i] + params.alpha * b[i]; }
}
