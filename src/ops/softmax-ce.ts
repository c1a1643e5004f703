// Fused softmax + cross-entropy (mean over the batch, optional class weights and label smoothing, as
// torch.nn.functional.cross_entropy) for integer labels and for probability targets [N, K] (mixup's soft
// targets): shaders/softmax_ce.wgsl on WebGPU, gpu.js kernels on the CPU.
import type { Backend, CpuKernelFunction, WebGpuBackend } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { softmax } from './scores.js';

export interface CrossEntropyOptions {
  /** [K] weight of each class; the mean divides by the summed weights of the targets, as PyTorch. */
  classWeights?: Tensor | null;
  /** eps: targets become (1 - eps) * onehot + eps / K. */
  labelSmoothing?: number;
}

const WG = 64;

function check(logits: Tensor, labels: Tensor, opts: CrossEntropyOptions): { N: number; K: number; eps: number } {
  const [N, K] = logits.shape;
  if (logits.shape.length !== 2 || N < 1) throw new Error(`cross-entropy: logits must be [N, K], got [${logits.shape}]`);
  if (labels.dtype !== 'i32' || labels.size !== N) throw new Error(`cross-entropy: labels must be i32 [${N}], got ${labels.dtype} [${labels.shape}]`);
  return { N, K, eps: checkOptions(K, opts) };
}

function checkSoft(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions): { N: number; K: number; eps: number } {
  const [N, K] = logits.shape;
  if (logits.shape.length !== 2 || N < 1) throw new Error(`cross-entropy: logits must be [N, K], got [${logits.shape}]`);
  if (targets.dtype !== 'f32' || targets.shape.length !== 2 || targets.shape[0] !== N || targets.shape[1] !== K) {
    throw new Error(`cross-entropy: soft targets must be f32 [${N}, ${K}], got ${targets.dtype} [${targets.shape}]`);
  }
  return { N, K, eps: checkOptions(K, opts) };
}

function checkOptions(K: number, opts: CrossEntropyOptions): number {
  if (opts.classWeights && opts.classWeights.size !== K) throw new Error(`cross-entropy: class weights [${opts.classWeights.shape}] are not [${K}]`);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`cross-entropy: label smoothing ${eps} is outside [0, 1]`);
  return eps;
}

function checkScale(lossScale: Tensor | null): void {
  if (lossScale && lossScale.size !== 1) throw new Error(`cross-entropy: lossScale must be [1], got [${lossScale.shape}]`);
}

/** loss [1] (the weighted mean over the batch) and softmax probs [N, K], which the backward pass takes. */
export function softmaxCrossEntropyForward(
  backend: Backend,
  logits: Tensor,
  labels: Tensor,
  opts: CrossEntropyOptions = {},
): { loss: Tensor; probs: Tensor } {
  return forwardWith(backend, logits, labels, opts, check(logits, labels, opts), 'forward', lossCpuKernel);
}

/** dlogits [N, K] of the mean loss, times lossScale[0] (the upstream gradient) when given. */
export function softmaxCrossEntropyBackward(
  backend: Backend,
  probs: Tensor,
  labels: Tensor,
  opts: CrossEntropyOptions = {},
  lossScale: Tensor | null = null,
): Tensor {
  const { N, K, eps } = check(probs, labels, opts);
  const weights = opts.classWeights ?? null;
  checkScale(lossScale);
  // One workgroup: the mean's denominator sums the target weights of the whole batch.
  if (backend.kind === 'webgpu') return backwardOnDevice(backend, 'backward', probs, labels, weights, lossScale, eps, [1]);
  const w = weights ? weights.host : new Float32Array(1);
  const hasWeights = Number(weights !== null);
  const den = backend.kernel('ce.target_weight', targetWeightCpuKernel, 1)(labels.host, w, N, hasWeights) as Float32Array;
  const scale = lossScale ? lossScale.host : new Float32Array([1]);
  const grad = backend.kernel('ce.grad', gradCpuKernel, N * K)(probs.host, labels.host, w, den, scale, K, eps, hasWeights) as Float32Array;
  return backend.wrap(grad, [N, K]);
}

/** Probability targets [N, K] (rows summing to 1): loss [1], the mean over rows of sum_k w_k t'_k (-log p_k)
 * with t' = (1 - eps) t + eps / K (PyTorch divides by N here, not by summed weights), and probs [N, K]. */
export function softmaxCrossEntropySoftForward(
  backend: Backend,
  logits: Tensor,
  targets: Tensor,
  opts: CrossEntropyOptions = {},
): { loss: Tensor; probs: Tensor } {
  return forwardWith(backend, logits, targets, opts, checkSoft(logits, targets, opts), 'soft_forward', softLossCpuKernel);
}

