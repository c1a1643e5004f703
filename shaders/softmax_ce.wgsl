// Fused softmax + cross-entropy over logits [N, K] (row-major f32) and labels [N] (i32), with optional class
// weights [K] and label smoothing eps, matching torch.nn.functional.cross_entropy(reduction='mean'):
//   loss = sum_i [(1-eps) w[y_i] (lse_i - z_iy) + eps/K sum_k w_k (lse_i - z_ik)] / sum_i w[y_i]
//   forward:  probs [N, K] and loss [1], with lse = max + log(sum exp(z - max)) so +-1000 logits stay finite.
//   backward: dlogits [N, K] = scale / sum_i w[y_i] * [(1-eps) w[y_i] (p - onehot) + eps/K (sum_k w_k p - w)].
// Probability targets t [N, K] (f32, rows summing to 1; mixup's), as cross_entropy with probability targets:
//   t' = (1-eps) t + eps/K,  loss = sum_i sum_k w_k t'_ik (lse_i - z_ik) / N   (the mean divides by N)
//   soft_forward:  probs [N, K] and loss [1];  soft_backward: dlogits = scale / N * (p sum_k w_k t'_k - w t').
// A loss is one batch of rows (N ~ 32, K ~ 8): one workgroup, each invocation takes a strided set of rows
// serially and one barrier joins the partial sums. Test: test/ops/softmax-ce.test.ts.

struct Params {
  N: u32,
  K: u32,
  eps: f32, // label smoothing
}

@group(0) @binding(0) var<uniform> params: Params;

override WG: u32 = 64;
override HAS_WEIGHTS: bool = false;
override HAS_SCALE: bool = false;

var<workgroup> partials: array<vec2f, WG>;

// Forward: bindings 1-5. Without class weights the weights binding is any buffer (never read).
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> probs: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

fn class_weight(k: u32) -> f32 {
  if (HAS_WEIGHTS) { return weights[k]; }
  return 1.0;
}

@compute @workgroup_size(WG)
fn forward(@builtin(local_invocation_index) lid: u32) {
  let K = params.K;
  var acc = vec2f(0.0); // (numerator, sum of target weights)
  for (var i = lid; i < params.N; i += WG) {
    let row = i * K;
    var m = logits[row];
    for (var k = 1u; k < K; k++) { m = max(m, logits[row + k]); }
    var sum = 0.0;
    for (var k = 0u; k < K; k++) { sum += exp(logits[row + k] - m); }
    let lse = m + log(sum);
    var smoothed = 0.0;
    for (var k = 0u; k < K; k++) {
      let z = logits[row + k];
      probs[row + k] = exp(z - m) / sum;
      smoothed += class_weight(k) * (lse - z);
    }
    let y = u32(labels[i]);
    let wy = class_weight(y);
    acc += vec2f((1.0 - params.eps) * wy * (lse - logits[row + y]) + params.eps / f32(K) * smoothed, wy);
  }
  partials[lid] = acc;
  workgroupBarrier();
  if (lid == 0u) {
    var total = vec2f(0.0);
    for (var j = 0u; j < WG; j++) { total += partials[j]; }
    loss[0] = total.x / total.y;
  }
}

// Backward: bindings 1-5 (probs, labels, weights, lossScale [1], dlogits). Absent weights or scale bind any buffer.
@group(0) @binding(1) var<storage, read> p_in: array<f32>;
@group(0) @binding(4) var<storage, read> loss_scale: array<f32>;
@group(0) @binding(5) var<storage, read_write> dlogits: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(local_invocation_index) lid: u32) {
  let K = params.K;
  var den = 0.0;
  for (var i = lid; i < params.N; i += WG) { den += class_weight(u32(labels[i])); }
  partials[lid] = vec2f(den, 0.0);
  workgroupBarrier();
  // Every invocation sums the partials itself: cheaper on software adapters than a second barrier.
  var total = 0.0;
  for (var j = 0u; j < WG; j++) { total += partials[j].x; }
  var scale = 1.0 / total;
  if (HAS_SCALE) { scale *= loss_scale[0]; }
  var wsum = 0.0;
  for (var k = 0u; k < K; k++) { wsum += class_weight(k); }
  let spread = params.eps / f32(K);
  for (var i = lid; i < params.N; i += WG) {
    let y = u32(labels[i]);
    let hard = (1.0 - params.eps) * class_weight(y);
    for (var k = 0u; k < K; k++) {
      let p = p_in[i * K + k];
      let onehot = select(0.0, 1.0, k == y);
      dlogits[i * K + k] = scale * (hard * (p - onehot) + spread * (wsum * p - class_weight(k)));
    }
  }
}

// soft_forward: bindings 1-5 (logits, targets, weights, probs, loss).
@group(0) @binding(2) var<storage, read> targets: array<f32>;

fn smoothed_target(row: u32, k: u32) -> f32 {
  return (1.0 - params.eps) * targets[row + k] + params.eps / f32(params.K);
}

@compute @workgroup_size(WG)
fn soft_forward(@builtin(local_invocation_index) lid: u32) {
  let K = params.K;
  var acc = 0.0;
  for (var i = lid; i < params.N; i += WG) {
    let row = i * K;
    var m = logits[row];
    for (var k = 1u; k < K; k++) { m = max(m, logits[row + k]); }
    var sum = 0.0;
    for (var k = 0u; k < K; k++) { sum += exp(logits[row + k] - m); }
    let lse = m + log(sum);
    for (var k = 0u; k < K; k++) {
      let z = logits[row + k];
      probs[row + k] = exp(z - m) / sum;
      acc += class_weight(k) * smoothed_target(row, k) * (lse - z);
    }
  }
  partials[lid] = vec2f(acc, 0.0);
  workgroupBarrier();
  if (lid == 0u) {
    var total = 0.0;
    for (var j = 0u; j < WG; j++) { total += partials[j].x; }
    loss[0] = total / f32(params.N);
  }
}

// soft_backward: bindings 1-5 (probs, targets, weights, lossScale [1], dlogits). Rows are independent: no barrier.
@compute @workgroup_size(WG)
fn soft_backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.N) { return; }
  let K = params.K;
  let row = i * K;
  var scale = 1.0 / f32(params.N);
  if (HAS_SCALE) { scale *= loss_scale[0]; }
  var csum = 0.0;
  for (var k = 0u; k < K; k++) { csum += class_weight(k) * smoothed_target(row, k); }
  for (var k = 0u; k < K; k++) {
    dlogits[row + k] = scale * (p_in[row + k] * csum - class_weight(k) * smoothed_target(row, k));
  }
}
