// Savitzky-Golay derivatives along frames, as librosa.feature.delta(width, order, mode='interp') per clip,
// stacked along bands: out [clips, pieces * bands, max_frames], piece p filtered by coeffs[p] (width taps):
//   out[c, p*bands + b, t] = Σ_j coeffs[p, j] · x[c, b, tc - h + j],  tc = clamp(t, h, frames[c] - 1 - h)
// with h = half, except h = 0 for piece 0 when IDENTITY_FIRST (coeffs[0, 0] = 1: the features themselves).
// polyorder = deriv makes the 'interp' edges equal the nearest full window's value, hence the clamp.
// Padding frames are written as 0. Test: test/features/delta.test.ts.

struct Params {
  bands: u32,
  max_frames: u32,
  pieces: u32,
  width: u32,
  half: u32,
  total: u32, // clips * pieces * bands * max_frames
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> frames: array<u32>;
@group(0) @binding(3) var<storage, read> coeffs: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override WG: u32 = 256u;
override IDENTITY_FIRST: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.total) { return; }
  let t = i % params.max_frames;
  let out_row = i / params.max_frames; // (c * pieces + p) * bands + b
  let b = out_row % params.bands;
  let p = (out_row / params.bands) % params.pieces;
  let c = out_row / (params.bands * params.pieces);
  let n = frames[c];
  var sum = 0.0;
  if (t < n) {
    let h = select(params.half, 0u, IDENTITY_FIRST && p == 0u);
    let first = (c * params.bands + b) * params.max_frames + min(max(t, h), n - 1u - h) - h;
    for (var j = 0u; j <= 2u * h; j++) { sum += coeffs[p * params.width + j] * x[first + j]; }
  }
  out[i] = sum;
}
