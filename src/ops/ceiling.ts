// The ceiling kernels of the benchmark: an FMA-bound loop (peak FLOP/s), a vec4 copy and a vec4 read-and-sum
// (bandwidth).
// shaders/ceiling.wgsl on WebGPU, gpu.js kernels on the CPU backend, and float64 references.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

const WG = 64;
/** Independent FMA chains per invocation: enough to hide an FMA's latency on CPUs and GPUs alike. */
export const FMA_CHAINS = 8;

export interface FmaLoop {
  iterations: number;
  /** The recurrence acc <- acc * m + c; |m| < 1 keeps it bounded, so f32 and float64 stay close. */
  m: number;
  c: number;
}

/** FLOPs of fmaPeak over x0 [n, 4]: one multiply and one add per chain, component and iteration. */
export const fmaFlops = (n: number, loop: FmaLoop) => 2 * 4 * FMA_CHAINS * n * loop.iterations;

/** out [n, 4]: the sum over FMA_CHAINS chains (chain j starts at x0 + j) of `loop.iterations` FMAs. */
export function fmaPeak(backend: Backend, x0: Tensor, loop: FmaLoop): Tensor {
  const n = vec4Count(x0, 'fmaPeak');
  if (backend.kind === 'webgpu') {
    const out = backend.empty(x0.shape);
    backend.runtime.run({
      shader: 'ceiling',
      entry: 'fma_peak',
      constants: { WG, CHAINS: FMA_CHAINS },
      uniforms: [n, loop.iterations, { f32: loop.m }, { f32: loop.c }],
      buffers: [x0.buffer, out.buffer],
      workgroups: grid1d(n, WG),
    });
    return out;
  }
  const kernel = backend.kernel('ceiling.fma_peak', fmaCpuKernel, x0.size);
  return backend.wrap(kernel(x0.host, loop.iterations, Math.fround(loop.m), Math.fround(loop.c), FMA_CHAINS) as Float32Array, x0.shape);
}

/** A copy of src [n, 4] made by the copy kernel (not by a buffer copy): the bandwidth ceiling. */
export function copyPeak(backend: Backend, src: Tensor): Tensor {
  const n = vec4Count(src, 'copyPeak');
  if (backend.kind === 'webgpu') {
    const out = backend.empty(src.shape);
    backend.runtime.run({
      shader: 'ceiling',
      entry: 'copy',
      constants: { WG },
      uniforms: [n, 0, { f32: 0 }, { f32: 0 }],
      buffers: [src.buffer, out.buffer],
      workgroups: grid1d(n, WG),
    });
    return out;
  }
  const kernel = backend.kernel('ceiling.copy', copyCpuKernel, src.size);
  return backend.wrap(kernel(src.host) as Float32Array, src.shape);
}

/** out [n, 4]: out[i] = the sum of src[i + k n] over k < reps, for src [reps n, 4]: the read bandwidth. */
export function readPeak(backend: Backend, src: Tensor, reps: number): Tensor {
  const total = vec4Count(src, 'readPeak');
  if (!Number.isInteger(reps) || reps < 1 || total % reps !== 0) throw new Error(`readPeak: ${total} vec4s do not split into ${reps} equal runs`);
  const n = total / reps;
  if (backend.kind === 'webgpu') {
    const out = backend.empty([n, 4]);
    backend.runtime.run({
      shader: 'ceiling',
      entry: 'read_sum',
      constants: { WG },
      uniforms: [n, reps, { f32: 0 }, { f32: 0 }],
      buffers: [src.buffer, out.buffer],
      workgroups: grid1d(n, WG),
    });
    return out;
  }
  const kernel = backend.kernel('ceiling.read_sum', readCpuKernel, 4 * n);
  return backend.wrap(kernel(src.host, n, reps) as Float32Array, [n, 4]);
}

function vec4Count(t: Tensor, what: string): number {
  if (t.shape.length !== 2 || t.shape[1] !== 4) throw new Error(`${what}: expected [n, 4], got [${t.shape}]`);
  return t.shape[0];
}

const fmaCpuKernel: CpuKernelFunction = function (x0: number[], iterations: number, m: number, c: number, chains: number) {
  const start = x0[this.thread.x];
  let total = 0;
  for (let j = 0; j < chains; j++) {
    let acc = start + j;
    for (let k = 0; k < iterations; k++) acc = acc * m + c;
    total += acc;
  }
  return total;
};

const copyCpuKernel: CpuKernelFunction = function (src: number[]) {
  return src[this.thread.x];
};

const readCpuKernel: CpuKernelFunction = function (src: number[], n: number, reps: number) {
  const i = Math.floor(this.thread.x / 4);
  const lane = this.thread.x % 4;
  let sum = 0;
  for (let k = 0; k < reps; k++) sum += src[4 * (i + k * n) + lane];
  return sum;
};

/** Float64 reference of readPeak. */
export function readPeakReference(src: ArrayLike<number>, reps: number): Float64Array {
  const n = src.length / 4 / reps;
  const out = new Float64Array(4 * n);
  for (let k = 0; k < reps; k++) for (let j = 0; j < 4 * n; j++) out[j] += src[4 * k * n + j];
  return out;
}

/** Float64 reference of fmaPeak, element by element (each of the 4 components is its own chain set). */
export function fmaPeakReference(x0: ArrayLike<number>, loop: FmaLoop): Float64Array {
  const m = Math.fround(loop.m);
  const c = Math.fround(loop.c);
  return Float64Array.from({ length: x0.length }, (_, i) => {
    let total = 0;
    for (let j = 0; j < FMA_CHAINS; j++) {
      let acc = x0[i] + j;
      for (let k = 0; k < loop.iterations; k++) acc = acc * m + c;
      total += acc;
    }
    return total;
  });
}