/** Both forwards: `targets` is the labels [N] (entry 'forward') or the probability targets [N, K] ('soft_forward'). */
function forwardWith(
  backend: Backend,
  logits: Tensor,
  targets: Tensor,
  opts: CrossEntropyOptions,
  { N, K, eps }: { N: number; K: number; eps: number },
  entry: 'forward' | 'soft_forward',
  lossCpu: CpuKernelFunction,
): { loss: Tensor; probs: Tensor } {
  const weights = opts.classWeights ?? null;
  if (backend.kind === 'webgpu') {
    const probs = backend.empty([N, K]);
    const loss = backend.empty([1]);
    backend.runtime.run({
      shader: 'softmax_ce',
      entry,
      constants: { WG, HAS_WEIGHTS: Number(weights !== null) },
      uniforms: [N, K, { f32: eps }],
      // Without weights the (unread) weights binding takes the logits buffer.
      buffers: [logits.buffer, targets.buffer, (weights ?? logits).buffer, probs.buffer, loss.buffer],
      workgroups: [1],
    });
    return { loss, probs };
  }
  const w = weights ? weights.host : new Float32Array(1);
  const loss = backend.kernel(`ce.${entry}.loss`, lossCpu, 1)(logits.host, targets.host, w, N, K, eps, Number(weights !== null)) as Float32Array;
  return { loss: backend.wrap(loss, [1]), probs: softmax(backend, logits) };
}

/** dlogits [N, K] of the soft-target mean loss, times lossScale[0] when given. */
export function softmaxCrossEntropySoftBackward(
  backend: Backend,
  probs: Tensor,
  targets: Tensor,
  opts: CrossEntropyOptions = {},
  lossScale: Tensor | null = null,
): Tensor {
  const { N, K, eps } = checkSoft(probs, targets, opts);
  const weights = opts.classWeights ?? null;
  checkScale(lossScale);
  if (backend.kind === 'webgpu') return backwardOnDevice(backend, 'soft_backward', probs, targets, weights, lossScale, eps, [Math.ceil(N / WG)]);
  const w = weights ? weights.host : new Float32Array(1);
  const scale = lossScale ? lossScale.host : new Float32Array([1]);
  const grad = backend.kernel('ce.soft_grad', softGradCpuKernel, N * K)(probs.host, targets.host, w, scale, N, K, eps, Number(weights !== null)) as Float32Array;
  return backend.wrap(grad, [N, K]);
}

/** Both backwards on WebGPU: `targets` is the labels [N] ('backward') or the probability targets [N, K] ('soft_backward'). */
function backwardOnDevice(
  backend: WebGpuBackend,
  entry: 'backward' | 'soft_backward',
  probs: Tensor,
  targets: Tensor,
  weights: Tensor | null,
  lossScale: Tensor | null,
  eps: number,
  workgroups: [number],
): Tensor {
  const [N, K] = probs.shape;
  const dlogits = backend.empty([N, K]);
  backend.runtime.run({
    shader: 'softmax_ce',
    entry,
    constants: { WG, HAS_WEIGHTS: Number(weights !== null), HAS_SCALE: Number(lossScale !== null) },
    uniforms: [N, K, { f32: eps }],
    // Without weights or a scale, those (unread) bindings take the probs buffer.
    buffers: [probs.buffer, targets.buffer, (weights ?? probs).buffer, (lossScale ?? probs).buffer, dlogits.buffer],
    workgroups,
  });
  return dlogits;
}

// gpu.js kernels (flat outputs; `this.thread.x` is the output index). gpu.js hoists loop variables to
// function scope, so every loop of a kernel names its own.

const lossCpuKernel: CpuKernelFunction = function (z: number[], labels: number[], w: number[], N: number, K: number, eps: number, hasWeights: number) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < N; i++) {
    const row = i * K;
    let m = z[row];
    for (let a = 1; a < K; a++) m = Math.max(m, z[row + a]);
    let sum = 0;
    for (let b = 0; b < K; b++) sum += Math.exp(z[row + b] - m);
    const lse = m + Math.log(sum);
    let smooth = 0;
    for (let c = 0; c < K; c++) smooth += (hasWeights > 0 ? w[c] : 1) * (lse - z[row + c]);
    const y = labels[i];
    const wy = hasWeights > 0 ? w[y] : 1;
    num += (1 - eps) * wy * (lse - z[row + y]) + (eps / K) * smooth;
    den += wy;
  }
  return num / den;
};

const targetWeightCpuKernel: CpuKernelFunction = function (labels: number[], w: number[], N: number, hasWeights: number) {
  let den = 0;
  for (let i = 0; i < N; i++) den += hasWeights > 0 ? w[labels[i]] : 1;
  return den;
};

const gradCpuKernel: CpuKernelFunction = function (
  p: number[], labels: number[], w: number[], den: number[], scale: number[], K: number, eps: number, hasWeights: number,
) {
  const i = Math.floor(this.thread.x / K);
  const k = this.thread.x - i * K;
  const y = labels[i];
  let wsum = K;
  if (hasWeights > 0) {
    wsum = 0;
    for (let j = 0; j < K; j++) wsum += w[j];
  }
  const hard = (1 - eps) * (hasWeights > 0 ? w[y] : 1);
  const onehot = k === y ? 1 : 0;
  const wk = hasWeights > 0 ? w[k] : 1;
  return (scale[0] / den[0]) * (hard * (p[this.thread.x] - onehot) + (eps / K) * (wsum * p[this.thread.x] - wk));
};

