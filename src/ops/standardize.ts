// Per-band standardisation of feature windows with length masking (shaders/standardize.wgsl on WebGPU,
// a gpu.js kernel on the CPU backend), and a float64 reference. The model's input step: statistics come
// from the training actors and travel with the model.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

const WG = 256;

/**
 * y = (x - mean[c]) * invStd[c] on each window's first min(lengths[n], T_in) frames, 0 after them. x is
 * [N, (1,) C, T_in]; y has x's shape with `frames` (default T_in) as its last dimension, so a batch whose
 * frame count is its own (features of augmented waveforms) comes out at the model's window width.
 * lengths i32 [N]; mean, invStd [C].
 */
export function standardize(backend: Backend, x: Tensor, lengths: Tensor, mean: Tensor, invStd: Tensor, frames?: number): Tensor {
  const N = x.shape[0];
  const Tin = x.shape[x.shape.length - 1];
  const C = x.shape[x.shape.length - 2];
  const T = frames ?? Tin;
  if (x.shape.length < 3 || x.size !== N * C * Tin || Tin < 1) throw new Error(`standardize: x must be [N, (1,) C, T] with T >= 1, got [${x.shape}]`);
  if (!Number.isInteger(T) || T < 1) throw new Error(`standardize: frames must be a whole number >= 1, got ${T}`);
  const shape = [...x.shape.slice(0, -1), T];
  if (lengths.dtype !== 'i32' || lengths.size !== N) throw new Error(`standardize: lengths must be i32 [${N}], got ${lengths.dtype} [${lengths.shape}]`);
  if (mean.size !== C || invStd.size !== C) throw new Error(`standardize: mean [${mean.shape}] and invStd [${invStd.shape}] must be [${C}]`);
  if (backend.kind === 'webgpu') {
    const y = backend.empty(shape);
    backend.runtime.run({
      shader: 'standardize',
      entry: 'forward',
      constants: { WG },
      uniforms: [N, C, T, Tin],
      buffers: [x.buffer, lengths.buffer, mean.buffer, invStd.buffer, y.buffer],
      workgroups: grid1d(N * C * T, WG),
    });
    return y;
  }
  const result = backend.kernel('standardize', standardizeCpu, N * C * T)(x.host, lengths.host, mean.host, invStd.host, C, T, Tin);
  return backend.wrap(result as Float32Array, shape);
}

const standardizeCpu: CpuKernelFunction = function (x: number[], lengths: number[], mean: number[], invStd: number[], C: number, T: number, Tin: number) {
  const i = this.thread.x;
  const t = i % T;
  const row = Math.floor(i / T);
  const c = row % C;
  const n = Math.floor(row / C);
  if (t >= lengths[n] || t >= Tin) return 0;
  return (x[row * Tin + t] - mean[c]) * invStd[c];
};

/** Float64 reference of standardize() of x [N, C, T_in] into [N, C, frames]. */
export function standardizeReference(
  x: ArrayLike<number>,
  [N, C, Tin]: readonly [number, number, number],
  lengths: ArrayLike<number>,
  mean: ArrayLike<number>,
  invStd: ArrayLike<number>,
  frames = Tin,
): Float64Array {
  const y = new Float64Array(N * C * frames);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let t = 0; t < lengths[n] && t < Tin && t < frames; t++) y[(n * C + c) * frames + t] = (x[(n * C + c) * Tin + t] - mean[c]) * invStd[c];
  return y;
}
