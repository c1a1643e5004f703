// The ceiling rows, measured before any other: the adapter's peak FLOP/s (an FMA-bound loop), its bandwidth (the
// best of a vec4 copy of a buffer larger than caches, of one that fits them, and of a vec4 read-and-sum) and the
// cost of one tiny dispatch (what launch-bound rows pay per kernel).
import { copyPeak, fmaFlops, fmaPeak, fmaPeakReference, readPeak, readPeakReference, type FmaLoop } from '../../ops/ceiling.js';
import { check, instance, random, type KernelCase } from './case.js';

/** Shapes that keep every core busy for milliseconds: software adapters are ~1000x slower than GPUs. */
export interface CeilingScale {
  /** Invocations of the FMA loop. */
  fmaThreads: number;
  /** vec4s copied or read: more than the caches hold (32 MiB on software adapters). */
  copyVec4s: number;
}

export const ceilingScale = (kind: 'webgpu' | 'cpu', software: boolean): CeilingScale =>
  kind === 'cpu' ? { fmaThreads: 256, copyVec4s: 1 << 18 } : software ? { fmaThreads: 1 << 14, copyVec4s: 1 << 21 } : { fmaThreads: 1 << 20, copyVec4s: 1 << 24 };

// m = 1 - 2^-8: the recurrence forgets its start slowly (the result depends on every iteration), and f32
// rounding errors stay within ~256 ulps of the result.
const LOOP: FmaLoop = { iterations: 1024, m: 1 - 2 ** -8, c: 0.01 };
const VALIDATION_THREADS = 128;
const DISPATCH_VEC4S = 16;

export const CEILING_FLOPS = 'ceiling: FMA peak';
export const DISPATCH_COST = 'ceiling: one tiny dispatch';
/** Vec4s each invocation of the read kernel sums. */
const READ_REPS = 64;
/** The cache-sized copy moves this fraction of the large one. */
const CACHE_FRACTION = 16;

export function ceilingCases(scale: CeilingScale): KernelCase[] {
  return [
    {
      kernel: CEILING_FLOPS, shape: `${scale.fmaThreads} threads x ${LOOP.iterations} iterations x 8 vec4 chains`,
      work: { flops: fmaFlops(scale.fmaThreads, LOOP) },
      setup(backend, small) {
        const n = small ? VALIDATION_THREADS : scale.fmaThreads;
        const x0 = random(4 * n, 200);
        const t = backend.upload(x0, [n, 4]);
        // f32 sums of 8 chains, each within ~256 ulps of its float64 twin.
        return instance([t], () => [fmaPeak(backend, t, LOOP)], async ([out]) => check('FMA peak', await out.read(), fmaPeakReference(x0, LOOP), 1e-4));
      },
    },
    copyCase('ceiling: copy bandwidth', scale.copyVec4s),
    copyCase('ceiling: copy bandwidth, cache-sized', scale.copyVec4s / CACHE_FRACTION),
    {
      kernel: 'ceiling: read bandwidth', shape: `${scale.copyVec4s} vec4 (${mib(scale.copyVec4s)} MiB) summed in runs of ${READ_REPS}`,
      work: { bytes: 16 * (scale.copyVec4s + scale.copyVec4s / READ_REPS) },
      setup(backend, small) {
        const n = small ? 4096 : scale.copyVec4s;
        const src = random(4 * n, 202);
        const t = backend.upload(src, [n, 4]);
        // f32 sums of 64 values in [-1, 1).
        return instance([t], () => [readPeak(backend, t, READ_REPS)], async ([out]) => check('read bandwidth', await out.read(), readPeakReference(src, READ_REPS), 1e-5));
      },
    },
    copyCase(DISPATCH_COST, DISPATCH_VEC4S),
  ];
}

const mib = (vec4s: number) => ((16 * vec4s) / 2 ** 20).toFixed(vec4s < 1 << 16 ? 4 : 0);

/** The bandwidth ceiling: the best of the ceiling rows that move bytes, the tiny dispatch excepted. */
export const isBandwidthCeiling = (kernel: string) => kernel.startsWith('ceiling:') && kernel !== CEILING_FLOPS && kernel !== DISPATCH_COST;

function copyCase(kernel: string, vec4s: number): KernelCase {
  return {
    kernel, shape: `${vec4s} vec4 (${mib(vec4s)} MiB)`, work: { bytes: 2 * 16 * vec4s },
    setup(backend, small) {
      const n = small ? Math.min(vec4s, 4096) : vec4s;
      const src = random(4 * n, 201);
      const t = backend.upload(src, [n, 4]);
      return instance([t], () => [copyPeak(backend, t)], async ([out]) => check(kernel, await out.read(), src, 0));
    },
  };
}
