// Batch normalisation (torch.nn.BatchNorm2d on [N, C, H, W], BatchNorm1d on [N, C]): shaders/batchnorm.wgsl
// on WebGPU, gpu.js kernels on the CPU, and a float64 reference.
import type { Backend, CpuBackend, CpuKernelFunction, WebGpuBackend } from '../backend/types.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

export interface BatchNormState {
  /** [C] each, updated in place by training forwards; runningVar holds the unbiased variance, as PyTorch. */
  runningMean: Tensor;
  runningVar: Tensor;
}

export interface BatchNormOptions {
  training: boolean;
  momentum?: number;
  eps?: number;
}

interface Layout {
  N: number;
  C: number;
  /** Values per sample and channel: H*W (1 for BatchNorm1d). */
  HW: number;
  /** Values per channel: N * HW. */
  M: number;
}

function layoutOf(x: Tensor, gamma: Tensor): Layout {
  if (x.shape.length < 2) throw new Error(`batchnorm: x must be [N, C, ...], got [${x.shape}]`);
  const [N, C] = x.shape;
  const HW = x.size / (N * C);
  if (gamma.size !== C) throw new Error(`batchnorm: [${gamma.shape}] parameters for ${C} channels`);
  return { N, C, HW, M: N * HW };
}

const WG = 64;
/** Most runs (partials) per channel on hardware adapters. */
const MAX_RUNS = 4096;

/** How the N x HW values of a channel split into runs, one per invocation (see shaders/batchnorm.wgsl). */
export interface BatchNormTiling {
  chunked: boolean;
  /** Runs per sample plane. */
  Ts: number;
  /** Sample stride: run t covers samples t / Ts, t / Ts + Tn, ... */
  Tn: number;
  /** Run length when chunked. */
  L: number;
}

/** Every run is non-empty: Tn <= N, and Ts <= HW (interleaved) or (Ts - 1) * L < HW (chunked). */
export function batchNormTiling(isSoftware: boolean, N: number, HW: number): BatchNormTiling {
  if (isSoftware) {
    // One workgroup per channel, each invocation streaming contiguous runs of >= WG values (or whole planes).
    const Ts = Math.min(WG, Math.ceil(HW / WG));
    return { chunked: true, Ts, Tn: Math.min(N, Math.floor(WG / Ts)), L: Math.ceil(HW / Ts) };
  }
  // Up to 256 neighbouring invocations interleave over a plane (coalesced reads), ~32 values each.
  const Ts = Math.min(HW, 256);
  return { chunked: false, Ts, Tn: Math.max(1, Math.min(N, Math.ceil((N * HW) / (32 * Ts)), Math.floor(MAX_RUNS / Ts))), L: 0 };
}

/** The pipeline constants, uniforms and grid every batchnorm pass over x shares. */
function passOf(backend: WebGpuBackend, l: Layout, momentum = 0, eps = 0) {
  const t = batchNormTiling(backend.adapter.isSoftware, l.N, l.HW);
  const runs = t.Ts * t.Tn;
  return {
    runs,
    constants: { WG, CHUNKED: Number(t.chunked) },
    uniforms: [l.C, l.HW, l.N, t.Ts, t.Tn, t.L, { f32: momentum }, { f32: eps }],
    grid: [groups(runs, WG), l.C] as [number, number],
  };
}

/** gpu.js silently stops loops bounded by a kernel argument after 1,000 iterations unless told before the first run. */
function cpuKernel(backend: CpuBackend, key: string, fn: CpuKernelFunction, outputLength: number) {
  return backend.kernel(key, fn, outputLength).setLoopMaxIterations(2 ** 31 - 1);
}

