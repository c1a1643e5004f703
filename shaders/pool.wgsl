// 2-D pooling over NCHW f32 tensors, forward and backward; one invocation per element written.
//   max_forward:     y[n,c,oh,ow] = max of the window (padding never wins: it is -inf), argmax = the winner's
//                    flat index in the unpadded H*W input plane; the first maximum in window order wins, as in
//                    PyTorch. With RELU, max pooling of relu(x) in the same pass (the two commute): y = 0 and
//                    argmax = -1 (no gradient: ReLU's is 0 there) where the window holds no positive value, so
//                    the full-size ReLU output and its backward pass never exist.
//   max_backward:    dx[n,c,ih,iw] = sum of dy over the outputs whose argmax is (ih,iw), gathered per input
//                    element from the windows holding it (no atomics). Any windows; integer division per
//                    input element and up to ceil(k/s)^2 argmax reads each.
//   max_backward_disjoint: for non-overlapping windows (stride >= kernel in both axes) only: one invocation
//                    per OUTPUT element writes its whole cell (its window, plus the gap after it, plus the
//                    uncovered leading/trailing rows and columns for the first/last output of an axis): dy at
//                    argmax, zero elsewhere. Cells partition the plane, so every dx element is written exactly
//                    once, with at most one dy value: the same bits as the gather (and as PyTorch).
//   max_forward_tiled, max_backward_tiled: the same for windows that tile the plane (stride = kernel, no
//                    padding: the default model's 2x2 pools), on a [ow, oh, planes] grid with the window fixed
//                    per pipeline: no division per element (lavapipe divides lane by lane) and unrolled loops.
//   avg_forward:     y = window sum / (kh*kw): padding counts (PyTorch's count_include_pad=True).
//   avg_backward:    dx = sum over the windows holding the element of dy / (kh*kw).
//   global_avg_backward: avg_backward for one H x W window per plane: dx[n,c,:,:] = dy[n,c] / (H*W), one
//                    invocation per plane writing it whole, so nothing divides indices (lavapipe divides lane
//                    by lane) and a few workgroups do it all (lavapipe pays per workgroup): 8x the general
//                    kernel there. The planes it meets are small (184 elements at the default model's end).
// Global average pooling is avg_* with an H x W window. x, dx: [N,C,H,W]; y, dy, argmax: [N,C,OH,OW].
// Test: test/ops/pool.test.ts.

struct Params {
  total: u32, // elements this dispatch writes
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  kh: u32,
  kw: u32,
  sh: u32,
  sw: u32,
  ph: u32,
  pw: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>; // x forward, dy backward
@group(0) @binding(2) var<storage, read_write> dst: array<f32>; // y forward, dx backward
@group(0) @binding(3) var<storage, read_write> argmax_out: array<i32>; // max_forward only
@group(0) @binding(3) var<storage, read> argmax_in: array<i32>; // max_backward only

override WG: u32 = 256;
override RELU: bool = false; // max_forward: pool relu(x)
// max_*_tiled: the window (= stride; no padding), fixed per pipeline so its loops unroll.
override KH: u32 = 2;
override KW: u32 = 2;

// Large tensors are dispatched as a 2-D grid (65,535 workgroups per dimension at most).
fn flat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

// The window of output o along one axis, clipped to the input: [lo, hi).
fn window(o: u32, k: u32, s: u32, p: u32, n: u32) -> vec2i {
  let start = i32(o * s) - i32(p);
  return vec2i(max(start, 0), min(start + i32(k), i32(n)));
}

// The outputs whose windows hold input coordinate i along one axis: [lo, hi], empty when lo > hi.
fn outputs_holding(i: u32, k: u32, s: u32, p: u32, n: u32) -> vec2i {
  let padded = i32(i + p);
  // ceil((padded - k + 1) / s), clamped at 0
  return vec2i(max(padded - i32(k) + i32(s), 0) / i32(s), min(padded / i32(s), i32(n) - 1));
}

// A window's maximum so far and its flat index in the input plane.
struct Best {
  value: f32,
  at: u32,
}

// Only a strictly greater value wins: the first maximum in window order is kept, as in PyTorch.
fn better(best: Best, base: u32, at: u32) -> Best {
  let v = src[base + at];
  if (v > best.value) { return Best(v, at); }
  return best;
}

fn write_max(i: u32, best: Best) {
  let gated = RELU && !(best.value > 0.0);
  dst[i] = select(best.value, 0.0, gated);
  argmax_out[i] = select(i32(best.at), -1, gated);
}

@compute @workgroup_size(WG)
fn max_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.total) { return; }
  let plane_out = params.oh * params.ow;
  let r = i % plane_out;
  let rows = window(r / params.ow, params.kh, params.sh, params.ph, params.h);
  let cols = window(r % params.ow, params.kw, params.sw, params.pw, params.w);
  let base = (i / plane_out) * params.h * params.w;
  let first = u32(rows.x) * params.w + u32(cols.x);
  var best = Best(src[base + first], first);
  for (var ih = rows.x; ih < rows.y; ih++) {
    for (var iw = cols.x; iw < cols.y; iw++) { best = better(best, base, u32(ih) * params.w + u32(iw)); }
  }
  write_max(i, best);
}

// max_forward for windows that tile the plane (stride = kernel, no padding), on a [ow, oh, planes] grid: no
// integer division per element (lavapipe divides lane by lane), and the window's loops unroll.
// The *_tiled grid: gid = (output column, output row, plane); the output's flat index.
fn tiled_output(gid: vec3u) -> u32 {
  return (gid.z * params.oh + gid.y) * params.ow + gid.x;
}

