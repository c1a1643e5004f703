// SpecAugment masks (Park et al. 2019) on a feature batch x [N, bands, max_frames] (row-major f32) with
// frames [N] (u32) valid frames per clip; y [N, bands, max_frames]. Clip c gets F frequency masks and T time
// masks; mask m is [start, start + width) with, for draw index d = c * 2 (F + T) + 2 m,
//   width = bits(d) % (cap + 1),  start = bits(d + 1) % (size - width + 1),
// frequency masks (m < F): size = bands, cap = min(max_f, bands); time masks: size = frames[c],
// cap = min(max_t, frames[c]), so a time mask stays within the clip's valid frames. bits(i) = pcg(pcg(i) + key),
// pcg as src/ops/pcg-hash.ts, key from the host. Masked values become fill[c] (the clip's mean over its valid
// frames, or 0 with fill bound to anything and MEAN false); frames past frames[c] are copied (zeros).
// One invocation per element, each recomputing its clip's 2 (F + T) draws (a few hashes; no table).
// Test: test/ops/spec-augment.test.ts.

struct Params {
  key: u32,
  freq_masks: u32, // F
  time_masks: u32, // T
  max_f: u32,
  max_t: u32,
  bands: u32,
  max_frames: u32,
  n: u32,          // N * bands * max_frames
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> frames: array<u32>;
@group(0) @binding(3) var<storage, read> fill: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;
override MEAN: bool = false;

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn bits(i: u32) -> u32 {
  return pcg(pcg(i) + params.key);
}

/** Whether position p of an axis of `size` falls in the mask drawn at index d. */
fn in_mask(d: u32, p: u32, size: u32, cap: u32) -> bool {
  let width = bits(d) % (cap + 1u);
  let start = bits(d + 1u) % (size - width + 1u);
  return p >= start && p < start + width;
}

// Large batches are dispatched as a 2-D grid (65,535 workgroups per dimension at most).
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.n) { return; }
  let t = i % params.max_frames;
  let b = (i / params.max_frames) % params.bands;
  let c = i / (params.max_frames * params.bands);
  let valid = frames[c];
  var masked = false;
  if (t < valid) {
    let base = c * 2u * (params.freq_masks + params.time_masks);
    for (var m = 0u; m < params.freq_masks; m++) {
      masked = masked || in_mask(base + 2u * m, b, params.bands, min(params.max_f, params.bands));
    }
    let time_base = base + 2u * params.freq_masks;
    for (var m = 0u; m < params.time_masks; m++) {
      masked = masked || in_mask(time_base + 2u * m, t, valid, min(params.max_t, valid));
    }
  }
  var value = 0.0;
  if (MEAN) { value = fill[c]; }
  y[i] = select(x[i], value, masked);
}
