// Conv2d forward and backward-to-input as implicit GEMMs (no im2col buffer), NCHW f32, groups = 1.
//   forward (TRANSPOSED = false): y[n, co, r, s] = sum_{ci, kh, kw} x[n, ci, r*SH - padH + kh*DH, s*SW - padW + kw*DW]
//                                                   * w[co, ci, kh, kw]  (+ bias[co], ReLU when RELU)
//   backward-input (TRANSPOSED = true), one stride phase (rh, rw) per dispatch z:
//     dx[n, co, rh + a*SH, rw + b*SW] = sum_{ci, kh, kw} dy[n, ci, a + (rh + padH - kh*DH)/SH, b + ...]
//                                                       * w[ci, co, kh, kw]
//     over the taps where (rh + padH - kh*DH) is a multiple of SH: within a phase that set is the same for
//     every output pixel, so non-aligned taps are skipped with uniform branches, not masked.
// "src" is x (forward) or dy (backward), "out" is y or dx; `ci` runs over the reduction channels (C forward,
// O backward), `co` over the output channels. Weights are read through two strides (wsCI, wsCO) so both
// passes use w [O, C, KH, KW] as stored. Kernel size, stride and dilation are override constants, so the
// tap loops unroll. Three kernels:
//   gemm_padded    register tiles over a zero-padded copy of src whose rows are 4-aligned (pad_source), read
//                  as vec4 windows: software adapters, forward and stride-1 backward-input;
//   gemm_registers register tiles over src as it is, bounds checked: software adapters, strided backward;
//   gemm_workgroup workgroup-memory tiles: real GPUs.
// Test: test/ops/conv2d.test.ts.
enable subgroups;