@compute @workgroup_size(WG)
fn max_forward_tiled(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.ow) { return; }
  let i = tiled_output(gid);
  let base = gid.z * params.h * params.w;
  let first = gid.y * KH * params.w + gid.x * KW;
  var best = Best(src[base + first], first);
  for (var kh = 0u; kh < KH; kh++) {
    for (var kw = 0u; kw < KW; kw++) { best = better(best, base, first + kh * params.w + kw); }
  }
  write_max(i, best);
}

@compute @workgroup_size(WG)
fn max_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.total) { return; }
  let plane_in = params.h * params.w;
  let r = i % plane_in;
  let rows = outputs_holding(r / params.w, params.kh, params.sh, params.ph, params.oh);
  let cols = outputs_holding(r % params.w, params.kw, params.sw, params.pw, params.ow);
  let base = (i / plane_in) * params.oh * params.ow;
  var sum = 0.0;
  // Output order, as PyTorch's scatter adds them: the same sum, bit for bit.
  for (var oh = rows.x; oh <= rows.y; oh++) {
    for (var ow = cols.x; ow <= cols.y; ow++) {
      let o = base + u32(oh) * params.ow + u32(ow);
      if (argmax_in[o] == i32(r)) { sum += src[o]; }
    }
  }
  dst[i] = sum;
}

// The cell of output o along one axis: its window's start up to the next window's start, the first cell
// from 0 and the last to n. For stride >= kernel (and padding <= kernel / 2) the cells partition [0, n).
fn cell(o: u32, n_out: u32, s: u32, p: u32, n: u32) -> vec2u {
  let lo = select(o * s - p, 0u, o == 0u);
  let hi = select(min((o + 1u) * s - p, n), n, o + 1u == n_out);
  return vec2u(lo, hi);
}

@compute @workgroup_size(WG)
fn max_backward_disjoint(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let o = flat_index(gid, groups); // params.total = outputs here
  if (o >= params.total) { return; }
  let plane_out = params.oh * params.ow;
  let r = o % plane_out;
  let rows = cell(r / params.ow, params.oh, params.sh, params.ph, params.h);
  let cols = cell(r % params.ow, params.ow, params.sw, params.pw, params.w);
  let base = (o / plane_out) * params.h * params.w;
  let at = u32(argmax_in[o]); // -1 (a RELU window without a positive value) matches no element
  let g = src[o];
  for (var ih = rows.x; ih < rows.y; ih++) {
    let row = ih * params.w;
    for (var iw = cols.x; iw < cols.y; iw++) { dst[base + row + iw] = select(0.0, g, row + iw == at); }
  }
}

// max_backward_disjoint for windows that tile the plane, on max_forward_tiled's grid: each output writes its
// window (dy at argmax, zero elsewhere); the last output of a row or column also zeroes the rows and columns
// past the last window (floor rounding leaves them uncovered).
@compute @workgroup_size(WG)
fn max_backward_tiled(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.ow) { return; }
  let o = tiled_output(gid);
  let base = gid.z * params.h * params.w;
  let at = u32(argmax_in[o]); // -1 (a RELU window without a positive value) matches no element
  let g = src[o];
  let row0 = gid.y * KH;
  let col0 = gid.x * KW;
  for (var kh = 0u; kh < KH; kh++) {
    for (var kw = 0u; kw < KW; kw++) {
      let e = (row0 + kh) * params.w + col0 + kw;
      dst[base + e] = select(0.0, g, e == at);
    }
  }
  let last_col = gid.x + 1u == params.ow;
  if (last_col) {
    for (var r = row0; r < row0 + KH; r++) {
      for (var c = params.ow * KW; c < params.w; c++) { dst[base + r * params.w + c] = 0.0; }
    }
  }
  if (gid.y + 1u == params.oh) {
    let col_end = select(col0 + KW, params.w, last_col);
    for (var r = params.oh * KH; r < params.h; r++) {
      for (var c = col0; c < col_end; c++) { dst[base + r * params.w + c] = 0.0; }
    }
  }
}

@compute @workgroup_size(WG)
fn avg_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.total) { return; }
  let plane_out = params.oh * params.ow;
  let r = i % plane_out;
  let rows = window(r / params.ow, params.kh, params.sh, params.ph, params.h);
  let cols = window(r % params.ow, params.kw, params.sw, params.pw, params.w);
  let base = (i / plane_out) * params.h * params.w;
  var sum = 0.0;
  for (var ih = rows.x; ih < rows.y; ih++) {
    for (var iw = cols.x; iw < cols.y; iw++) { sum += src[base + u32(ih) * params.w + u32(iw)]; }
  }
  dst[i] = sum / f32(params.kh * params.kw);
}

@compute @workgroup_size(WG)
fn avg_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(gid, groups);
  if (i >= params.total) { return; }
  let plane_in = params.h * params.w;
  let r = i % plane_in;
  let rows = outputs_holding(r / params.w, params.kh, params.sh, params.ph, params.oh);
  let cols = outputs_holding(r % params.w, params.kw, params.sw, params.pw, params.ow);
  let base = (i / plane_in) * params.oh * params.ow;
  let count = f32(params.kh * params.kw);
  var sum = 0.0;
  for (var oh = rows.x; oh <= rows.y; oh++) {
    for (var ow = cols.x; ow <= cols.y; ow++) { sum += src[base + u32(oh) * params.ow + u32(ow)] / count; }
  }
  dst[i] = sum;
}

@compute @workgroup_size(WG)
fn global_avg_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let p = flat_index(gid, groups); // params.total = planes here
  if (p >= params.total) { return; }
  let plane = params.h * params.w;
  let g = src[p] / f32(plane);
  for (var e = p * plane; e < (p + 1u) * plane; e++) { dst[e] = g; }
}