/** y [like x]; mean and invStd [C] are the batch statistics in training (saved for backward), the running ones in eval. */
export function batchNormForward(
  backend: Backend,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  state: BatchNormState,
  opts: BatchNormOptions,
): { y: Tensor; mean: Tensor; invStd: Tensor } {
  const l = layoutOf(x, gamma);
  const { training, momentum = 0.1, eps = 1e-5 } = opts;
  if (training && l.M < 2) throw new Error(`batchnorm: training needs more than 1 value per channel, got input [${x.shape}]`);
  if (backend.kind === 'webgpu') {
    const pass = passOf(backend, l, momentum, eps);
    const common = { shader: 'batchnorm', constants: pass.constants, uniforms: pass.uniforms };
    const mean = backend.empty([l.C]);
    const invStd = backend.empty([l.C]);
    const coef = backend.empty([l.C, 4]);
    const { runningMean, runningVar } = state;
    if (training) {
      const partials = backend.empty([l.C, pass.runs, 2]);
      backend.runtime.run({ ...common, entry: 'stats', buffers: [x.buffer, partials.buffer], workgroups: pass.grid });
      backend.runtime.run({
        ...common, entry: 'finalize', workgroups: [l.C],
        buffers: [partials.buffer, gamma.buffer, beta.buffer, runningMean.buffer, runningVar.buffer, mean.buffer, invStd.buffer, coef.buffer],
      });
      partials.dispose();
    } else {
      backend.runtime.run({
        ...common, entry: 'eval_stats', workgroups: [groups(l.C, WG)],
        buffers: [runningMean.buffer, runningVar.buffer, gamma.buffer, beta.buffer, mean.buffer, invStd.buffer, coef.buffer],
      });
    }
    const y = backend.empty(x.shape);
    backend.runtime.run({ ...common, entry: 'apply', buffers: [x.buffer, coef.buffer, y.buffer], workgroups: pass.grid });
    coef.dispose();
    return { y, mean, invStd };
  }
  const { runningMean, runningVar } = state;
  const stats = training
    ? (cpuKernel(backend, 'bn.stats', statsCpuKernel, 2 * l.C)(x.host, l.N, l.C, l.HW) as Float32Array)
    : new Float32Array(2 * l.C);
  // Eval mode computes only [mean, invStd] from the running statistics and leaves those alone.
  const fin = cpuKernel(backend, 'bn.finalize', finalizeCpuKernel, (training ? 4 : 2) * l.C)(
    stats, runningMean.host, runningVar.host, l.C, l.M, momentum, eps, Number(training),
  ) as Float32Array;
  const mean = fin.subarray(0, l.C);
  const invStd = fin.subarray(l.C, 2 * l.C);
  if (training) {
    runningMean.host.set(fin.subarray(2 * l.C, 3 * l.C));
    runningVar.host.set(fin.subarray(3 * l.C));
  }
  const y = cpuKernel(backend, 'bn.apply', applyCpuKernel, x.size)(x.host, mean, invStd, gamma.host, beta.host, l.C, l.HW) as Float32Array;
  return { y: backend.wrap(y, x.shape), mean: backend.wrap(mean, [l.C]), invStd: backend.wrap(invStd, [l.C]) };
}

/** Gradients of a training-mode forward, given its saved batch mean and invStd. */
export function batchNormBackward(
  backend: Backend,
  x: Tensor,
  dy: Tensor,
  gamma: Tensor,
  mean: Tensor,
  invStd: Tensor,
): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const l = layoutOf(x, gamma);
  if (dy.size !== x.size) throw new Error(`batchnorm: dy [${dy.shape}] is not like x [${x.shape}]`);
  if (backend.kind === 'webgpu') {
    const pass = passOf(backend, l);
    const common = { shader: 'batchnorm', constants: pass.constants, uniforms: pass.uniforms };
    const partials = backend.empty([l.C, pass.runs, 2]);
    const coef = backend.empty([l.C, 4]);
    const dgamma = backend.empty([l.C]);
    const dbeta = backend.empty([l.C]);
    const dx = backend.empty(x.shape);
    backend.runtime.run({ ...common, entry: 'grad_stats', buffers: [x.buffer, dy.buffer, mean.buffer, partials.buffer], workgroups: pass.grid });
    backend.runtime.run({
      ...common, entry: 'grad_finalize', workgroups: [l.C],
      buffers: [partials.buffer, mean.buffer, invStd.buffer, gamma.buffer, dgamma.buffer, dbeta.buffer, coef.buffer],
    });
    backend.runtime.run({ ...common, entry: 'grad_input', buffers: [x.buffer, dy.buffer, coef.buffer, dx.buffer], workgroups: pass.grid });
    partials.dispose();
    coef.dispose();
    return { dx, dgamma, dbeta };
  }
  const params = cpuKernel(backend, 'bn.grad_params', gradParamsCpuKernel, 2 * l.C)(x.host, dy.host, mean.host, invStd.host, l.N, l.C, l.HW) as Float32Array;
  const dgamma = params.subarray(0, l.C);
  const dbeta = params.subarray(l.C);
  const dx = cpuKernel(backend, 'bn.grad_input', gradInputCpuKernel, x.size)(
    x.host, dy.host, mean.host, invStd.host, gamma.host, dgamma, dbeta, l.C, l.HW, l.M,
  ) as Float32Array;
  return { dx: backend.wrap(dx, x.shape), dgamma: backend.wrap(dgamma, [l.C]), dbeta: backend.wrap(dbeta, [l.C]) };
}

// gpu.js kernels (flat outputs; `this.thread.x` is the output index). gpu.js hoists loop variables to
// function scope, so every loop of a kernel names its own.

/** [mean (C), biased variance (C)], two passes over each channel. */
const statsCpuKernel: CpuKernelFunction = function (x: number[], N: number, C: number, HW: number) {
  const c = this.thread.x % C;
  let sum = 0;
  for (let n = 0; n < N; n++) for (let s = 0; s < HW; s++) sum += x[(n * C + c) * HW + s];
  const mean = sum / (N * HW);
  if (this.thread.x < C) return mean;
  let sq = 0;
  for (let n2 = 0; n2 < N; n2++)
    for (let s2 = 0; s2 < HW; s2++) {
      const d = x[(n2 * C + c) * HW + s2] - mean;
      sq += d * d;
    }
  return sq / (N * HW);
};

