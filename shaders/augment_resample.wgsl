// Band-limited resampling of packed clips, each by its own ratio r_c = q_c / 2^16 (output rate / input
// rate), as a windowed-sinc interpolator (resampy's design, with Kaiser-windowed sinc taps):
//   y[m] = sum_j x[j] g f(g (m / r - j)),  g = min(1, r),  f(u) = rolloff sinc(rolloff u) kaiser(u / Z),
// for m < valid_c (ceil(input length * r), librosa.resample's length), zeros for valid_c <= m < L_c (fix_length).
// f is tabulated at u = i / P, i = 0 .. Z P (table [Z P + 2], the last entries 0), and read with linear
// interpolation. m / r = m 2^16 / q is split into an exact integer part and a fraction by long division in
// u32 (f32 alone would lose the fraction for m > 2^12). clips [2N] vec4u: row 2c = (input offset, input
// length, output offset, L_c), row 2c + 1 = (q_c, valid_c, 0, 0). Grid (ceil(max L / WG), N).
// Test: test/ops/augment-resample.test.ts.

struct Params {
  zeros: u32,     // Z
  per_zero: u32, // P
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> clips: array<vec4u>;
@group(0) @binding(3) var<storage, read> table: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32 = 64;

fn filter_at(u: f32) -> f32 {
  let s = abs(u) * f32(params.per_zero);
  let i = u32(s);
  if (i >= params.zeros * params.per_zero) { return 0.0; }
  let frac = s - f32(i);
  return table[i] + frac * (table[i + 1u] - table[i]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.y;
  let io = clips[2u * c];
  let extra = clips[2u * c + 1u];
  let m = gid.x;
  if (m >= io.w) { return; }
  if (m >= extra.y) {
    y[io.z + m] = 0.0;
    return;
  }
  let q = extra.x;
  // floor(m 2^16 / q) and its remainder, 8 bits at a time (q < 2^18, so remainder << 8 < 2^26).
  let a = m / q;
  let r1 = m % q;
  let b = (r1 << 8u) / q;
  let r2 = (r1 << 8u) % q;
  let d = (r2 << 8u) / q;
  let r3 = (r2 << 8u) % q;
  let centre = i32((a << 16u) + (b << 8u) + d);
  let frac = f32(r3) / f32(q);
  let g = min(1.0, f32(q) / 65536.0);
  let reach = i32(ceil(f32(params.zeros) / g));
  let first = max(0, centre - reach);
  let last = min(i32(io.y) - 1, centre + reach);
  var sum = 0.0;
  for (var j = first; j <= last; j++) {
    sum += x[io.x + u32(j)] * filter_at(g * (f32(centre - j) + frac));
  }
  y[io.z + m] = g * sum;
}
