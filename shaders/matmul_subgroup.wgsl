// Batched matrix product C[b] = op(A[b]) · op(B[b]) (+ bias[col] when HAS_BIAS), as shaders/matmul.wgsl
// computes it (same layouts, uniforms and bindings), tiled for software adapters whose subgroups have >= 8
// lanes (lavapipe), where an invocation is one SIMD lane and every load instruction runs once per lane,
// whatever its address:
//   A: [batch, M, K] (or [batch, K, M] when TRANS_A)   B: [batch, K, N] (or [batch, N, K] when TRANS_B)
//   C: [batch, M, N], row-major f32. A batch stride of 0 broadcasts that operand over the batch.
// A workgroup shares TM rows of A: at each k, lane l loads row l of each group of 8 rows and
// subgroupBroadcast hands the values to every lane (TM / 8 loads instead of TM). An invocation owns TV vec4s
// of 4 consecutive columns, WG vec4s apart, and reads each from B as one vec4 load where B's rows are
// 16-byte aligned and not transposed (B_VEC4; b4 is B again), else as 4 scalar loads. Out-of-range rows and
// columns load clamped indices and are not stored. Tile sizes: src/ops/matmul.ts. Test: test/ops/matmul.test.ts.
enable subgroups;

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
@group(0) @binding(5) var<storage, read> b4: array<vec4f>; // b, read as vec4s when B_VEC4

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override B_VEC4: bool = false; // !TRANS_B, N and strideB multiples of 4
override WG: u32 = 8;
// The register tile; function-scope arrays need constant sizes, so they are sized for the largest tile
// (measured best on lavapipe: larger tiles stop being unrolled, and their accumulators go to memory).
override TM: u32 = 16; // <= MAX_TM
override TV: u32 = 4; // <= MAX_TV
const MAX_TM = 16u;
const MAX_TV = 4u;
const MAX_GROUPS = MAX_TM / 8u;

// x of lanes 0..7, in every lane.
fn lanes8(x: f32) -> array<f32, 8> {
  return array<f32, 8>(subgroupBroadcast(x, 0u), subgroupBroadcast(x, 1u), subgroupBroadcast(x, 2u), subgroupBroadcast(x, 3u),
                       subgroupBroadcast(x, 4u), subgroupBroadcast(x, 5u), subgroupBroadcast(x, 6u), subgroupBroadcast(x, 7u));
}

// op(B)[k, 4 q .. 4 q + 3] of the batch item at `base`, columns past N clamped.
fn b_quad(base: u32, k: u32, q: u32) -> vec4f {
  if (B_VEC4) { return b4[base / 4u + k * (params.N / 4u) + q]; }
  var v: vec4f;
  for (var e = 0u; e < 4u; e++) {
    let col = min(4u * q + e, params.N - 1u);
    v[e] = b[base + select(k * params.N + col, col * params.K + k, TRANS_B)];
  }
  return v;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_invocation_id) lane: u32) {
  let row0 = wid.y * TM;
  let q0 = wid.x * WG * TV + lid; // the invocation's first vec4 of columns
  let baseA = wid.z * params.strideA;
  let baseB = wid.z * params.strideB;
  let quads = (params.N + 3u) / 4u;
  let groups = (TM + 7u) / 8u; // of 8 rows (a loop bound NIR unrolls, unlike g * 8 < TM)
  var rowA: array<u32, MAX_GROUPS>; // offset of the row this lane loads, per group of 8 rows
  for (var g = 0u; g < groups; g++) {
    let row = min(row0 + 8u * g + (lane & 7u), params.M - 1u);
    rowA[g] = baseA + select(row * params.K, row, TRANS_A);
  }
  var quad: array<u32, MAX_TV>;
  for (var j = 0u; j < TV; j++) { quad[j] = min(q0 + j * WG, quads - 1u); }
  let stepA = select(1u, params.M, TRANS_A); // distance between k and k + 1
  var acc: array<array<vec4f, MAX_TV>, MAX_TM>;
  for (var k = 0u; k < params.K; k++) {
    var bk: array<vec4f, MAX_TV>;
    for (var j = 0u; j < TV; j++) { bk[j] = b_quad(baseB, k, quad[j]); }
    var ak: array<array<f32, 8>, MAX_GROUPS>;
    for (var g = 0u; g < groups; g++) { ak[g] = lanes8(a[rowA[g] + k * stepA]); }
    for (var r = 0u; r < TM; r++) {
      for (var j = 0u; j < TV; j++) { acc[r][j] += ak[r / 8u][r % 8u] * bk[j]; }
    }
  }
  let baseC = wid.z * params.M * params.N;
  for (var r = 0u; r < TM; r++) {
    let row = row0 + r;
    for (var j = 0u; j < TV; j++) {
      for (var e = 0u; e < 4u; e++) {
        let col = 4u * (q0 + j * WG) + e;
        if (row < params.M && col < params.N) {
          let i = baseC + row * params.N + col;
          var v = acc[r][j][e];
          if (params.accumulate == 1u) { v += c[i]; }
          if (HAS_BIAS) { v += bias[col]; }
          c[i] = v;
        }
      }
    }
  }
}