/** [mean, invStd, new running mean, new running var] (C each); eval mode takes mean and variance from the running ones. */
const finalizeCpuKernel: CpuKernelFunction = function (
  stats: number[], rm: number[], rv: number[], C: number, M: number, momentum: number, eps: number, training: number,
) {
  const part = Math.floor(this.thread.x / C);
  const c = this.thread.x % C;
  const mean = training > 0 ? stats[c] : rm[c];
  const variance = training > 0 ? stats[C + c] : rv[c];
  if (part === 0) return mean;
  if (part === 1) return 1 / Math.sqrt(variance + eps);
  if (part === 2) return (1 - momentum) * rm[c] + momentum * mean;
  return (1 - momentum) * rv[c] + (momentum * variance * M) / (M - 1);
};

const applyCpuKernel: CpuKernelFunction = function (
  x: number[], mean: number[], invStd: number[], gamma: number[], beta: number[], C: number, HW: number,
) {
  const c = Math.floor(this.thread.x / HW) % C;
  return (x[this.thread.x] - mean[c]) * invStd[c] * gamma[c] + beta[c];
};

/** [dgamma (C), dbeta (C)]. */
const gradParamsCpuKernel: CpuKernelFunction = function (
  x: number[], dy: number[], mean: number[], invStd: number[], N: number, C: number, HW: number,
) {
  const c = this.thread.x % C;
  let sum = 0;
  for (let n = 0; n < N; n++)
    for (let s = 0; s < HW; s++) {
      const i = (n * C + c) * HW + s;
      sum += this.thread.x < C ? dy[i] * (x[i] - mean[c]) * invStd[c] : dy[i];
    }
  return sum;
};

const gradInputCpuKernel: CpuKernelFunction = function (
  x: number[], dy: number[], mean: number[], invStd: number[], gamma: number[], dgamma: number[], dbeta: number[],
  C: number, HW: number, M: number,
) {
  const i = this.thread.x;
  const c = Math.floor(i / HW) % C;
  const xhat = (x[i] - mean[c]) * invStd[c];
  return gamma[c] * invStd[c] * (dy[i] - dbeta[c] / M - (xhat * dgamma[c]) / M);
};

/** Float64 training- or eval-mode forward; returns the running statistics it would leave (inputs untouched). */
export function batchNormReference(
  x: ArrayLike<number>, shape: readonly number[], gamma: ArrayLike<number>, beta: ArrayLike<number>,
  runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, opts: BatchNormOptions,
): { y: Float64Array; mean: Float64Array; invStd: Float64Array; runningMean: Float64Array; runningVar: Float64Array } {
  const [N, C] = shape;
  const HW = x.length / (N * C);
  const M = N * HW;
  const { training, momentum = 0.1, eps = 1e-5 } = opts;
  const channel = (c: number) => Array.from({ length: M }, (_, e) => x[(Math.floor(e / HW) * C + c) * HW + (e % HW)]);
  const mean = new Float64Array(C);
  const invStd = new Float64Array(C);
  const rm = Float64Array.from(runningMean);
  const rv = Float64Array.from(runningVar);
  for (let c = 0; c < C; c++) {
    if (training) {
      const v = channel(c);
      mean[c] = v.reduce((a, b) => a + b, 0) / M;
      const ss = v.reduce((a, b) => a + (b - mean[c]) ** 2, 0);
      invStd[c] = 1 / Math.sqrt(ss / M + eps);
      rm[c] = (1 - momentum) * rm[c] + momentum * mean[c];
      rv[c] = (1 - momentum) * rv[c] + (momentum * ss) / (M - 1);
    } else {
      mean[c] = runningMean[c];
      invStd[c] = 1 / Math.sqrt(runningVar[c] + eps);
    }
  }
  const y = Float64Array.from(x, (v, i) => {
    const c = Math.floor(i / HW) % C;
    return (v - mean[c]) * invStd[c] * gamma[c] + beta[c];
  });
  return { y, mean, invStd, runningMean: rm, runningVar: rv };
}

/** Float64 gradients of the training-mode forward (through the batch statistics). */
export function batchNormBackwardReference(
  x: ArrayLike<number>, shape: readonly number[], dy: ArrayLike<number>, gamma: ArrayLike<number>,
  mean: ArrayLike<number>, invStd: ArrayLike<number>,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const [N, C] = shape;
  const HW = x.length / (N * C);
  const M = N * HW;
  const chan = (i: number) => Math.floor(i / HW) % C;
  const xhat = (i: number) => (x[i] - mean[chan(i)]) * invStd[chan(i)];
  const dgamma = new Float64Array(C);
  const dbeta = new Float64Array(C);
  for (let i = 0; i < x.length; i++) {
    dgamma[chan(i)] += dy[i] * xhat(i);
    dbeta[chan(i)] += dy[i];
  }
  // dL/dxhat = dy * gamma; the mean and variance terms subtract its projection on 1 and on xhat.
  const dx = Float64Array.from(dy, (g, i) => {
    const c = chan(i);
    return gamma[c] * invStd[c] * (g - dbeta[c] / M - (xhat(i) * dgamma[c]) / M);
  });
  return { dx, dgamma, dbeta };
}
