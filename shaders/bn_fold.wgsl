// Folds an eval-mode batchnorm into the conv before it, for inference: with s = gamma * inverseSqrt(var + eps),
//   weight'[o, ...] = weight[o, ...] * s[o]      bias'[o] = (bias[o] - mean[o]) * s[o] + beta[o]
// (torch.nn.utils.fusion.fuse_conv_bn_weights), so conv+BN+ReLU becomes one fused conv+ReLU pass.
// weight [O, K] row-major (K = C * kh * kw), every other tensor [O]. Test: test/ops/bn-fold.test.ts.

struct Params {
  O: u32,
  K: u32,
  eps: f32,
  has_bias: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>; // any buffer without a bias (never read)
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read> mean: array<f32>;
@group(0) @binding(6) var<storage, read> variance: array<f32>;
@group(0) @binding(7) var<storage, read_write> weight_out: array<f32>;
@group(0) @binding(8) var<storage, read_write> bias_out: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn fold(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.O * params.K) { return; }
  let o = i / params.K;
  let s = gamma[o] * inverseSqrt(variance[o] + params.eps);
  weight_out[i] = weight[i] * s;
  if (i % params.K == 0u) {
    let b = select(0.0, bias[o], params.has_bias != 0u);
    bias_out[o] = (b - mean[o]) * s + beta[o];
  }
}
