// Short-time Fourier transform of a batch of clips, as librosa.stft(center=True, pad_mode='constant'):
// frame t of a clip covers samples t*hop - n_fft/2 .. t*hop + n_fft/2 (zeros outside the clip), times the
// window, then a real FFT of n_fft = 2M points done as an M-point complex FFT of (x[2n] + i x[2n+1]) in
// workgroup memory followed by the real split.
//   samples: the clips packed one after another; clips[c] = (offset, length, frames, 0); clip c is divided by
//   levels[c] (its peak or RMS for normalisation, else 1; silence stays as is). Optional pre-emphasis as
//   librosa.effects.preemphasis.
//   power:   out [clips, M + 1, max_frames] = |X|^power (power 1 or 2)
//   mel:     out [clips, bands, max_frames] = mel_bank · |X|², the mel power spectrogram (then db.wgsl);
//            mel_bank [bands, M + 1] is dense, mel_ranges[b] = (first bin, end bin) of its non-zero weights.
// Frames t >= frames of their clip are written as 0. Grid: (max_frames / F, clips).
// FFT: in-place radix-2 decimation in time on bit-reversed input, 2^FIRST_LOG_RADIX points per butterfly
// group in the pass folded into the load, then radix-8 passes (three radix-2 stages in registers), the last
// fused with the real split, so a 512-point FFT stores to workgroup memory twice. F frames share a workgroup,
// T invocations per frame; element e of frame f lives at z[e * F + f]. With T = 1 (software adapters, where
// lavapipe runs 8 invocations in SIMD lanes and a barrier costs a coroutine switch) no barrier runs; real
// GPUs use T > 1. Test: test/features/stft.test.ts, test/features/pipeline.test.ts.

