// Batched matrix product C[b] = op(A[b]) · op(B[b]) (+ bias[col] when HAS_BIAS), op = identity or
// transpose (TRANS_A / TRANS_B).
//   A: [batch, M, K] (or [batch, K, M] when TRANS_A)   B: [batch, K, N] (or [batch, N, K] when TRANS_B)
//   C: [batch, M, N], row-major f32. A batch stride of 0 broadcasts that operand over the batch.
//   bias: [N], added to every row in the epilogue (a dense layer's forward), saving a pass over C.
// Each invocation accumulates a 4x4 register tile over the whole K loop and reads its operands straight
// from storage: on software adapters (lavapipe) workgroup barriers cost more than the reuse they buy,
// and on real GPUs the L1 cache serves the re-reads of neighbouring invocations.
// Used by dense layers (forward, grad-input, grad-weight). Test: test/ops/matmul.test.ts.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  strideA: u32, // elements between batch items of A (0 = broadcast)
  strideB: u32,
  accumulate: u32, // 1: C += product (gradient accumulation), 0: C = product
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>; // any read-only buffer when !HAS_BIAS

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override WG_X: u32 = 8;
override WG_Y: u32 = 8;

const TILE = 4u; // rows and columns of C per invocation

fn load_a(base: u32, row: u32, k: u32) -> f32 {
  if (row >= params.M) { return 0.0; }
  if (TRANS_A) { return a[base + k * params.M + row]; }
  return a[base + row * params.K + k];
}

fn load_b(base: u32, k: u32, col: u32) -> f32 {
  if (col >= params.N) { return 0.0; }
  if (TRANS_B) { return b[base + col * params.K + k]; }
  return b[base + k * params.N + col];
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row0 = gid.y * TILE;
  let col0 = gid.x * TILE;
  if (row0 >= params.M || col0 >= params.N) { return; }
  let batch = gid.z;
  let baseA = batch * params.strideA;
  let baseB = batch * params.strideB;
  var acc: array<vec4f, TILE>;
  for (var k = 0u; k < params.K; k++) {
    let bk = vec4f(load_b(baseB, k, col0), load_b(baseB, k, col0 + 1u), load_b(baseB, k, col0 + 2u), load_b(baseB, k, col0 + 3u));
    for (var r = 0u; r < TILE; r++) {
      acc[r] += load_a(baseA, row0 + r, k) * bk;
    }
  }
  let baseC = batch * params.M * params.N;
  for (var r = 0u; r < TILE; r++) {
    let row = row0 + r;
    if (row >= params.M) { break; }
    for (var j = 0u; j < TILE; j++) {
      let col = col0 + j;
      if (col < params.N) {
        let i = baseC + row * params.N + col;
        var v = select(0.0, c[i], params.accumulate == 1u) + acc[r][j];
        if (HAS_BIAS) { v += bias[col]; }
        c[i] = v;
      }
    }
  }
}
