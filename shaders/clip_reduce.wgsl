// One number per clip from a strided region of a batch tensor: clip c reduces the values
// data[r.x + row * row_stride + col], row < r.y, col < r.z, with r = regions[c] (base, rows, cols, 0).
//   OP 0: max         (power_to_db's ref=np.max and top_db floor, over the clip's frames of a spectrogram)
//   OP 1: max |x|     (peak level, librosa.util.normalize)
//   OP 2: sqrt(mean x²) (RMS level)
//   OP 3: mean x       (SpecAugment's mask value, the clip's mean feature)
// One workgroup per clip: each invocation reduces a strided share serially, then a tree over workgroup
// memory (log2(WG) barriers per clip, negligible beside the serial part). Test: test/features/db.test.ts.

struct Params {
  row_stride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read> regions: array<vec4u>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override OP: u32 = 0u;
override WG: u32 = 64u;

var<workgroup> partial: array<f32, WG>;

fn combine(a: f32, b: f32) -> f32 {
  if (OP >= 2u) { return a + b; }
  return max(a, b);
}

fn term(x: f32) -> f32 {
  if (OP == 0u) { return x; }
  if (OP == 1u) { return abs(x); }
  if (OP == 3u) { return x; }
  return x * x;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = regions[wid.x];
  var acc = select(0.0, -3.4028234e38, OP == 0u); // -f32 max
  for (var row = 0u; row < r.y; row++) {
    let base = r.x + row * params.row_stride;
    for (var col = lid; col < r.z; col += WG) { acc = combine(acc, term(data[base + col])); }
  }
  partial[lid] = acc;
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) { partial[lid] = combine(partial[lid], partial[lid + s]); }
  }
  if (lid == 0u) {
    let mean = partial[0] / f32(max(1u, r.y * r.z));
    out[wid.x] = select(select(partial[0], mean, OP == 3u), sqrt(mean), OP == 2u);
  }
}
