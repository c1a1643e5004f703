// The complex STFT of packed clips and the inverse transform of spectra, for the phase vocoder
// (src/ops/phase-vocoder.ts), as librosa.stft(center=True, pad_mode='constant') and numpy's ifft:
//   frames:    z [N, max_frames, M] vec2f: frame t of clip c, z[c, t, e] = (x[t hop - M/2 + e] w[e], 0),
//              zeros outside the clip and for t >= frames_c; clips [N] vec4u = (offset, length, frames_c, 0).
//   fft_stage: one radix-2 Stockham stage (sub-transforms of length `span` merge into 2 span), natural
//              order in and out, over rows of M complex values; twiddles [M] vec2f = exp(-+pi i k / M), the
//              table of src/features/stft.ts's gpu.js stage (the sign chooses forward or inverse; the inverse
//              is not divided by M). log2(M) stages,
//              span = 1, 2, .., M/2, ping-pong between two buffers.
// Test: test/ops/phase-vocoder.test.ts.

struct Params {
  hop: u32,
  m: u32,          // FFT size M
  max_frames: u32,
  n: u32,          // complex elements: N * max_frames * M
  span: u32,       // fft_stage
}

@group(0) @binding(0) var<uniform> params: Params;

override WG: u32 = 256;

fn flat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// frames: bindings 1-4.
@group(0) @binding(1) var<storage, read> samples: array<f32>;
@group(0) @binding(2) var<storage, read> clips: array<vec4u>;
@group(0) @binding(3) var<storage, read> window: array<f32>;
@group(0) @binding(4) var<storage, read_write> z: array<vec2f>;

@compute @workgroup_size(WG)
fn frames(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.n) { return; }
  let e = i % params.m;
  let slot = i / params.m;
  let t = slot % params.max_frames;
  let clip = clips[slot / params.max_frames];
  // Signed: the first frames start before the clip (centre padding).
  let pos = i32(t * params.hop + e) - i32(params.m / 2u);
  var v = 0.0;
  if (t < clip.z && pos >= 0 && pos < i32(clip.y)) { v = samples[clip.x + u32(pos)] * window[e]; }
  z[i] = vec2f(v, 0.0);
}

// fft_stage: bindings 1-3.
@group(0) @binding(1) var<storage, read> z_in: array<vec2f>;
@group(0) @binding(2) var<storage, read> twiddles: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> z_out: array<vec2f>;

@compute @workgroup_size(WG)
fn fft_stage(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.n) { return; }
  let m = params.m;
  let span = params.span;
  let e = i % m;
  let row = i - e;
  let j = e % span;
  let upper = (e / span) % 2u;
  let b = (e / (2u * span)) * span + j; // the butterfly's inputs: b and b + M/2
  let w = twiddles[j * (m / span)];
  let a = z_in[row + b];
  let c = z_in[row + b + m / 2u];
  let t = vec2f(c.x * w.x - c.y * w.y, c.x * w.y + c.y * w.x);
  z_out[i] = select(a + t, a - t, upper == 1u);
}
