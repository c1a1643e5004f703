// Phase-vocoder time stretch of complex spectra, as librosa.phase_vocoder(D, rate, hop_length):
//   z  [N, max_frames, M/2 + 1] vec2f: half spectra of clip c's frames 0 .. frames_c - 1 (augment_fft.wgsl);
//   zs [N, max_out, M/2 + 1] vec2f: the stretched spectra, frames 0 .. out_c - 1, zeros after them, bins 0
//      and M/2 real;
//   clips [N] vec4u = (frames_c, out_c, q_c, 0): clip c's rate is q_c / 2^16 (q < 2^18), so output frame t
//      reads input position t q / 2^16 exactly: frame f = (t q) >> 16, alpha = ((t q) & 0xffff) / 2^16.
// Output frame t, bin k: |D[f]| (1 - alpha) + |D[f+1]| alpha with phase phi_t, phi_0 = angle(D[0]),
// phi_{t+1} = phi_t + adv_k + princarg(angle(D[f+1]) - angle(D[f]) - adv_k), adv_k = 2 pi k hop / M; frames
// past the clip's last are zero (librosa pads two). Unlike librosa the phase is kept in [-pi, pi) (and
// adv_k reduced mod 2 pi in integers), so f32 does not lose it as it grows. One invocation per (bin, clip)
// walks the output frames in order (the phase is a running sum). Test: test/ops/phase-vocoder.test.ts.

struct Params {
  m: u32,
  hop: u32,
  max_frames: u32,
  max_out: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> z: array<vec2f>;
@group(0) @binding(2) var<storage, read> clips: array<vec4u>;
@group(0) @binding(3) var<storage, read_write> zs: array<vec2f>;

override WG: u32 = 64;

const TWO_PI: f32 = 6.283185307179586;

fn princarg(x: f32) -> f32 {
  return x - TWO_PI * round(x / TWO_PI);
}

fn angle(v: vec2f) -> f32 {
  if (v.x == 0.0 && v.y == 0.0) { return 0.0; }
  return atan2(v.y, v.x);
}

fn column(c: u32, f: u32, k: u32, frames: u32) -> vec2f {
  if (f >= frames) { return vec2f(0.0); }
  return z[(c * params.max_frames + f) * (params.m / 2u + 1u) + k];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let k = gid.x;
  let c = gid.y;
  let m = params.m;
  if (k > m / 2u) { return; }
  let clip = clips[c];
  let adv = TWO_PI * f32((k * params.hop) % m) / f32(m);
  var phase = angle(column(c, 0u, k, clip.x));
  for (var t = 0u; t < params.max_out; t++) {
    var out = vec2f(0.0);
    if (t < clip.y) {
      let pos = t * clip.z;
      let f = pos >> 16u;
      let alpha = f32(pos & 0xffffu) / 65536.0;
      let d0 = column(c, f, k, clip.x);
      let d1 = column(c, f + 1u, k, clip.x);
      let mag = (1.0 - alpha) * length(d0) + alpha * length(d1);
      out = mag * vec2f(cos(phase), sin(phase));
      phase = princarg(phase + adv + princarg(angle(d1) - angle(d0) - adv));
    }
    zs[(c * params.max_out + t) * (m / 2u + 1u) + k] = select(out, vec2f(out.x, 0.0), k == 0u || k == m / 2u);
  }
}