struct Params {
  CI: u32, CO: u32,
  srcH: u32, srcW: u32,
  outH: u32, outW: u32,
  gridH: u32, gridW: u32, // output pixels of one phase: outH, outW forward; ceil(outH / SH), ... backward
  padH: u32, padW: u32,
  wsCI: u32, wsCO: u32,
  phases: u32, // SH * SW backward, 1 forward
  batch: u32, // gemm_padded (the others take the image from the workgroup's z)
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> src4: array<vec4f>; // gemm_padded: pad_source's copy of src
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>; // forward with HAS_BIAS; any buffer otherwise
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override KH: u32 = 3;
override KW: u32 = 3;
override SH: u32 = 1;
override SW: u32 = 1;
override DH: u32 = 1;
override DW: u32 = 1;
override TRANSPOSED: bool = false;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override WG: u32 = 64;
override TM: u32 = 8; // register kernels: consecutive output pixels of one row per invocation, <= TM_MAX (gemm_padded: 4, 8 or 12)
override FLIP: bool = false; // gemm_padded: backward-input (stride 1) as a forward pass with the kernel flipped
override WINQ: u32 = 3; // gemm_padded: vec4s in one window, <= WINQ_MAX
override TNQ: u32 = 2; // gemm_padded: vec4s of output channels per invocation, 2 or 4 (<= TNQ_MAX)

const TM_MAX = 12u;
const TN = 8u; // register kernels: output channels per workgroup, one weight per lane of a subgroup of >= 8
const WINQ_MAX = 8u;
const TNQ_MAX = 4u;
const KW_MAX = 5u; // gemm_padded

// Where tap k of one axis lands in src for output index 0 of this phase: (offset, 1) or (_, 0) when the
// tap skips this phase (backward). Source index = out index * step + offset, step = S forward, 1 backward.
fn tap(k: u32, d: u32, s: u32, pad: u32, phase: u32) -> vec2i {
  if (!TRANSPOSED) { return vec2i(i32(k * d) - i32(pad), 1); }
  let num = i32(phase + pad) - i32(k * d);
  return vec2i(num / i32(s), select(0, 1, num % i32(s) == 0));
}

struct Image {
  n: u32,
  phaseH: u32,
  phaseW: u32,
  gridH: u32, // rows and columns of this phase (backward phases near the border can be shorter)
  gridW: u32,
}

fn image(z: u32) -> Image {
  let n = z / P.phases;
  let phase = z % P.phases;
  let ph = phase / SW;
  let pw = phase % SW;
  if (!TRANSPOSED) { return Image(n, 0u, 0u, P.gridH, P.gridW); }
  return Image(n, ph, pw, (P.outH - min(ph, P.outH) + SH - 1u) / SH, (P.outW - min(pw, P.outW) + SW - 1u) / SW);
}

fn out_index(img: Image, co: u32, r: u32, s: u32) -> u32 {
  let row = select(r, img.phaseH + r * SH, TRANSPOSED);
  let col = select(s, img.phaseW + s * SW, TRANSPOSED);
  return ((img.n * P.CO + co) * P.outH + row) * P.outW + col;
}

fn bias_of(co: u32) -> f32 {
  if (HAS_BIAS) { return bias[min(co, P.CO - 1u)]; }
  return 0.0;
}

fn epilogue(v: f32, b: f32) -> f32 {
  if (RELU) { return max(v + b, 0.0); }
  return v + b;
}

// The `count` biases of a register tile (TN, or gemm_padded's 4 TNQ), read once rather than once per pixel
// (which also costs seconds of lavapipe compile time per pipeline).
fn bias_tile(co0: u32, count: u32) -> array<f32, 4u * TNQ_MAX> {
  var b: array<f32, 4u * TNQ_MAX>;
  for (var j = 0u; j < count; j++) { b[j] = bias_of(co0 + j); }
  return b;
}

// Register tiles, no workgroup memory (software adapters). Each invocation owns TM consecutive pixels of one
// output row and the TN channels of its workgroup. On lavapipe every load in a loop runs once per SIMD lane,
// uniform address or not, so a subgroup loads TN weights in one instruction (lane j: channel j) and shares
// them with subgroupBroadcast instead of each lane loading all TN.
@compute @workgroup_size(WG)
fn gemm_registers(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u,
                  @builtin(subgroup_invocation_id) lane: u32) {
  let img = image(wid.z);
  let runsPerRow = max((img.gridW + TM - 1u) / TM, 1u);
  let runs = img.gridH * runsPerRow;
  let run = wid.x * WG + lid.x;
  // Lanes past the end compute a clamped run and store nothing: subgroup operations need every lane.
  let t = min(run, max(runs, 1u) - 1u);
  let r = t / runsPerRow;
  let s0 = (t % runsPerRow) * TM;
  let step = vec2i(select(vec2u(SH, SW), vec2u(1u), TRANSPOSED));
  let co0 = wid.y * TN;
  let wLane = min(co0 + (lane & 7u), P.CO - 1u) * P.wsCO;
  let srcImage = img.n * P.CI * P.srcH * P.srcW;
  let colBase = i32(s0) * step.y;

  var acc: array<array<vec4f, 2>, TM_MAX>;
  for (var ci = 0u; ci < P.CI; ci++) {
    let srcPlane = i32(srcImage + ci * P.srcH * P.srcW);
    for (var kh = 0u; kh < KH; kh++) {
      let th = tap(kh, DH, SH, P.padH, img.phaseH);
      if (th.y == 0) { continue; }
      let row = i32(r) * step.x + th.x;
      let rowOk = row >= 0 && row < i32(P.srcH);
      let rowBase = srcPlane + row * i32(P.srcW);
      for (var kw = 0u; kw < KW; kw++) {
        let tw = tap(kw, DW, SW, P.padW, img.phaseW);
        if (tw.y == 0) { continue; }
        let wl = w[ci * P.wsCI + wLane + kh * KW + kw];
        let w0 = vec4f(subgroupBroadcast(wl, 0u), subgroupBroadcast(wl, 1u), subgroupBroadcast(wl, 2u), subgroupBroadcast(wl, 3u));
        let w1 = vec4f(subgroupBroadcast(wl, 4u), subgroupBroadcast(wl, 5u), subgroupBroadcast(wl, 6u), subgroupBroadcast(wl, 7u));
        for (var i = 0u; i < TM; i++) {
          // Written as lane base + uniform offset so the compiler sees that tap (i, kw) and tap (i + 1,
          // kw - 1) read the same element and loads it once.
          let col = colBase + (i32(i) * step.y + tw.x);
          let ok = rowOk && col >= 0 && col < i32(P.srcW);
          let v = select(0.0, src[u32(select(0, rowBase + col, ok))], ok);
          acc[i][0] += v * w0;
          acc[i][1] += v * w1;
        }
      }
    }
  }

  if (run >= runs) { return; }
  let b = bias_tile(co0, TN);
  for (var i = 0u; i < TM; i++) {
    let s = s0 + i;
    if (s >= img.gridW) { break; }
    for (var j = 0u; j < TN; j++) {
      let co = co0 + j;
      if (co < P.CO) { out[out_index(img, co, r, s)] = epilogue(acc[i][j / 4u][j % 4u], b[j]); }
    }
  }
}

// gemm_padded's products of one window row for pixels i0 .. i0 + 3 of the run: pixel by pixel, its KW taps
// together, so that its accumulators stay in registers across them (tap by tap, all TM pixels' accumulators
// would be reloaded from the stack for each tap: ~1.3x slower on lavapipe).
fn add_quad(acc: ptr<function, array<array<vec4f, TNQ_MAX>, TM_MAX>>, win: ptr<function, array<vec4f, WINQ_MAX>>,
            wt: ptr<function, array<array<vec4f, TNQ_MAX>, KW_MAX>>, i0: u32) {
  for (var i = i0; i < i0 + 4u; i++) {
    var a = (*acc)[i];
    for (var kw = 0u; kw < KW; kw++) {
      let e = i * SW + select(kw, KW - 1u - kw, FLIP) * DW;
      let v = (*win)[e / 4u][e % 4u];
      for (var q = 0u; q < TNQ; q++) { a[q] += v * (*wt)[kw][q]; }
    }
    (*acc)[i] = a;
  }
}

// Register tiles over the padded source: no bounds checks, and each tap row is read as WINQ aligned vec4s
// (one row of a run: TM pixels and the KW taps of each), since lavapipe pays per load instruction and lane,
// not per component: a vec4 window load costs several times a weight load, so a workgroup computes 4 TNQ
// output channels (8 or 16) from each window. Column offsets within the window are compile-time constants,
// so the window stays in registers. Weights are shared as in gemm_registers, 8 channels per load.
@compute @workgroup_size(WG)
fn gemm_padded(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u,
               @builtin(num_workgroups) nwg: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  // Runs of all images in one sequence (x, then z past 65,535 workgroups), so only the last workgroup idles.
  let runsPerRow = (P.gridW + TM - 1u) / TM;
  let runs = P.batch * P.gridH * runsPerRow;
  let run = (wid.z * nwg.x + wid.x) * WG + lid.x;
  let t = min(run, runs - 1u);
  let n = t / (P.gridH * runsPerRow);
  let r = t / runsPerRow % P.gridH;
  let s0 = (t % runsPerRow) * TM;
  let co0 = wid.y * 4u * TNQ;
  var wLane: array<u32, TNQ_MAX / 2u>; // the weights lane l loads: channel co0 + 8 h + l, for each h
  for (var h = 0u; h < TNQ / 2u; h++) { wLane[h] = min(co0 + 8u * h + (lane & 7u), P.CO - 1u) * P.wsCO; }
  let pitch4 = P.srcW / 4u;

  var acc: array<array<vec4f, TNQ_MAX>, TM_MAX>;
  for (var ci = 0u; ci < P.CI; ci++) {
    for (var kh = 0u; kh < KH; kh++) {
      let row = r * SH + select(kh, KH - 1u - kh, FLIP) * DH;
      let base4 = ((n * P.CI + ci) * P.srcH + row) * pitch4 + s0 * SW / 4u;
      var win: array<vec4f, WINQ_MAX>;
      for (var q = 0u; q < WINQ; q++) { win[q] = src4[base4 + q]; }
      var wt: array<array<vec4f, TNQ_MAX>, KW_MAX>; // the 4 TNQ channels' weights of each tap of the row
      for (var kw = 0u; kw < KW; kw++) {
        for (var h = 0u; h < TNQ / 2u; h++) {
          let wl = w[ci * P.wsCI + wLane[h] + kh * KW + kw];
          wt[kw][2u * h] = vec4f(subgroupBroadcast(wl, 0u), subgroupBroadcast(wl, 1u), subgroupBroadcast(wl, 2u), subgroupBroadcast(wl, 3u));
          wt[kw][2u * h + 1u] = vec4f(subgroupBroadcast(wl, 4u), subgroupBroadcast(wl, 5u), subgroupBroadcast(wl, 6u), subgroupBroadcast(wl, 7u));
        }
      }
      // Straight-line quads of pixels rather than one loop over TM: NIR would not unroll TM x KW taps (its
      // unroll budget), and an accumulator indexed by a loop variable leaves registers.
      add_quad(&acc, &win, &wt, 0u);
      if (TM > 4u) { add_quad(&acc, &win, &wt, 4u); }
      if (TM > 8u) { add_quad(&acc, &win, &wt, 8u); }
    }
  }

  if (run >= runs) { return; }
  let b = bias_tile(co0, 4u * TNQ);
  for (var i = 0u; i < TM; i++) {
    let s = s0 + i;
    if (s >= P.gridW) { break; }
    for (var j = 0u; j < 4u * TNQ; j++) {
      let co = co0 + j;
      if (co < P.CO) { out[((n * P.CO + co) * P.outH + r) * P.outW + s] = epilogue(acc[i][j / 4u][j % 4u], b[j]); }
    }
  }
}

struct PadParams {
  H: u32, W: u32, // src plane
  Hp: u32, Wp: u32, // padded plane, Wp a multiple of 4
  top: i32, left: i32, // padded (r, q) holds src (r - top, q - left); negative crops
  rows: u32, // Hp * planes
}

@group(0) @binding(0) var<uniform> PP: PadParams;
@group(0) @binding(1) var<storage, read> unpadded: array<f32>;
@group(0) @binding(2) var<storage, read_write> padded: array<vec4f>;

// One padded row per invocation, zero outside src; 1-D grid (grid1d). A row rather than one vec4 per
// invocation: the index divisions run once per row (lavapipe divides lane by lane), and the loads are
// clamped and selected rather than branched on.
@compute @workgroup_size(WG)
fn pad_source(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= PP.rows) { return; }
  let row = i32(i % PP.Hp) - PP.top;
  let rowOk = row >= 0 && row < i32(PP.H);
  let rowBase = i32(i / PP.Hp * PP.H) * i32(PP.W) + row * i32(PP.W);
  let quads = PP.Wp / 4u;
  for (var q = 0u; q < quads; q++) {
    var v: vec4f;
    for (var e = 0u; e < 4u; e++) {
      let col = i32(4u * q + e) - PP.left;
      let ok = rowOk && col >= 0 && col < i32(PP.W);
      v[e] = select(0.0, unpadded[select(0, rowBase + col, ok)], ok);
    }
    padded[i * quads + q] = v;
  }
}

