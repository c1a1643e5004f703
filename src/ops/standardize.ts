// Per-band standardisation of feature windows with length masking (shaders/standardize.wgsl on WebGPU,
// a gpu.js kernel on the CPU backend), and a float64 reference. The model's input step: statistics come
// from the training actors and travel with the model.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

const WG = 256;

/**
 * y [N, C, T] (or x's shape, any [N, 1, C, T] view) = (x - mean[c]) * invStd[c] on each window's first
 * lengths[n] frames, 0 after them. lengths i32 [N]; mean, invStd [C].
 */
export function standardize(backend: Backend, x: Tensor, lengths: Tensor, mean: Tensor, invStd: Tensor): Tensor {
  const N = x.shape[0];
  const T = x.shape[x.shape.length - 1];
  const C = x.shape[x.shape.length - 2];
  if (x.shape.length < 3 || x.size !== N * C * T) throw new Error(`standardize: x must be [N, (1,) C, T], got [${x.shape}]`);
  if (lengths.dtype !== 'i32' || lengths.size !== N) throw new Error(`standardize: lengths must be i32 [${N}], got ${lengths.dtype} [${lengths.shape}]`);
  if (mean.size !== C || invStd.size !== C) throw new Error(`standardize: mean [${mean.shape}] and invStd [${invStd.shape}] must be [${C}]`);
  if (backend.kind === 'webgpu') {
    const y = backend.empty(x.shape);
    backend.runtime.run({
      shader: 'standardize',
      entry: 'forward',
      constants: { WG },
      uniforms: [N, C, T],
      buffers: [x.buffer, lengths.buffer, mean.buffer, invStd.buffer, y.buffer],
      workgroups: grid1d(x.size, WG),
    });
    return y;
  }
  const result = backend.kernel('standardize', standardizeCpu, x.size)(x.host, lengths.host, mean.host, invStd.host, C, T);
  return backend.wrap(result as Float32Array, x.shape);
}

const standardizeCpu: CpuKernelFunction = function (x: number[], lengths: number[], mean: number[], invStd: number[], C: number, T: number) {
  const i = this.thread.x;
  const t = i % T;
  const c = Math.floor(i / T) % C;
  const n = Math.floor(i / (T * C));
  if (t >= lengths[n]) return 0;
  return (x[i] - mean[c]) * invStd[c];
};

/** Float64 reference of standardize() over [N, C, T]. */
export function standardizeReference(
  x: ArrayLike<number>,
  [N, C, T]: readonly [number, number, number],
  lengths: ArrayLike<number>,
  mean: ArrayLike<number>,
  invStd: ArrayLike<number>,
): Float64Array {
  const y = new Float64Array(N * C * T);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let t = 0; t < lengths[n] && t < T; t++) {
        const i = (n * C + c) * T + t;
        y[i] = (x[i] - mean[c]) * invStd[c];
      }
  return y;
}
