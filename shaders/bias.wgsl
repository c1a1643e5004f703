// Bias gradient of a dense layer: db[col] = sum over rows of dy[row, col], dy row-major [rows, cols].
// One invocation per column: neighbouring invocations read neighbouring addresses of each row, and the
// sum runs in row order (deterministic). Test: test/ops/dense.test.ts.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn column_sum(@builtin(global_invocation_id) gid: vec3u) {
  let col = gid.x;
  if (col >= params.cols) { return; }
  var sum = 0.0;
  for (var row = 0u; row < params.rows; row++) {
    sum += dy[row * params.cols + col];
  }
  db[col] = sum;
}