const softLossCpuKernel: CpuKernelFunction = function (z: number[], t: number[], w: number[], N: number, K: number, eps: number, hasWeights: number) {
  let num = 0;
  for (let i = 0; i < N; i++) {
    const row = i * K;
    let m = z[row];
    for (let a = 1; a < K; a++) m = Math.max(m, z[row + a]);
    let sum = 0;
    for (let b = 0; b < K; b++) sum += Math.exp(z[row + b] - m);
    const lse = m + Math.log(sum);
    for (let c = 0; c < K; c++) num += (hasWeights > 0 ? w[c] : 1) * ((1 - eps) * t[row + c] + eps / K) * (lse - z[row + c]);
  }
  return num / N;
};

const softGradCpuKernel: CpuKernelFunction = function (
  p: number[], t: number[], w: number[], scale: number[], N: number, K: number, eps: number, hasWeights: number,
) {
  const row = Math.floor(this.thread.x / K) * K;
  const k = this.thread.x - row;
  let csum = 0;
  for (let j = 0; j < K; j++) csum += (hasWeights > 0 ? w[j] : 1) * ((1 - eps) * t[row + j] + eps / K);
  const ck = (hasWeights > 0 ? w[k] : 1) * ((1 - eps) * t[this.thread.x] + eps / K);
  return (scale[0] / N) * (p[this.thread.x] * csum - ck);
};

/** c_k, the factor of -log p_k in a row's loss: PyTorch weighs the hard target by its class weight and the
 * smoothing part by each class's own weight. */
function lossWeight(k: number, label: number, w: (k: number) => number, eps: number, K: number): number {
  return (1 - eps) * (k === label ? w(k) : 0) + (eps / K) * w(k);
}

/** Float64 reference from the definition: log-softmax, smoothed targets, weighted mean. */
export function softmaxCrossEntropyReference(
  logits: ArrayLike<number>, labels: ArrayLike<number>, N: number, K: number,
  weights: ArrayLike<number> | null = null, eps = 0,
): { loss: number; probs: Float64Array } {
  const w = (k: number) => (weights ? weights[k] : 1);
  const probs = new Float64Array(N * K);
  let num = 0;
  let den = 0;
  for (let i = 0; i < N; i++) {
    const row = Array.from({ length: K }, (_, k) => logits[i * K + k]);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
    for (let k = 0; k < K; k++) {
      const logp = row[k] - lse;
      probs[i * K + k] = Math.exp(logp);
      num -= lossWeight(k, labels[i], w, eps, K) * logp;
    }
    den += w(labels[i]);
  }
  return { loss: num / den, probs };
}

/** Float64 dlogits of the mean loss from softmax probs. */
export function softmaxCrossEntropyBackwardReference(
  probs: ArrayLike<number>, labels: ArrayLike<number>, N: number, K: number,
  weights: ArrayLike<number> | null = null, eps = 0,
): Float64Array {
  const w = (k: number) => (weights ? weights[k] : 1);
  let den = 0;
  for (let i = 0; i < N; i++) den += w(labels[i]);
  const out = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    // d/dz_j of sum_k c_k * -log p_k is p_j * sum_k c_k - c_j.
    const c = Array.from({ length: K }, (_, k) => lossWeight(k, labels[i], w, eps, K));
    const csum = c.reduce((a, b) => a + b, 0);
    for (let j = 0; j < K; j++) out[i * K + j] = (probs[i * K + j] * csum - c[j]) / den;
  }
  return out;
}

/** Float64 reference for probability targets, from the definition: log-softmax, smoothed targets, mean over N. */
export function softmaxCrossEntropySoftReference(
  logits: ArrayLike<number>, targets: ArrayLike<number>, N: number, K: number,
  weights: ArrayLike<number> | null = null, eps = 0,
): { loss: number; probs: Float64Array } {
  const probs = new Float64Array(N * K);
  let total = 0;
  for (let i = 0; i < N; i++) {
    const row = Array.from({ length: K }, (_, k) => logits[i * K + k]);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
    for (let k = 0; k < K; k++) {
      probs[i * K + k] = Math.exp(row[k] - lse);
      total -= (weights ? weights[k] : 1) * ((1 - eps) * targets[i * K + k] + eps / K) * (row[k] - lse);
    }
  }
  return { loss: total / N, probs };
}

/** Float64 dlogits of the soft-target mean loss: (p_j sum_k c_k - c_j) / N with c_k = w_k t'_k. */
export function softmaxCrossEntropySoftBackwardReference(
  probs: ArrayLike<number>, targets: ArrayLike<number>, N: number, K: number,
  weights: ArrayLike<number> | null = null, eps = 0,
): Float64Array {
  const out = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    const c = Array.from({ length: K }, (_, k) => (weights ? weights[k] : 1) * ((1 - eps) * targets[i * K + k] + eps / K));
    const csum = c.reduce((a, b) => a + b, 0);
    for (let j = 0; j < K; j++) out[i * K + j] = (probs[i * K + j] * csum - c[j]) / N;
  }
  return out;
}
