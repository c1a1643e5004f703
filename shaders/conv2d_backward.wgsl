// Conv2d weight and bias gradients, NCHW f32, groups = 1, as split-K implicit GEMMs:
//   dw[o, c, kh, kw] = sum_{n, oh, ow} dy[n, o, oh, ow] * x[n, c, oh*SH - padH + kh*DH, ow*SW - padW + kw*DW]
//   db[o]            = sum_{n, oh, ow} dy[n, o, oh, ow]
// The reduction over (n, oh) rows is long (N*OH*OW terms) and is split into chunks: each chunk writes a
// partial sum to `partial` [chunks, O, taps] and `reduce_chunks` adds them up, so no atomics are needed and
// the work spreads over many workgroups even when O * C*KH*KW is small. Two weight kernels (src/ops/conv2d.ts
// chooses): weight_grad reads x and dy as they are, bounds checked; weight_grad_padded (software adapters,
// stride 1) reads zero-padded copies as vec4s. Test: test/ops/conv2d.test.ts.
enable subgroups;

struct Params {
  C: u32, O: u32,
  H: u32, W: u32,
  OH: u32, OW: u32,
  padH: u32, padW: u32,
  rows: u32, // N * OH
  rowsPerChunk: u32,
  taps: u32, // C * KH * KW
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;

override KH: u32 = 3;
override KW: u32 = 3;
override SH: u32 = 1;
override SW: u32 = 1;
override DH: u32 = 1;
override DW: u32 = 1;
override WG: u32 = 64;
override TO: u32 = 2; // output channels per invocation, <= TO_MAX, WG apart
override TG: u32 = 2; // groups of 8 taps per workgroup, <= TG_MAX

const TO_MAX = 4u;
const TG_MAX = 4u;

// Lanes run over output channels; the taps (c, kh, kw) are shared by the workgroup. On lavapipe every load in
// a loop runs once per SIMD lane, so lane j of a subgroup loads the input value of tap j and
// subgroupBroadcast hands it to the others: one load per 8 taps instead of 8.
@compute @workgroup_size(WG)
fn weight_grad(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u,
               @builtin(subgroup_invocation_id) lane: u32) {
  let plane = P.H * P.W;
  let outPlane = P.OH * P.OW;
  let t0 = wid.x * TG * 8u;
  var tapPlane: array<u32, TG_MAX>;
  var tapRow: array<i32, TG_MAX>;
  var tapCol: array<i32, TG_MAX>;
  for (var q = 0u; q < TG; q++) {
    let t = min(t0 + q * 8u + (lane & 7u), P.taps - 1u);
    tapPlane[q] = (t / (KH * KW)) * plane;
    tapRow[q] = i32((t / KW) % KH * DH) - i32(P.padH);
    tapCol[q] = i32(t % KW * DW) - i32(P.padW);
  }
  var dyPlane: array<u32, TO_MAX>;
  for (var j = 0u; j < TO; j++) { dyPlane[j] = min(wid.z * WG * TO + j * WG + lid.x, P.O - 1u) * outPlane; }

  var acc: array<array<vec4f, 2 * TG_MAX>, TO_MAX>;
  let row1 = min((wid.y + 1u) * P.rowsPerChunk, P.rows);
  for (var row = wid.y * P.rowsPerChunk; row < row1; row++) {
    let n = row / P.OH;
    let oh = row % P.OH;
    var rowBase: array<i32, TG_MAX>;
    var rowOk: array<bool, TG_MAX>;
    for (var q = 0u; q < TG; q++) {
      let ih = i32(oh * SH) + tapRow[q];
      rowOk[q] = ih >= 0 && ih < i32(P.H);
      rowBase[q] = i32(n * P.C * plane + tapPlane[q]) + ih * i32(P.W);
    }
    let dyRow = n * P.O * outPlane + oh * P.OW;
    for (var ow = 0u; ow < P.OW; ow++) {
      var g: array<f32, TO_MAX>;
      for (var j = 0u; j < TO; j++) { g[j] = dy[dyRow + dyPlane[j] + ow]; }
      for (var q = 0u; q < TG; q++) {
        let iw = i32(ow * SW) + tapCol[q];
        let ok = rowOk[q] && iw >= 0 && iw < i32(P.W);
        let xl = select(0.0, x[u32(select(0, rowBase[q] + iw, ok))], ok);
        let x0 = vec4f(subgroupBroadcast(xl, 0u), subgroupBroadcast(xl, 1u), subgroupBroadcast(xl, 2u), subgroupBroadcast(xl, 3u));
        let x1 = vec4f(subgroupBroadcast(xl, 4u), subgroupBroadcast(xl, 5u), subgroupBroadcast(xl, 6u), subgroupBroadcast(xl, 7u));
        for (var j = 0u; j < TO; j++) {
          acc[j][2u * q] += g[j] * x0;
          acc[j][2u * q + 1u] += g[j] * x1;
        }
      }
    }
  }

  for (var j = 0u; j < TO; j++) {
    let o = wid.z * WG * TO + j * WG + lid.x;
    if (o >= P.O) { break; }
    let base = (wid.y * P.O + o) * P.taps;
    for (var k = 0u; k < TG * 8u; k++) {
      if (t0 + k < P.taps) { partial[base + t0 + k] = acc[j][k / 4u][k % 4u]; }
    }
  }
}

struct PaddedParams {
  C: u32, O: u32,
  Hp: u32, quadsX: u32, // rows and vec4s per row of a plane of xPadded
  OH: u32, quadsDy: u32, // rows and vec4s per row of a plane of dyPadded
  rows: u32, // N * OH
  rowsPerChunk: u32,
  tapRows: u32, // C * KH
}

@group(0) @binding(0) var<uniform> PW: PaddedParams;
@group(0) @binding(1) var<storage, read> xPadded: array<vec4f>; // x padded by (padH, padW), rows 4-aligned
@group(0) @binding(2) var<storage, read> dyPadded: array<vec4f>; // dy, rows zero-padded to 4-aligned
@group(0) @binding(3) var<storage, read_write> paddedPartial: array<f32>; // [chunks, O, taps]

const TAP_ROWS = 8u; // weight_grad_padded: (c, kh) rows of taps per workgroup, TAP_ROWS * WINQ <= 16
const KW_MAX = 5u;
override WINQ: u32 = 2; // weight_grad_padded: vec4s of x one run of 4 pixels reads per tap row

// v of lanes 0..7, in every lane.
fn lanes8(v: f32) -> array<f32, 8> {
  return array<f32, 8>(subgroupBroadcast(v, 0u), subgroupBroadcast(v, 1u), subgroupBroadcast(v, 2u), subgroupBroadcast(v, 3u),
                       subgroupBroadcast(v, 4u), subgroupBroadcast(v, 5u), subgroupBroadcast(v, 6u), subgroupBroadcast(v, 7u));
}

// The x windows of the workgroup's tap rows, as loaded by the lanes of a subgroup: [load][component][lane].
alias Windows = array<array<array<f32, 8>, 4>, 2>;
alias TapSums = array<array<f32, TAP_ROWS * KW_MAX>, TO_MAX>;

// weight_grad_padded's products of one run for tap rows r0 and r0 + 1 (straight-line pairs: NIR would not
// unroll all TAP_ROWS rows in one loop, and accumulators indexed by a loop variable leave registers).
fn add_tap_rows(acc: ptr<function, TapSums>, win: ptr<function, Windows>, g: ptr<function, array<vec4f, TO_MAX>>, r0: u32) {
  for (var r = r0; r < r0 + 2u; r++) {
    for (var kw = 0u; kw < KW; kw++) {
      for (var e = 0u; e < 4u; e++) {
        let k = e + kw * DW; // column of the window
        let slot = r * WINQ + k / 4u;
        let v = (*win)[slot / 8u][k % 4u][slot % 8u];
        for (var j = 0u; j < TO; j++) { (*acc)[j][r * KW + kw] += (*g)[j][e] * v; }
      }
    }
  }
}

// Stride 1 over zero-padded copies (conv2d.wgsl's pad_source): the reduction runs over vec4s of 4 output
// pixels, so each dy load brings 4 terms, and the x windows of the workgroup's TAP_ROWS (c, kh) rows are
// TAP_ROWS * WINQ vec4s that the lanes load (slot s: lane s % 8, load s / 8) and subgroupBroadcast shares: on
// lavapipe a load costs per lane and instruction, whatever its width. Lanes run over output channels, as in
// weight_grad.
@compute @workgroup_size(WG)
fn weight_grad_padded(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u,
                      @builtin(subgroup_invocation_id) lane: u32) {
  let xPlane = PW.Hp * PW.quadsX;
  let dyPlane = PW.OH * PW.quadsDy;
  let loads = (TAP_ROWS * WINQ + 7u) / 8u;
  // This lane's slots of the x windows: tap row t, vec4 q of its window.
  var slotBase: array<u32, 2>;
  for (var m = 0u; m < loads; m++) {
    let slot = 8u * m + (lane & 7u);
    let t = min(wid.x * TAP_ROWS + slot / WINQ, PW.tapRows - 1u);
    slotBase[m] = (t / KH) * xPlane + (t % KH) * DH * PW.quadsX + slot % WINQ;
  }
  var dyBase: array<u32, TO_MAX>;
  for (var j = 0u; j < TO; j++) { dyBase[j] = min(wid.z * WG * TO + j * WG + lid.x, PW.O - 1u) * dyPlane; }

  var acc: TapSums;
  let row1 = min((wid.y + 1u) * PW.rowsPerChunk, PW.rows);
  for (var row = wid.y * PW.rowsPerChunk; row < row1; row++) {
    let n = row / PW.OH;
    let oh = row % PW.OH;
    let xRow = n * PW.C * xPlane + oh * PW.quadsX;
    let dyRow = n * PW.O * dyPlane + oh * PW.quadsDy;
    for (var run = 0u; run < PW.quadsDy; run++) {
      var g: array<vec4f, TO_MAX>;
      for (var j = 0u; j < TO; j++) { g[j] = dyPadded[dyRow + dyBase[j] + run]; }
      var win: Windows;
      for (var m = 0u; m < loads; m++) {
        let xl = xPadded[xRow + slotBase[m] + run];
        win[m] = array<array<f32, 8>, 4>(lanes8(xl.x), lanes8(xl.y), lanes8(xl.z), lanes8(xl.w));
      }
      add_tap_rows(&acc, &win, &g, 0u);
      add_tap_rows(&acc, &win, &g, 2u);
      add_tap_rows(&acc, &win, &g, 4u);
      add_tap_rows(&acc, &win, &g, 6u);
    }
  }

  let taps = PW.tapRows * KW;
  for (var j = 0u; j < TO; j++) {
    let o = wid.z * WG * TO + j * WG + lid.x;
    if (o >= PW.O) { break; }
    let base = (wid.y * PW.O + o) * taps + wid.x * TAP_ROWS * KW;
    for (var k = 0u; k < TAP_ROWS * KW; k++) {
      if (wid.x * TAP_ROWS * KW + k < taps) { paddedPartial[base + k] = acc[j][k]; }
    }
  }
}

// bias_grad and reduce_chunks bind their own buffers (entry points may share binding numbers).
@group(0) @binding(1) var<storage, read> biasDy: array<f32>;
@group(0) @binding(2) var<storage, read_write> biasPartial: array<f32>;

// biasPartial[chunk, o] = sum of dy[n, o, oh, ow] over the chunk's (n, oh) rows; lanes run over o.
@compute @workgroup_size(WG)
fn bias_grad(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let o = wid.z * WG + lid.x;
  if (o >= P.O) { return; }
  var acc = 0.0;
  let row1 = min((wid.y + 1u) * P.rowsPerChunk, P.rows);
  for (var row = wid.y * P.rowsPerChunk; row < row1; row++) {
    let base = ((row / P.OH) * P.O + o) * P.OH * P.OW + (row % P.OH) * P.OW;
    for (var ow = 0u; ow < P.OW; ow++) { acc += biasDy[base + ow]; }
  }
  biasPartial[wid.y * P.O + o] = acc;
}

struct ReduceParams {
  length: u32, // elements of one chunk's partial sums
  chunks: u32,
}

@group(0) @binding(0) var<uniform> R: ReduceParams;
@group(0) @binding(1) var<storage, read> parts: array<f32>;
@group(0) @binding(2) var<storage, read_write> total: array<f32>;

// total[i] = sum over chunks of parts[chunk, i]; 1-D grid (grid1d).
@compute @workgroup_size(WG)
fn reduce_chunks(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= R.length) { return; }
  var sum = 0.0;
  for (var c = 0u; c < R.chunks; c++) { sum += parts[c * R.length + i]; }
  total[i] = sum;
}
