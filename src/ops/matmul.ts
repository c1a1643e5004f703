// Batched matmul with optional transposes: shaders/matmul.wgsl or shaders/matmul_subgroup.wgsl (software
// adapters with 8-lane subgroups) on WebGPU, a gpu.js kernel on the CPU.
import type { IKernelRunShortcut } from 'gpu.js';
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import type { AdapterReport } from '../gpu/device.js';
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

/**
 * Invocations per workgroup and the register tile of each: TM rows x TN columns (shaders/matmul.wgsl), or
 * TM rows x TV vec4s of columns (shaders/matmul_subgroup.wgsl).
 */
export type Tiling = { shader: 'matmul'; WG: number; TM: number; TN: number } | { shader: 'matmul_subgroup'; WG: number; TM: number; TV: number };

const pow2AtLeast = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * Software adapters (lavapipe) run a workgroup as SIMD lanes and load storage lane by lane, so the tile that
 * pays best is one 8-lane vector per workgroup with few loads per FMA: with subgroups of >= 8 lanes, 16 rows
 * shared through subgroupBroadcast x 4 vec4s of columns (measured ~2x the GFLOP/s of the 16 x 8 scalar tile);
 * without them (SwiftShader: 4 lanes), that 16 x 8 tile (2.2-2.6x a 4 x 4 tile over 8 x 8 invocations).
 * Real GPUs keep a 4 x 4 tile over 64 invocations (registers, occupancy). Tiles shrink to small M and N so
 * that no invocation computes mostly clamped rows or columns.
 */
export function matmulTiling(adapter: Pick<AdapterReport, 'isSoftware' | 'subgroupMinSize'>, M: number, N: number): Tiling {
  const TM = Math.min(adapter.isSoftware ? 16 : 4, pow2AtLeast(M));
  if (!adapter.isSoftware) return { shader: 'matmul', WG: 64, TM, TN: Math.min(4, pow2AtLeast(Math.ceil(N / 64))) };
  if (adapter.subgroupMinSize < 8) return { shader: 'matmul', WG: 8, TM, TN: Math.min(8, pow2AtLeast(Math.ceil(N / 8))) };
  return { shader: 'matmul_subgroup', WG: 8, TM, TV: Math.min(4, pow2AtLeast(Math.ceil(N / 32))) };
}

/** The bench's name of a tiling. */
export const tilingName = (t: Tiling) => (t.shader === 'matmul' ? `WG=${t.WG} TM=${t.TM} TN=${t.TN}` : `subgroup rows WG=${t.WG} TM=${t.TM} TV=${t.TV} (vec4s)`);

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
    const { shader, ...t } = options.tiling ?? matmulTiling(backend.runtime.report, s.M, s.N);
    const flags = { TRANS_A: Number(transA), TRANS_B: Number(transB), HAS_BIAS: Number(!!bias) };
    const uniforms = [s.M, s.N, s.K, s.strideA, s.strideB, Number(accumulate)];
    // The bias binding is statically used, so it needs a buffer even when unread: `a` (read-only aliases are legal).
    const buffers = [a.buffer, b.buffer, out.buffer, (bias ?? a).buffer];
    const workgroups = [groups(s.N, t.WG * ('TN' in t ? t.TN : 4 * t.TV)), groups(s.M, t.TM), s.batch] as const;
    if (shader === 'matmul') {
      backend.runtime.run({ shader, constants: { ...flags, ...t }, uniforms, buffers, workgroups });
    } else {
      // B again as vec4s (read where its rows are 16-byte aligned).
      const B_VEC4 = Number(!transB && s.N % 4 === 0 && s.strideB % 4 === 0);
      backend.runtime.run({ shader, constants: { ...flags, B_VEC4, ...t }, uniforms, buffers: [...buffers, b.buffer], workgroups });
    }
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
