// Batched matrix product C[b] = op(A[b]) · op(B[b]) (+ bias[col] when HAS_BIAS), op = identity or
// transpose (TRANS_A / TRANS_B).
//   A: [batch, M, K] (or [batch, K, M] when TRANS_A)   B: [batch, K, N] (or [batch, N, K] when TRANS_B)
//   C: [batch, M, N], row-major f32. A batch stride of 0 broadcasts that operand over the batch.
//   bias: [N], added to every row in the epilogue (a dense layer's forward), saving a pass over C.
// Each invocation accumulates a TM x TN register tile over the whole K loop, reading operands straight
// from storage (no workgroup memory: lavapipe's barriers cost more than the reuse they buy). A workgroup
// covers TM rows, the same for all its invocations (A's loads hit one address), and WG * TN columns,
// invocation i taking columns i, i + WG, ... (neighbouring invocations read neighbouring addresses of B
// and C). Out-of-range rows and columns load clamped indices and are not stored: no branches in the K
// loop. Tile sizes per adapter and shape: src/ops/matmul.ts.
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
override WG: u32 = 64;
// The register tile; function-scope arrays need constant sizes, so they are sized for the largest tile.
override TM: u32 = 4; // <= MAX_TM
override TN: u32 = 4; // <= MAX_TN
const MAX_TM = 16u;
const MAX_TN = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row0 = wid.y * TM;
  let col0 = wid.x * WG * TN + lid;
  let baseA = wid.z * params.strideA;
  let baseB = wid.z * params.strideB;
  var rowA: array<u32, MAX_TM>; // offsets of A's rows (or columns, transposed)
  for (var r = 0u; r < TM; r++) {
    let row = min(row0 + r, params.M - 1u);
    rowA[r] = baseA + select(row * params.K, row, TRANS_A);
  }
  var colB: array<u32, MAX_TN>;
  for (var j = 0u; j < TN; j++) {
    let col = min(col0 + j * WG, params.N - 1u);
    colB[j] = baseB + select(col, col * params.K, TRANS_B);
  }
  let stepA = select(1u, params.M, TRANS_A); // distance between k and k + 1
  let stepB = select(params.N, 1u, TRANS_B);
  var acc: array<array<f32, MAX_TN>, MAX_TM>;
  for (var k = 0u; k < params.K; k++) {
    var bk: array<f32, MAX_TN>;
    for (var j = 0u; j < TN; j++) { bk[j] = b[colB[j] + k * stepB]; }
    for (var r = 0u; r < TM; r++) {
      let av = a[rowA[r] + k * stepA];
      for (var j = 0u; j < TN; j++) { acc[r][j] += av * bk[j]; }
    }
  }
  let baseC = wid.z * params.M * params.N;
  for (var r = 0u; r < TM; r++) {
    let row = row0 + r;
    for (var j = 0u; j < TN; j++) {
      let col = col0 + j * WG;
      if (row < params.M && col < params.N) {
        let i = baseC + row * params.N + col;
        var v = acc[r][j];
        if (params.accumulate == 1u) { v += c[i]; }
        if (HAS_BIAS) { v += bias[col]; }
        c[i] = v;
      }
    }
  }
}
