// What one benchmark row is made of, and the helpers its validation uses.
import type { Backend, WebGpuBackend } from '../../backend/types.js';
import { expectClose } from '../../expect-close.js';
import type { Conv2dPass } from '../../ops/conv2d.js';
import type { Tensor } from '../../tensor.js';

/** One set-up of a kernel: inputs uploaded, ready to record. */
export interface Instance {
  /** Records the kernel's dispatches once and returns its outputs (the caller disposes them). */
  run(): Tensor[];
  /** Throws unless `outputs` (of run()) match the op's float64 reference. */
  validate(outputs: Tensor[]): Promise<void>;
  dispose(): void;
}

export interface KernelCase {
  kernel: string;
  /** The benchmarked shape, as printed. */
  shape: string;
  /** Compute-bound kernels count floating-point operations, memory-bound ones the bytes they must move. */
  work: Work;
  /** The op's own tiling choice for the benchmarked shape; the pipeline keys when it exports none. */
  variant?: (backend: WebGpuBackend) => string;
  /** The same conv2d pass and shapes on TensorFlow.js (--tfjs), NCHW shapes. */
  tfjs?: { pass: Conv2dPass; input: number[]; weight: number[] };
  /** `small`: a shape whose float64 reference is quick, for validation; else the benchmarked one. */
  setup(backend: Backend, small: boolean): Instance;
}

/**
 * Compute rows also state the least bytes they must move (inputs read once, outputs written once): a row whose
 * FLOPs per byte fall below the machine's balance is bound by bandwidth (the roofline), and measured against it.
 */
export type Work = { flops: number; bytes?: number } | { bytes: number };

/** Deterministic uniform values in [-scale, scale) (mulberry32), so a failing validation repeats. */
export function random(n: number, seed = 1, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Throws when any element is off by more than `tol` relative to the reference's largest magnitude: f32
 * sums of many terms carry errors proportional to the sum's scale, not to each small element.
 */
export function check(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  expectClose(actual, expected, { atol: tol * scale, rtol: tol }, `validation of ${what}`);
}

/** Reads every tensor back. */
export const readAll = (tensors: Tensor[]) => Promise.all(tensors.map((t) => t.read()));

/** An Instance over uploaded tensors that it frees. */
export function instance(owned: Tensor[], run: () => Tensor[], validate: (outputs: Tensor[]) => Promise<void>): Instance {
  return { run, validate, dispose: () => owned.forEach((t) => t.dispose()) };
}
