// The STFT of packed clips and the inverse transform of half spectra, for the phase vocoder
// (src/ops/phase-vocoder.ts), as librosa.stft(center=True, pad_mode='constant') and numpy's irfft. A real
// frame of M = 2H samples is transformed as the H-point complex sequence z[n] = x[2n] + i x[2n+1] and split:
//   X[k] = E[k] + W^k O[k],  E = (Z[k] + conj Z[H-k]) / 2,  O = (Z[k] - conj Z[H-k]) / 2i,  W = exp(-2 pi i / M),
// and back: Z'[k] = (X[k] + conj X[H-k]) + i (X[k] - conj X[H-k]) conj(W^k), whose inverse H-point transform
// is M (x[2n] + i x[2n+1]) (not divided by M). Each row is transformed in workgroup memory: F rows per
// workgroup, T invocations per row (src/features/stft.ts's fftTiling: on lavapipe T = 1 and no barriers),
// iterative radix-2 Cooley-Tukey from a bit-reversed load; twiddles [H] vec2f = W^k (stft) or conj W^k (irfft).
//   stft:  spectra [N, max_frames, H + 1] vec2f of frames x[c, t, e] = s[t hop - M/2 + e] w[e] (zero outside
//          the clip and for t >= frames_c); clips [N] vec4u = (offset, length, frames_c, 0).
//   irfft: frames [rows, M] f32 (times M) of half spectra [rows, H + 1] vec2f (imaginary parts of bins 0 and
//          H ignored, as numpy's irfft).
// Test: test/ops/phase-vocoder.test.ts.

struct Params {
  hop: u32,
  max_frames: u32,
  rows: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> twiddles: array<vec2f>;

override LOG_H: u32 = 8;
override F: u32 = 8; // rows per workgroup
override T: u32 = 1; // invocations per row

var<workgroup> rows_mem: array<vec2f, F << LOG_H>;

fn mul(a: vec2f, b: vec2f) -> vec2f {
  return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

fn conj(a: vec2f) -> vec2f {
  return vec2f(a.x, -a.y);
}

fn bit_reversed(e: u32) -> u32 {
  return reverseBits(e) >> (32u - LOG_H);
}

/** The radix-2 stages over the row held bit-reversed at rows_mem[base ..]; every invocation calls it. */
fn butterflies(base: u32, lane: u32, live: bool) {
  let h = 1u << LOG_H;
  for (var half = 1u; half < h; half <<= 1u) {
    if (T > 1u) { workgroupBarrier(); }
    if (live) {
      for (var b = lane; b < h / 2u; b += T) {
        let j = b % half;
        let i0 = (b / half) * 2u * half + j;
        let t = mul(rows_mem[base + i0 + half], twiddles[j * (h / half)]);
        let a = rows_mem[base + i0];
        rows_mem[base + i0] = a + t;
        rows_mem[base + i0 + half] = a - t;
      }
    }
  }
  if (T > 1u) { workgroupBarrier(); }
}

// stft: bindings 1-5.
@group(0) @binding(2) var<storage, read> samples: array<f32>;
@group(0) @binding(3) var<storage, read> clips: array<vec4u>;
@group(0) @binding(4) var<storage, read> window: array<f32>;
@group(0) @binding(5) var<storage, read_write> spectra: array<vec2f>;

@compute @workgroup_size(F * T)
fn stft(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let h = 1u << LOG_H;
  let slot = lid / T;
  let lane = lid % T;
  let row = wid.x * F + slot; // c * max_frames + t
  let live = row < params.rows;
  let base = slot * h;
  if (live) {
    let t = row % params.max_frames;
    let clip = clips[row / params.max_frames];
    for (var n = lane; n < h; n += T) {
      var v = vec2f(0.0);
      if (t < clip.z) {
        // Signed: the first frames start before the clip (centre padding).
        let pos = i32(t * params.hop + 2u * n) - i32(h);
        if (pos >= 0 && pos < i32(clip.y)) { v.x = samples[clip.x + u32(pos)] * window[2u * n]; }
        if (pos + 1 >= 0 && pos + 1 < i32(clip.y)) { v.y = samples[clip.x + u32(pos + 1)] * window[2u * n + 1u]; }
      }
      rows_mem[base + bit_reversed(n)] = v;
    }
  }
  butterflies(base, lane, live);
  if (live) {
    for (var k = lane; k <= h; k += T) {
      let zk = rows_mem[base + k % h];
      let zr = conj(rows_mem[base + (h - k) % h]);
      let even = 0.5 * (zk + zr);
      let odd = 0.5 * vec2f(zk.y - zr.y, zr.x - zk.x); // (zk - zr) / 2i
      let w = select(vec2f(-1.0, 0.0), twiddles[k % h], k < h);
      spectra[row * (h + 1u) + k] = even + mul(w, odd);
    }
  }
}

// irfft: bindings 1-3.
@group(0) @binding(2) var<storage, read> half_spectra: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> frames_out: array<f32>;

fn bin(row: u32, k: u32) -> vec2f {
  let h = 1u << LOG_H;
  let x = half_spectra[row * (h + 1u) + k];
  return select(x, vec2f(x.x, 0.0), k == 0u || k == h);
}

@compute @workgroup_size(F * T)
fn irfft(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let h = 1u << LOG_H;
  let slot = lid / T;
  let lane = lid % T;
  let row = wid.x * F + slot;
  let live = row < params.rows;
  let base = slot * h;
  if (live) {
    for (var k = lane; k < h; k += T) {
      let xk = bin(row, k);
      let xr = conj(bin(row, h - k));
      let odd = mul(xk - xr, twiddles[k]); // twiddles are conj W^k here
      rows_mem[base + bit_reversed(k)] = (xk + xr) + vec2f(-odd.y, odd.x);
    }
  }
  butterflies(base, lane, live);
  if (live) {
    for (var n = lane; n < h; n += T) {
      let v = rows_mem[base + n];
      frames_out[row * 2u * h + 2u * n] = v.x;
      frames_out[row * 2u * h + 2u * n + 1u] = v.y;
    }
  }
}
