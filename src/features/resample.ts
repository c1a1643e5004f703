// Band-limited resampling as scipy.signal.resample_poly(x, up, down) (Kaiser β = 5 firwin design, fir.ts):
// shaders/resample.wgsl on WebGPU, a gpu.js kernel on the CPU backend, both over a whole batch of clips.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';
import { packClips, type ClipBatch } from './batch.js';
import { constantTensor } from './constants.js';
import { resamplePlan, resampledLength, type ResamplePlan } from './fir.js';

const WG = 64;

/** Every clip of the batch resampled from `fromRate` to `toRate` (a new batch; the input is left as is). */
export function resampleClips(backend: Backend, clips: ClipBatch, fromRate: number, toRate: number): ClipBatch {
  const plan = resamplePlan(fromRate, toRate);
  const lengths = clips.lengths.map((n) => resampledLength(n, plan));
  const offsets: number[] = [];
  let total = 0;
  for (const n of lengths) {
    offsets.push(total);
    total += n;
  }
  const table = new Uint32Array(4 * lengths.length);
  lengths.forEach((n, c) => table.set([clips.offsets[c], clips.lengths[c], offsets[c], n], 4 * c));
  const tableTensor = backend.upload(table, [lengths.length, 4], 'u32');
  const taps = constantTensor(backend, `resample.${plan.up}.${plan.down}`, () => ({ data: Float32Array.from(plan.taps), shape: [plan.taps.length] }));
  let samples: Tensor;
  if (backend.kind === 'webgpu') {
    samples = backend.empty([total]);
    backend.runtime.run({
      shader: 'resample',
      constants: { WG },
      uniforms: [plan.up, plan.down, plan.halfLen, plan.taps.length],
      buffers: [clips.samples.buffer, tableTensor.buffer, taps.buffer, samples.buffer],
      workgroups: [groups(Math.max(...lengths), WG), lengths.length],
    });
  } else {
    const kernel = backend.kernel('features.resample', resampleCpuKernel, total);
    const values = kernel(clips.samples.host, tableTensor.host, taps.host, lengths.length, plan.up, plan.down, plan.halfLen, plan.taps.length);
    samples = backend.wrap(values as Float32Array, [total]);
  }
  tableTensor.dispose();
  return { samples, offsets, lengths };
}

/** One clip resampled: a [ceil(n · up / down)] tensor. */
export function resample(backend: Backend, samples: Float32Array, fromRate: number, toRate: number): Tensor {
  const input = packClips(backend, [samples]);
  const out = resampleClips(backend, input, fromRate, toRate);
  input.samples.dispose();
  return out.samples;
}

const resampleCpuKernel: CpuKernelFunction = function (
  x: number[], table: number[], taps: number[], clips: number, up: number, down: number, halfLen: number, tapsLength: number,
) {
  const i = this.thread.x;
  let c = 0;
  for (let k = 1; k < clips; k++) if (table[4 * k + 2] <= i) c = k;
  const m = i - table[4 * c + 2];
  const t = m * down + halfLen;
  const last = Math.min(Math.floor(t / up), table[4 * c + 1] - 1);
  let sum = 0;
  for (let j = t >= tapsLength ? Math.floor((t - tapsLength) / up) + 1 : 0; j <= last; j++) sum += x[table[4 * c] + j] * taps[t - j * up];
  return sum;
};

/**
 * Float64 reference, literally scipy's upfirdn: zero-stuff by up, convolve with the taps, keep every down-th
 * output from the filter's centre on (only the non-zero inputs of the stuffed signal are visited).
 */
export function resampleReference(x: ArrayLike<number>, fromRate: number, toRate: number, plan: ResamplePlan = resamplePlan(fromRate, toRate)): Float64Array {
  const n = resampledLength(x.length, plan);
  const out = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const centre = m * plan.down + plan.halfLen; // index into the filtered, zero-stuffed signal
    let sum = 0;
    for (let k = centre % plan.up; k < plan.taps.length; k += plan.up) {
      const i = (centre - k) / plan.up;
      if (i >= 0 && i < x.length) sum += plan.taps[k] * x[i];
    }
    out[m] = sum;
  }
  return out;
}