// Workgroup-memory tiles (real GPUs, where barriers are cheap and workgroup memory is fast): a 16x16
// workgroup computes a 64-pixel x 64-channel block, each invocation a 4x4 tile, staging BK-deep slices of
// the gathered input patches and of the weights.
const BM = 64u;
const BN = 64u;
const BK = 16u;
var<workgroup> tileA: array<f32, BK * BM>;
var<workgroup> tileB: array<f32, BK * BN>;

@compute @workgroup_size(16, 16)
fn gemm_workgroup(@builtin(local_invocation_index) li: u32, @builtin(local_invocation_id) lid: vec3u,
                  @builtin(workgroup_id) wid: vec3u) {
  let img = image(wid.z);
  let pixels = img.gridH * img.gridW;
  let m0 = wid.x * BM;
  let co0 = wid.y * BN;
  let K = P.CI * KH * KW;
  let step = vec2i(select(vec2u(SH, SW), vec2u(1u), TRANSPOSED));
  let srcImage = img.n * P.CI * P.srcH * P.srcW;
  var acc: array<vec4f, 4>;
  for (var k0 = 0u; k0 < K; k0 += BK) {
    for (var e = li; e < BK * BM; e += 256u) {
      let kk = e / BM;
      let m = m0 + e % BM;
      let k = k0 + kk;
      var v = 0.0;
      if (k < K && m < pixels) {
        let ci = k / (KH * KW);
        let th = tap((k / KW) % KH, DH, SH, P.padH, img.phaseH);
        let tw = tap(k % KW, DW, SW, P.padW, img.phaseW);
        let row = i32(m / img.gridW) * step.x + th.x;
        let col = i32(m % img.gridW) * step.y + tw.x;
        if (th.y * tw.y == 1 && row >= 0 && row < i32(P.srcH) && col >= 0 && col < i32(P.srcW)) {
          v = src[srcImage + (ci * P.srcH + u32(row)) * P.srcW + u32(col)];
        }
      }
      tileA[e] = v;
      let co = co0 + e % BN; // BN == BM: element e is (kk, e % BN) of the weight slice too
      var wv = 0.0;
      if (k < K && co < P.CO) { wv = w[(k / (KH * KW)) * P.wsCI + co * P.wsCO + k % (KH * KW)]; }
      tileB[e] = wv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let a = vec4f(tileA[kk * BM + lid.y * 4u], tileA[kk * BM + lid.y * 4u + 1u], tileA[kk * BM + lid.y * 4u + 2u], tileA[kk * BM + lid.y * 4u + 3u]);
      let b = vec4f(tileB[kk * BN + lid.x * 4u], tileB[kk * BN + lid.x * 4u + 1u], tileB[kk * BN + lid.x * 4u + 2u], tileB[kk * BN + lid.x * 4u + 3u]);
      for (var i = 0u; i < 4u; i++) { acc[i] += a[i] * b; }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + lid.y * 4u + i;
    if (m >= pixels) { break; }
    for (var j = 0u; j < 4u; j++) {
      let co = co0 + lid.x * 4u + j;
      if (co < P.CO) { out[out_index(img, co, m / img.gridW, m % img.gridW)] = epilogue(acc[i][j], bias_of(co)); }
    }
  }
}
