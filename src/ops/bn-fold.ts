// Folding an eval-mode batchnorm into the conv before it (shaders/bn_fold.wgsl on WebGPU, a gpu.js kernel on
// the CPU backend), and a float64 reference: inference then runs conv+BN+ReLU as one fused conv+ReLU pass.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

const WG = 256;

export interface BatchNormStats {
  gamma: Tensor;
  beta: Tensor;
  mean: Tensor;
  variance: Tensor;
  eps: number;
}

/** weight' [O, ...] and bias' [O] of the conv (weight [O, ...], bias [O] or null) followed by the batchnorm. */
export function foldBatchNorm(backend: Backend, weight: Tensor, bias: Tensor | null, bn: BatchNormStats): { weight: Tensor; bias: Tensor } {
  const O = weight.shape[0];
  const K = weight.size / O;
  for (const [name, t] of Object.entries({ bias, gamma: bn.gamma, beta: bn.beta, mean: bn.mean, variance: bn.variance })) {
    if (t && t.size !== O) throw new Error(`foldBatchNorm: ${name} [${t.shape}] is not [${O}]`);
  }
  if (backend.kind === 'webgpu') {
    const w = backend.empty(weight.shape);
    const b = backend.empty([O]);
    backend.runtime.run({
      shader: 'bn_fold',
      entry: 'fold',
      constants: { WG },
      uniforms: [O, K, { f32: bn.eps }, Number(bias !== null)],
      buffers: [weight.buffer, (bias ?? bn.beta).buffer, bn.gamma.buffer, bn.beta.buffer, bn.mean.buffer, bn.variance.buffer, w.buffer, b.buffer],
      workgroups: grid1d(weight.size, WG),
    });
    return { weight: w, bias: b };
  }
  const args = [bn.gamma.host, bn.variance.host, Math.fround(bn.eps)] as const;
  const w = backend.kernel('bn_fold.weight', foldWeightCpu, weight.size)(weight.host, ...args, K) as Float32Array;
  const b = backend.kernel('bn_fold.bias', foldBiasCpu, O)((bias ?? bn.beta).host, Number(bias !== null), bn.beta.host, bn.mean.host, ...args) as Float32Array;
  return { weight: backend.wrap(w, weight.shape), bias: backend.wrap(b, [O]) };
}

const foldWeightCpu: CpuKernelFunction = function (weight: number[], gamma: number[], variance: number[], eps: number, K: number) {
  const o = Math.floor(this.thread.x / K);
  return weight[this.thread.x] * (gamma[o] / Math.sqrt(variance[o] + eps));
};

const foldBiasCpu: CpuKernelFunction = function (bias: number[], hasBias: number, beta: number[], mean: number[], gamma: number[], variance: number[], eps: number) {
  const o = this.thread.x;
  const b = hasBias > 0 ? bias[o] : 0;
  return (b - mean[o]) * (gamma[o] / Math.sqrt(variance[o] + eps)) + beta[o];
};

/** Float64 reference of foldBatchNorm over host arrays. */
export function foldBatchNormReference(
  weight: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  bn: { gamma: ArrayLike<number>; beta: ArrayLike<number>; mean: ArrayLike<number>; variance: ArrayLike<number>; eps: number },
): { weight: Float64Array; bias: Float64Array } {
  const O = bn.gamma.length;
  const K = weight.length / O;
  const w = new Float64Array(weight.length);
  const b = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    const s = bn.gamma[o] / Math.sqrt(bn.variance[o] + bn.eps);
    for (let k = 0; k < K; k++) w[o * K + k] = weight[o * K + k] * s;
    b[o] = ((bias ? bias[o] : 0) - bn.mean[o]) * s + bn.beta[o];
  }
  return { weight: w, bias: b };
}
