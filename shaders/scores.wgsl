// Row-wise ops on class scores logits [N, K] (row-major f32), for inference and training metrics:
//   softmax:       probs [N, K] = exp(z - max) / sum exp(z - max) (max-shifted, so +-1000 logits stay finite)
//   count_correct: counter[0] += #{ n : argmax_k z[n, k] == labels[n] } (first maximum wins, as torch.argmax),
//                  so training accuracy accumulates on the device with no read-back per step.
// One invocation per row; K is small (the classes). Test: test/ops/scores.test.ts.

struct Params {
  N: u32,
  K: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>; // softmax only
@group(0) @binding(2) var<storage, read> labels: array<i32>; // count_correct only
@group(0) @binding(3) var<storage, read_write> counter: atomic<u32>; // count_correct only

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn softmax(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  if (n >= params.N) { return; }
  let row = n * params.K;
  var m = logits[row];
  for (var k = 1u; k < params.K; k++) { m = max(m, logits[row + k]); }
  var sum = 0.0;
  for (var k = 0u; k < params.K; k++) { sum += exp(logits[row + k] - m); }
  for (var k = 0u; k < params.K; k++) { probs[row + k] = exp(logits[row + k] - m) / sum; }
}

@compute @workgroup_size(WG)
fn count_correct(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  if (n >= params.N) { return; }
  let row = n * params.K;
  var best = 0u;
  for (var k = 1u; k < params.K; k++) {
    if (logits[row + k] > logits[row + best]) { best = k; }
  }
  if (i32(best) == labels[n]) { atomicAdd(&counter, 1u); }
}
