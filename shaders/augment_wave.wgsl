// Waveform augmentations of a packed clip batch (src/features/batch.ts ClipBatch): clip c is
// samples[clips[c].x .. clips[c].x + clips[c].y), clips [N] vec4u = (offset, length, 0, 0).
// Grid: (ceil(max length / WG), N); invocation (j, c) handles sample j of clip c.
//   noise:     noise[offset + j] = white or pink noise at packed index i = offset + j
//   add_noise: y = x + noise * rms_x[c] / rms_n[c] * 10^(-snr_c / 20), so the clip's SNR over its valid
//              samples is exactly snr_c (rms_x, rms_n [N] from src/features/reduce.ts over the same samples)
//   gain:      y = x * 10^(g_c / 20)
// Per-clip draws snr_c, g_c = low + (high - low) * u(clip_key, c). Every random number is a pure function of
// (key, index): u(key, i) = (pcg(pcg(i) + key) >> 8) / 2^24, pcg as src/ops/pcg-hash.ts (keys from the host).
//   white: Box-Muller, sqrt(-2 ln u1) cos(2 pi u2 - pi), u1 = (bits(key, 2i) >> 8 + 1) / 2^24 in (0, 1],
//          u2 = u(key, 2i + 1);
//   pink:  Voss-McCartney, sum over octaves k < 16 of (2 u(pcg(key + k), i >> k) - 1): rows held for 2^k
//          samples, whose spectra add up to ~1/f above rate / 2^16.
// Test: test/ops/augment-wave.test.ts.

struct Params {
  key: u32,      // per-sample noise stream
  clip_key: u32, // per-clip draws
  low: f32,      // dB
  high: f32,     // dB
}

@group(0) @binding(0) var<uniform> params: Params;

override WG: u32 = 256;
override PINK: bool = false;

const OCTAVES: u32 = 16u;
const INV_2_24: f32 = 1.0 / 16777216.0;
const PI: f32 = 3.14159265358979;
const LOG2_10_OVER_20: f32 = 0.16609640474436813; // log2(10) / 20: 10^(x/20) = exp2(x * this)

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn bits(key: u32, i: u32) -> u32 {
  return pcg(pcg(i) + key);
}

fn uniform01(key: u32, i: u32) -> f32 {
  return f32(bits(key, i) >> 8u) * INV_2_24;
}

fn clip_db(c: u32) -> f32 {
  return params.low + (params.high - params.low) * uniform01(params.clip_key, c);
}

fn noise_at(i: u32) -> f32 {
  if (PINK) {
    var sum = 0.0;
    for (var k = 0u; k < OCTAVES; k++) { sum += 2.0 * uniform01(pcg(params.key + k), i >> k) - 1.0; }
    return sum;
  }
  let u1 = (f32(bits(params.key, 2u * i) >> 8u) + 1.0) * INV_2_24;
  let u2 = uniform01(params.key, 2u * i + 1u);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2 - PI);
}

// noise: bindings 1-2.
@group(0) @binding(1) var<storage, read> clips_n: array<vec4u>;
@group(0) @binding(2) var<storage, read_write> noise_out: array<f32>;

@compute @workgroup_size(WG)
fn noise(@builtin(global_invocation_id) gid: vec3u) {
  let clip = clips_n[gid.y];
  if (gid.x >= clip.y) { return; }
  let i = clip.x + gid.x;
  noise_out[i] = noise_at(i);
}

// add_noise: bindings 1-6; gain: bindings 1-3.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> clips: array<vec4u>;
@group(0) @binding(3) var<storage, read> noise_in: array<f32>;
@group(0) @binding(4) var<storage, read> rms_x: array<f32>;
@group(0) @binding(5) var<storage, read> rms_n: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> y_gain: array<f32>;

@compute @workgroup_size(WG)
fn add_noise(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.y;
  let clip = clips[c];
  if (gid.x >= clip.y) { return; }
  let i = clip.x + gid.x;
  // A silent clip (rms_x = 0) stays silent: there is no power to be relative to.
  let rn = rms_n[c];
  let scale = select(0.0, rms_x[c] / rn * exp2(-clip_db(c) * LOG2_10_OVER_20), rn > 0.0);
  y[i] = x[i] + scale * noise_in[i];
}

@compute @workgroup_size(WG)
fn gain(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.y;
  let clip = clips[c];
  if (gid.x >= clip.y) { return; }
  let i = clip.x + gid.x;
  y_gain[i] = x[i] * exp2(clip_db(c) * LOG2_10_OVER_20);
}