struct Params {
  hop: u32,
  max_frames: u32,
  bands: u32,
  power: f32,
  preemphasis: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> samples: array<f32>;
@group(0) @binding(2) var<storage, read> clips: array<vec4u>;
@group(0) @binding(3) var<storage, read> levels: array<f32>;
@group(0) @binding(4) var<storage, read> window: array<f32>;
// twiddles[k] = exp(-2πik / n_fft), k < M: W_N^k for the real split, W_2H^p = twiddles[p * M / H] for the passes.
@group(0) @binding(5) var<storage, read> twiddles: array<vec2f>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<storage, read> mel_bank: array<f32>;
@group(0) @binding(8) var<storage, read> mel_ranges: array<vec2u>;

override LOG_M: u32 = 9;
override F: u32 = 8; // frames per workgroup
override T: u32 = 1; // invocations per frame
override PREEMPHASIS: bool = false;
override M: u32 = 1u << LOG_M;
override FIRST_LOG_RADIX: u32 = LOG_M - 3u * ((LOG_M - 1u) / 3u); // 1..3, so the rest is whole radix-8 passes
override Z_LEN: u32 = M * F;

var<workgroup> z: array<vec2f, Z_LEN>;

fn cmul(a: vec2f, b: vec2f) -> vec2f {
  return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

// The radix-2 stages of one butterfly group: a[j] = element base + j*h of the half-transformed sequence,
// base mod h = k, for `log_radix` consecutive stages whose first has half-size h.
fn butterflies(a: ptr<function, array<vec2f, 8>>, log_radix: u32, h: u32, k: u32) {
  let n = 1u << log_radix;
  for (var q = 0u; q < 3u; q++) {
    if (q >= log_radix) { break; }
    let span = 1u << q;
    let stride = M / (span * h);
    for (var j = 0u; j < 8u; j++) {
      if (j < n && (j & span) == 0u) {
        let w = twiddles[(k + (j & (span - 1u)) * h) * stride];
        let u = (*a)[j];
        let v = cmul((*a)[j + span], w);
        (*a)[j] = u + v;
        (*a)[j + span] = u - v;
      }
    }
  }
}

// Sample `pos` of clip c (relative to its start), pre-emphasised and scaled; 0 outside the clip.
// Branch-free (clamped loads and selects): lavapipe compiles this inlined into the unrolled load loop.
fn sample(c: vec4u, gain: f32, pos: i32) -> f32 {
  let last = i32(c.y) - 1;
  let p = c.x + u32(clamp(pos, 0, last));
  var v = samples[p];
  if (PREEMPHASIS) {
    // librosa seeds lfilter's state with 2*y[0] - y[1] (not times -coef): y'[0] = 3*y[0] - y[1].
    let first = pos == 0;
    let other = samples[c.x + u32(clamp(select(pos - 1, 1, first), 0, last))];
    v = select(v - params.preemphasis * other, 3.0 * v - other, first);
  }
  return select(0.0, gain * v, pos >= 0 && pos <= last);
}

fn barrier_if_shared() {
  if (T > 1u) { workgroupBarrier(); }
}

// Transforms frame `frame` of clip `c` in z (frame slot f, thread t of T), all but the last radix-8 pass,
// which last_pass() fuses with the real split.
fn fft_frame(c: vec4u, gain: f32, frame: u32, f: u32, t: u32) {
  let start = i32(frame * params.hop) - i32(M);
  let n0 = 1u << FIRST_LOG_RADIX;
  for (var g = t * n0; g < M; g += T * n0) {
    var a: array<vec2f, 8>;
    for (var j = 0u; j < 8u; j++) {
      if (j < n0) {
        let i = reverseBits(g + j) >> (32u - LOG_M);
        let pos = start + i32(2u * i);
        a[j] = vec2f(sample(c, gain, pos) * window[2u * i], sample(c, gain, pos + 1) * window[2u * i + 1u]);
      }
    }
    butterflies(&a, FIRST_LOG_RADIX, 1u, 0u);
    for (var j = 0u; j < n0; j++) { z[(g + j) * F + f] = a[j]; }
  }
  for (var s = FIRST_LOG_RADIX; s < LOG_M - 3u; s += 3u) {
    barrier_if_shared();
    let h = 1u << s;
    for (var b = t; b < M / 8u; b += T) {
      let k = b & (h - 1u);
      let base = (b >> s) * 8u * h + k;
      var a: array<vec2f, 8>;
      for (var j = 0u; j < 8u; j++) { a[j] = z[(base + j * h) * F + f]; }
      butterflies(&a, 3u, h, k);
      for (var j = 0u; j < 8u; j++) { z[(base + j * h) * F + f] = a[j]; }
    }
  }
  barrier_if_shared();
}

// The last radix-8 pass (groups k0 + i·H, H = M/8) for groups k0 and H - k0, which hold each other's mirror
// elements M - e, fused with the real split: p[i] = (|X[e]|², |X[M-e]|²) for e = k0 + i·H, where
// X[e] = E + W^e·O, X[M-e] = conj(E - W^e·O), E = (Z[e] + conj Z[M-e]) / 2, O = -i (Z[e] - conj Z[M-e]) / 2.
// It reads only those two groups of z, so its caller may overwrite them with the powers.
fn last_pass(k0: u32, f: u32) -> array<vec2f, 8> {
  let h = M / 8u;
  let k1 = (h - k0) & (h - 1u);
  var a: array<vec2f, 8>;
  var b: array<vec2f, 8>;
  for (var i = 0u; i < 8u; i++) {
    a[i] = z[(k0 + i * h) * F + f];
    b[i] = z[(k1 + i * h) * F + f];
  }
  butterflies(&a, 3u, h, k0);
  butterflies(&b, 3u, h, k1);
  var p: array<vec2f, 8>;
  for (var i = 0u; i < 8u; i++) {
    // M - e is element 7 - i of group k1, or (8 - i) mod 8 of group 0 when k0 = 0 (constant indices: registers).
    let zc = select(b[7u - i], b[(8u - i) & 7u], k0 == 0u);
    let zk = a[i];
    let e = 0.5 * vec2f(zk.x + zc.x, zk.y - zc.y);
    let o = 0.5 * vec2f(zk.y + zc.y, zc.x - zk.x);
    let wo = cmul(o, twiddles[k0 + i * h]);
    p[i] = vec2f(dot(e + wo, e + wo), dot(e - wo, e - wo));
  }
  return p;
}

struct Job {
  c: vec4u,
  gain: f32,
  frame: u32,
  f: u32,
  t: u32,
  live: bool, // a frame of the clip (else a padding frame: written as 0)
  stored: bool, // inside the output's frame axis
}

// True (for the whole workgroup) when all its frames pad the clip: they are written as 0 with no transform.
fn padding_only(wid: vec3u, lid: u32) -> bool {
  if (wid.x * F < clips[wid.y].z) { return false; }
  let frame = wid.x * F + lid / T;
  if (frame < params.max_frames) {
    for (var b = lid % T; b < params.bands; b += T) { out[(wid.y * params.bands + b) * params.max_frames + frame] = 0.0; }
  }
  return true;
}

fn job(wid: vec3u, lid: u32) -> Job {
  let c = clips[wid.y];
  let f = lid / T;
  let frame = wid.x * F + f;
  let level = levels[wid.y];
  // librosa.util.normalize leaves signals whose norm is below the smallest normal f32 unscaled.
  let gain = select(1.0, 1.0 / level, level >= 1.1754944e-38);
  return Job(c, gain, frame, f, lid % T, frame < c.z, frame < params.max_frames);
}

fn out_index(j: Job, clip: u32, band: u32) -> u32 {
  return (clip * params.bands + band) * params.max_frames + j.frame;
}

@compute @workgroup_size(F * T)
fn power(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  if (padding_only(wid, lid)) { return; }
  let j = job(wid, lid);
  fft_frame(j.c, j.gain, j.frame, j.f, j.t);
  if (!j.stored) { return; }
  let h = M / 8u;
  for (var k0 = j.t; k0 <= h / 2u; k0 += T) {
    let p = last_pass(k0, j.f);
    for (var i = 0u; i < 8u; i++) {
      var v = p[i];
      if (params.power == 1.0) { v = sqrt(v); }
      v = select(vec2f(0.0), v, j.live);
      let e = k0 + i * h;
      out[out_index(j, wid.y, e)] = v.x;
      out[out_index(j, wid.y, M - e)] = v.y;
    }
  }
}

@compute @workgroup_size(F * T)
fn mel(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  if (padding_only(wid, lid)) { return; }
  let j = job(wid, lid);
  fft_frame(j.c, j.gain, j.frame, j.f, j.t);
  // The power spectrum in place: P[e] in z[e].x for e < M, P[M] in z[0].y.
  let h = M / 8u;
  for (var k0 = j.t; k0 <= h / 2u; k0 += T) {
    let p = last_pass(k0, j.f);
    for (var i = 0u; i < 8u; i++) {
      let e = k0 + i * h;
      z[e * F + j.f].x = p[i].x;
      if (e == 0u) { z[j.f].y = p[i].y; } else { z[(M - e) * F + j.f].x = p[i].y; }
    }
  }
  barrier_if_shared();
  if (!j.stored) { return; }
  for (var b = j.t; b < params.bands; b += T) {
    let range = mel_ranges[b];
    let row = b * (M + 1u);
    var sum = 0.0;
    for (var k = range.x; k < min(range.y, M); k++) { sum += z[k * F + j.f].x * mel_bank[row + k]; }
    if (range.y > M) { sum += z[j.f].y * mel_bank[row + M]; }
    out[out_index(j, wid.y, b)] = select(0.0, sum, j.live);
  }
}
