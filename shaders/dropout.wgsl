// Inverted dropout over flat f32 tensors of n elements (any layout):
//   mask[i] = keep(i) ? scale : 0,   y[i] = x[i] * mask[i],   scale = 1 / (1 - p) (from the host, as f32).
// keep(i) is a pure function of (seed, i), computed bit for bit alike on the host for the CPU backend
// (src/ops/dropout.ts): h = pcg(pcg(i) + key) with key = pcg(seed) (from the host), keep iff
// (h >> 8) >= threshold, threshold = round(p * 2^24). pcg is the PCG-RXS-M-XS hash of Jarzynski and Olano,
// "Hash Functions for GPU Rendering" (JCGT 2020). The backward pass is dx = dy * mask (elementwise mul).
// Test: test/ops/dropout.test.ts.

struct Params {
  n: u32,
  key: u32,
  threshold: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;

override WG: u32 = 256;

// Large tensors are dispatched as a 2-D grid (65,535 workgroups per dimension at most).
fn flat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.n) { return; }
  let keep = (pcg(pcg(i) + params.key) >> 8u) >= params.threshold;
  let m = select(0.0, params.scale, keep);
  mask[i] = m;
  y[i] = x[i] * m;
}
