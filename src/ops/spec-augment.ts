// SpecAugment frequency and time masks over a feature batch [N, bands, maxFrames]: shaders/spec_augment.wgsl
// on WebGPU; on the CPU backend the masks are drawn on the host from the same hash (gpu.js's WebAssembly mode
// has no exact u32 arithmetic) and a gpu.js kernel applies them.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { clipReduce } from '../features/reduce.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';
import { drawBits, drawBitsExact, streamKey, streamKeyExact } from './pcg-hash.js';

export interface SpecAugmentOptions {
  /** Number of frequency masks (F) and their largest width in bands (f). */
  freqMasks: number;
  maxFreqWidth: number;
  /** Number of time masks (T) and their largest width in frames (t), within each clip's valid frames. */
  timeMasks: number;
  maxTimeWidth: number;
  /** What masked values become: 0, or the clip's mean over its valid frames. */
  value: 'zero' | 'mean';
}

const WG = 256;

function check(features: Tensor, frames: readonly number[], o: SpecAugmentOptions): { N: number; bands: number; maxFrames: number } {
  const [N, bands, maxFrames] = features.shape;
  if (features.shape.length !== 3 || N !== frames.length) throw new Error(`specaugment: features must be [${frames.length}, bands, frames], got [${features.shape}]`);
  if (frames.some((n) => !Number.isInteger(n) || n < 0 || n > maxFrames)) throw new Error(`specaugment: valid frames must be integers in 0..${maxFrames}`);
  for (const name of ['freqMasks', 'maxFreqWidth', 'timeMasks', 'maxTimeWidth'] as const) {
    if (!(Number.isInteger(o[name]) && o[name] >= 0)) throw new Error(`specaugment: ${name} = ${o[name]} is not a non-negative integer`);
  }
  return { N, bands, maxFrames };
}

/** The masked features (a new tensor). Masks depend only on (seed, clip index, mask index). */
export function specAugment(backend: Backend, features: Tensor, frames: readonly number[], o: SpecAugmentOptions, seed: number): Tensor {
  const { N, bands, maxFrames } = check(features, frames, o);
  const key = streamKey(seed, 0);
  const mean = o.value === 'mean';
  const fill = mean ? clipReduce(backend, features, frames.map((cols, c) => ({ base: c * bands * maxFrames, rows: bands, cols })), maxFrames, 'mean') : null;
  const framesTensor = backend.upload(Uint32Array.from(frames), [N], 'u32');
  let y: Tensor;
  if (backend.kind === 'webgpu') {
    y = backend.empty(features.shape);
    backend.runtime.run({
      shader: 'spec_augment',
      constants: { WG, MEAN: Number(mean) },
      uniforms: [key, o.freqMasks, o.timeMasks, o.maxFreqWidth, o.maxTimeWidth, bands, maxFrames, features.size],
      buffers: [features.buffer, framesTensor.buffer, (fill ?? features).buffer, y.buffer],
      workgroups: grid1d(features.size, WG),
    });
  } else {
    // gpu.js's WebAssembly mode rejects empty arrays: with no masks, pass one unread pair.
    const masks = Int32Array.from(drawMasks(key, frames, bands, o).flat(2).concat([0, 0]));
    const kernel = backend.kernel('augment.spec_augment', specAugmentCpuKernel, features.size);
    const fillHost = fill ? fill.host : new Float32Array(N);
    y = backend.wrap(kernel(features.host, framesTensor.host, masks, fillHost, o.freqMasks + o.timeMasks, o.freqMasks, bands, maxFrames) as Float32Array, features.shape);
  }
  framesTensor.dispose();
  fill?.dispose();
  return y;
}

/** Per clip, F + T masks [start, end): frequency masks first. */
function drawMasks(key: number, frames: readonly number[], bands: number, o: SpecAugmentOptions): [number, number][][] {
  return frames.map((valid, c) => {
    const base = c * 2 * (o.freqMasks + o.timeMasks);
    const draw = (d: number, size: number, cap: number): [number, number] => {
      const width = drawBits(key, d) % (cap + 1);
      const start = drawBits(key, d + 1) % (size - width + 1);
      return [start, start + width];
    };
    const freq = Array.from({ length: o.freqMasks }, (_, m) => draw(base + 2 * m, bands, Math.min(o.maxFreqWidth, bands)));
    const time = Array.from({ length: o.timeMasks }, (_, m) => draw(base + 2 * (o.freqMasks + m), valid, Math.min(o.maxTimeWidth, valid)));
    return [...freq, ...time];
  });
}

/** masks [N, F + T, 2] (start, end); frequency masks first. `this.thread.x` is the flat element index. */
const specAugmentCpuKernel: CpuKernelFunction = function (
  x: number[], frames: number[], masks: number[], fill: number[], perClip: number, freqMasks: number, bands: number, maxFrames: number,
) {
  const i = this.thread.x;
  const t = i % maxFrames;
  const b = Math.floor(i / maxFrames) % bands;
  const c = Math.floor(i / (maxFrames * bands));
  if (t >= frames[c]) return x[i];
  let masked = 0;
  for (let m = 0; m < perClip; m++) {
    const p = m < freqMasks ? b : t;
    const start = masks[2 * (c * perClip + m)];
    const end = masks[2 * (c * perClip + m) + 1];
    if (p >= start && p < end) masked = 1;
  }
  return masked === 1 ? fill[c] : x[i];
};

/** Float64 reference: the masks from the hash in exact u32 arithmetic, and the masked features. */
export function specAugmentReference(
  x: ArrayLike<number>, shape: readonly [number, number, number], frames: readonly number[], o: SpecAugmentOptions, seed: number,
): { y: Float64Array; masks: [number, number][][] } {
  const [, bands, maxFrames] = shape;
  const key = streamKeyExact(seed, 0);
  // Mask j of clip c (frequency masks first) from draws 2 j and 2 j + 1 of the clip's 2 (F + T).
  const masks = frames.map((valid, c) =>
    Array.from({ length: o.freqMasks + o.timeMasks }, (_, j): [number, number] => {
      const [size, cap] = j < o.freqMasks ? [bands, Math.min(o.maxFreqWidth, bands)] : [valid, Math.min(o.maxTimeWidth, valid)];
      const d = 2 * (c * (o.freqMasks + o.timeMasks) + j);
      const width = drawBitsExact(key, d) % (cap + 1);
      const start = drawBitsExact(key, d + 1) % (size - width + 1);
      return [start, start + width];
    }),
  );
  const y = Float64Array.from(x);
  frames.forEach((valid, c) => {
    const base = c * bands * maxFrames;
    let mean = 0;
    for (let b = 0; b < bands; b++) for (let t = 0; t < valid; t++) mean += x[base + b * maxFrames + t];
    const value = o.value === 'mean' && valid > 0 ? mean / (bands * valid) : 0;
    masks[c].forEach(([start, end], m) => {
      for (let b = 0; b < bands; b++) {
        for (let t = 0; t < valid; t++) {
          const p = m < o.freqMasks ? b : t;
          if (p >= start && p < end) y[base + b * maxFrames + t] = value;
        }
      }
    });
  });
  return { y, masks };
}
