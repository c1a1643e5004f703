// The complex STFT of packed clips and the inverse transform of spectra, for the phase vocoder
// (src/ops/phase-vocoder.ts), as librosa.stft(center=True, pad_mode='constant') and numpy's ifft. Each row of
// M complex values is transformed in workgroup memory: F rows per workgroup, T invocations per row
// (src/features/stft.ts's fftTiling: on lavapipe T = 1 and no barriers), by iterative radix-2 Cooley-Tukey
// from a bit-reversed load, with twiddles [M] vec2f = exp(-+pi i k / M) (the sign chooses the direction; the
// inverse is not divided by M).
//   stft:     spectra [N, max_frames, M] vec2f of frames z[c, t, e] = x[t hop - M/2 + e] w[e] (zero outside
//             the clip and for t >= frames_c); clips [N] vec4u = (offset, length, frames_c, 0).
//   fft_rows: the transform of each row of z_in [rows, M] vec2f.
// Test: test/ops/phase-vocoder.test.ts.

struct Params {
  hop: u32,
  max_frames: u32,
  n: u32, // complex elements: rows * M
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> twiddles: array<vec2f>;

override LOG_M: u32 = 9;
override F: u32 = 8; // rows per workgroup
override T: u32 = 1; // invocations per row

var<workgroup> rows_mem: array<vec2f, F << LOG_M>;

/** The radix-2 stages over the row held bit-reversed at rows_mem[base ..]; every invocation calls it. */
fn butterflies(base: u32, lane: u32, live: bool) {
  let m = 1u << LOG_M;
  for (var half = 1u; half < m; half <<= 1u) {
    if (T > 1u) { workgroupBarrier(); }
    if (live) {
      for (var b = lane; b < m / 2u; b += T) {
        let j = b % half;
        let i0 = (b / half) * 2u * half + j;
        let w = twiddles[j * (m / half)];
        let c = rows_mem[base + i0 + half];
        let t = vec2f(c.x * w.x - c.y * w.y, c.x * w.y + c.y * w.x);
        let a = rows_mem[base + i0];
        rows_mem[base + i0] = a + t;
        rows_mem[base + i0 + half] = a - t;
      }
    }
  }
  if (T > 1u) { workgroupBarrier(); }
}

fn bit_reversed(e: u32) -> u32 {
  return reverseBits(e) >> (32u - LOG_M);
}

// stft: bindings 1-5.
@group(0) @binding(2) var<storage, read> samples: array<f32>;
@group(0) @binding(3) var<storage, read> clips: array<vec4u>;
@group(0) @binding(4) var<storage, read> window: array<f32>;
@group(0) @binding(5) var<storage, read_write> spectra: array<vec2f>;

@compute @workgroup_size(F * T)
fn stft(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let m = 1u << LOG_M;
  let slot = lid / T;
  let lane = lid % T;
  let row = wid.x * F + slot; // c * max_frames + t
  let live = row * m < params.n;
  let base = slot * m;
  if (live) {
    let t = row % params.max_frames;
    let clip = clips[row / params.max_frames];
    for (var e = lane; e < m; e += T) {
      // Signed: the first frames start before the clip (centre padding).
      let pos = i32(t * params.hop + e) - i32(m / 2u);
      var v = 0.0;
      if (t < clip.z && pos >= 0 && pos < i32(clip.y)) { v = samples[clip.x + u32(pos)] * window[e]; }
      rows_mem[base + bit_reversed(e)] = vec2f(v, 0.0);
    }
  }
  butterflies(base, lane, live);
  if (live) {
    for (var e = lane; e < m; e += T) { spectra[row * m + e] = rows_mem[base + e]; }
  }
}

// fft_rows: bindings 1-3.
@group(0) @binding(2) var<storage, read> z_in: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> z_out: array<vec2f>;

@compute @workgroup_size(F * T)
fn fft_rows(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let m = 1u << LOG_M;
  let slot = lid / T;
  let lane = lid % T;
  let row = wid.x * F + slot;
  let live = row * m < params.n;
  let base = slot * m;
  if (live) {
    for (var e = lane; e < m; e += T) { rows_mem[base + bit_reversed(e)] = z_in[row * m + e]; }
  }
  butterflies(base, lane, live);
  if (live) {
    for (var e = lane; e < m; e += T) { z_out[row * m + e] = rows_mem[base + e]; }
  }
}
