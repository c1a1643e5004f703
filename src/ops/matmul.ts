// Batched matmul with optional transposes: shaders/matmul.wgsl on WebGPU, a gpu.js kernel on the CPU.
import type { IKernelRunShortcut } from 'gpu.js';
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  /** Add the product into `out` instead of overwriting it (gradient accumulation). */
  out?: Tensor;
  /** [N], added to every row of the product (fused into the kernel's epilogue). */
  bias?: Tensor;
  /** WebGPU register tiling instead of matmulTiling()'s choice for the adapter (tests, benchmarks). */
  tiling?: Tiling;
}

interface MatmulShape {
  batch: number;
  M: number;
  N: number;
  K: number;
  strideA: number;
  strideB: number;
}

/** Reads [.., M, K] / [.., K, N] shapes (2-D operands broadcast over the batch of the other). */
export function matmulShape(a: readonly number[], b: readonly number[], transA = false, transB = false): MatmulShape {
  if (a.length < 2 || b.length < 2) throw new Error(`matmul: operands need rank >= 2, got [${a}] and [${b}]`);
  const batchA = a.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = b.slice(0, -2).reduce((x, y) => x * y, 1);
  const [ra, ca] = a.slice(-2);
  const [rb, cb] = b.slice(-2);
  const [M, K] = transA ? [ca, ra] : [ra, ca];
  const [KB, N] = transB ? [cb, rb] : [rb, cb];
  if (K !== KB) throw new Error(`matmul: inner sizes differ: [${a}]${transA ? 'ᵀ' : ''} · [${b}]${transB ? 'ᵀ' : ''}`);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) throw new Error(`matmul: batch sizes of [${a}] and [${b}] differ`);
  const batch = Math.max(batchA, batchB);
  return { batch, M, N, K, strideA: batchA === 1 ? 0 : M * K, strideB: batchB === 1 ? 0 : K * N };
}

/** Invocations per workgroup, and rows x columns of C per invocation (shaders/matmul.wgsl). */
export interface Tiling {
  WG: number;
  TM: number;
  TN: number;
}

const pow2AtLeast = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * Software adapters (lavapipe) run a workgroup as SIMD lanes and load storage lane by lane, so a big
 * register tile (16 x 8: 5.3 FMAs per load, 4 x 4: 2) and one 8-lane vector per workgroup pay best
 * (measured 2.2-2.6x the GFLOP/s of a 4 x 4 tile over 8 x 8 invocations). Real GPUs keep a 4 x 4 tile over 64 invocations (registers, occupancy). Tiles
 * shrink to small M and N so that no invocation computes mostly clamped rows or columns.
 */
export function matmulTiling(software: boolean, M: number, N: number): Tiling {
  const [WG, maxTM, maxTN] = software ? [8, 16, 8] : [64, 4, 4];
  return { WG, TM: Math.min(maxTM, pow2AtLeast(M)), TN: Math.min(maxTN, pow2AtLeast(Math.ceil(N / WG))) };
}

export function matmul(backend: Backend, a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false, bias } = options;
  const s = matmulShape(a.shape, b.shape, transA, transB);
  const outShape = s.batch === 1 && a.shape.length === 2 && b.shape.length === 2 ? [s.M, s.N] : [s.batch, s.M, s.N];
  const accumulate = options.out !== undefined;
  if (options.out && options.out.size !== s.batch * s.M * s.N) throw new Error(`matmul: out [${options.out.shape}] is not [${outShape}]`);
  if (bias && bias.size !== s.N) throw new Error(`matmul: bias [${bias.shape}] does not have ${s.N} elements`);
  if (backend.kind === 'webgpu') {
    const out = options.out ?? backend.empty(outShape);
    if (out.size === 0) return out;
    const t = options.tiling ?? matmulTiling(backend.runtime.report.isSoftware, s.M, s.N);
    backend.runtime.run({
      shader: 'matmul',
      constants: { TRANS_A: Number(transA), TRANS_B: Number(transB), HAS_BIAS: Number(!!bias), ...t },
      uniforms: [s.M, s.N, s.K, s.strideA, s.strideB, Number(accumulate)],
      // The bias binding is statically used, so it needs a buffer even when unread: `a` (read-only aliases are legal).
      buffers: [a.buffer, b.buffer, out.buffer, (bias ?? a).buffer],
      workgroups: [groups(s.N, t.WG * t.TN), groups(s.M, t.TM), s.batch],
    });
    return out;
  }
  const kernel = backend.kernel('matmul', matmulCpuKernel, s.batch * s.M * s.N);
  // Unread placeholders hold one element: gpu.js's WebAssembly mode cannot take an empty array.
  const prev = options.out ? options.out.host : new Float32Array(1);
  const biasHost = bias ? bias.host : new Float32Array(1);
  const result = kernel(a.host, b.host, prev, biasHost, s.M, s.N, s.K, s.strideA, s.strideB, Number(transA), Number(transB), Number(accumulate), Number(!!bias)) as Float32Array;
  if (options.out) {
    options.out.host.set(result);
    return options.out;
  }
  return backend.wrap(result, outShape);
}

const matmulCpuKernel: CpuKernelFunction = function (
  a: number[], b: number[], prev: number[], bias: number[],
  M: number, N: number, K: number, strideA: number, strideB: number,
  transA: number, transB: number, accumulate: number, hasBias: number,
) {
  const i = this.thread.x;
  const batch = Math.floor(i / (M * N));
  const row = Math.floor((i % (M * N)) / N);
  const col = i % N;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const av = transA > 0 ? a[batch * strideA + k * M + row] : a[batch * strideA + row * K + k];
    const bv = transB > 0 ? b[batch * strideB + col * K + k] : b[batch * strideB + k * N + col];
    sum += av * bv;
  }
  if (accumulate > 0) sum += prev[i];
  if (hasBias > 0) sum += bias[col];
  return sum;
};

/** Float64 reference of one (batch-free) product, written as the textbook triple loop. */
export function matmulReference(a: ArrayLike<number>, b: ArrayLike<number>, M: number, N: number, K: number, transA = false, transB = false): Float64Array {
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (transA ? a[k * M + m] : a[m * K + k]) * (transB ? b[n * K + k] : b[k * N + n]);
      out[m * N + n] = sum;
    }
  return out;
}
