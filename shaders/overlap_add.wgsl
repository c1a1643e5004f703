// Inverse STFT by weighted overlap-add, as librosa.istft(center=True, window, length): frames zt
// [N, max_frames, M] f32 (inverse FFTs, not divided by M: augment_fft.wgsl's irfft), clips [N] vec4u =
// (output offset, output length L_c, frames used n_c, 0), window w [M]. Output sample n of clip c, at
// position p = n + M/2 of the centre-padded signal:
//   y[n] = sum_t w[p - t hop] zt[t, p - t hop] / M  /  env,  env = sum_t w[p - t hop]^2,
// over frames t < n_c with 0 <= p - t hop < M; samples where env <= f32 tiny keep the plain sum (librosa).
// Grid: (ceil(max L / WG), N). Test: test/ops/phase-vocoder.test.ts.

struct Params {
  hop: u32,
  m: u32,
  max_frames: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> zt: array<f32>;
@group(0) @binding(2) var<storage, read> clips: array<vec4u>;
@group(0) @binding(3) var<storage, read> window: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

const TINY: f32 = 1.1754944e-38;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.y;
  let clip = clips[c];
  let n = gid.x;
  if (n >= clip.y) { return; }
  let m = params.m;
  let p = n + m / 2u;
  // Frames t with p - t hop < M, i.e. t > (p - M) / hop, up to p / hop.
  let first = select(0u, (p - m) / params.hop + 1u, p >= m);
  let last = min(p / params.hop + 1u, clip.z);
  var sum = 0.0;
  var env = 0.0;
  for (var t = first; t < last; t++) {
    let e = p - t * params.hop;
    let w = window[e];
    sum += w * zt[(c * params.max_frames + t) * m + e];
    env += w * w;
  }
  sum /= f32(m);
  y[clip.x + n] = select(sum, sum / env, env > TINY);
}
