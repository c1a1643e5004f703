// Polyphase FIR resampling of a batch of packed clips, as scipy.signal.resample_poly(x, up, down):
//   y[m] = Σ_i x[i] · taps[m·down + half_len - i·up], over the i that keep the tap index in 0 .. taps_len-1,
// clips[c] = (input offset, input length, output offset, output length). Only the taps of one phase are
// visited: about taps_len / up per output. Grid: (outputs / WG, clips). Test: test/features/resample.test.ts.

struct Params {
  up: u32,
  down: u32,
  half_len: u32,
  taps_len: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> clips: array<vec4u>;
@group(0) @binding(3) var<storage, read> taps: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let clip = clips[gid.y];
  let m = gid.x;
  if (m >= clip.w) { return; }
  let t = m * params.down + params.half_len; // tap index of input 0
  // Inputs i with 0 <= t - i·up < taps_len: i in (t - taps_len) / up < i <= t / up.
  let last = min(t / params.up, clip.y - 1u);
  var i = select(0u, (t - params.taps_len) / params.up + 1u, t >= params.taps_len);
  var sum = 0.0;
  for (; i <= last; i++) { sum += x[clip.x + i] * taps[t - i * params.up]; }
  out[clip.z + m] = sum;
}
