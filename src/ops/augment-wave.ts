// Waveform augmentations of a packed clip batch: additive white or pink noise at a random SNR per clip, and a
// random gain per clip. shaders/augment_wave.wgsl on WebGPU; on the CPU backend the random numbers are drawn
// on the host (gpu.js's WebAssembly mode has no exact u32 arithmetic, as in dropout.ts) and gpu.js kernels do
// the arithmetic. Every draw is a pure function of (seed, index), the same on both backends.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import type { ClipBatch } from '../features/batch.js';
import { clipReduce } from '../features/reduce.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';
import { drawBits, drawBitsExact, drawUniform, pcg, pcgExact, streamKey, streamKeyExact } from './pcg-hash.js';

export type NoiseColor = 'white' | 'pink';

export interface NoiseOptions {
  /** SNR range in dB, drawn uniformly per clip, relative to the clip's power over its valid samples. */
  snrLow: number;
  snrHigh: number;
  color: NoiseColor;
}

/** Gain range in dB, drawn uniformly per clip. */
export interface GainOptions {
  low: number;
  high: number;
}

const WG = 256;
const PINK_OCTAVES = 16;
/** Streams of one seed: per-sample noise, per-clip dB values. */
const NOISE_STREAM = 0;
const CLIP_STREAM = 1;

function checkRange(what: string, low: number, high: number): void {
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) throw new Error(`${what}: range [${low}, ${high}] dB is not low <= high`);
}

/** (offset, length, 0, 0) per clip: the table the kernels index by clip. */
function spanTable(backend: Backend, batch: ClipBatch): Tensor {
  const table = new Uint32Array(4 * batch.lengths.length);
  batch.lengths.forEach((n, c) => table.set([batch.offsets[c], n, 0, 0], 4 * c));
  return backend.upload(table, [batch.lengths.length, 4], 'u32');
}

function clipRms(backend: Backend, data: Tensor, batch: ClipBatch): Tensor {
  return clipReduce(backend, data, batch.lengths.map((cols, c) => ({ base: batch.offsets[c], rows: 1, cols })), 0, 'rms');
}

/** Each clip plus noise scaled to a per-clip SNR drawn uniformly from [snrLow, snrHigh] dB. */
export function addNoise(backend: Backend, batch: ClipBatch, o: NoiseOptions, seed: number): ClipBatch {
  checkRange('noise', o.snrLow, o.snrHigh);
  const key = streamKey(seed, NOISE_STREAM);
  const clipKey = streamKey(seed, CLIP_STREAM);
  const total = batch.samples.size;
  const table = spanTable(backend, batch);
  const grid = [groups(Math.max(...batch.lengths), WG), batch.lengths.length] as const;
  let noise: Tensor;
  if (backend.kind === 'webgpu') {
    noise = backend.empty([total]);
    backend.runtime.run({
      shader: 'augment_wave',
      entry: 'noise',
      constants: { WG, PINK: Number(o.color === 'pink') },
      uniforms: [key, clipKey, { f32: o.snrLow }, { f32: o.snrHigh }],
      buffers: [table.buffer, noise.buffer],
      workgroups: grid,
    });
  } else {
    noise = backend.wrap(hostNoise(key, total, o.color), [total]);
  }
  const rmsX = clipRms(backend, batch.samples, batch);
  const rmsN = clipRms(backend, noise, batch);
  let samples: Tensor;
  if (backend.kind === 'webgpu') {
    samples = backend.empty([total]);
    backend.runtime.run({
      shader: 'augment_wave',
      entry: 'add_noise',
      constants: { WG },
      uniforms: [key, clipKey, { f32: o.snrLow }, { f32: o.snrHigh }],
      buffers: [batch.samples.buffer, table.buffer, noise.buffer, rmsX.buffer, rmsN.buffer, samples.buffer],
      workgroups: grid,
    });
  } else {
    const snr = hostClipDb(clipKey, batch.lengths.length, o.snrLow, o.snrHigh);
    const kernel = backend.kernel('augment.add_noise', addNoiseCpuKernel, total);
    samples = backend.wrap(kernel(batch.samples.host, table.host, noise.host, rmsX.host, rmsN.host, snr, batch.lengths.length) as Float32Array, [total]);
  }
  for (const t of [table, noise, rmsX, rmsN]) t.dispose();
  return { samples, offsets: batch.offsets, lengths: batch.lengths };
}

/** Each clip times 10^(g/20), g drawn uniformly per clip from [low, high] dB. */
export function randomGain(backend: Backend, batch: ClipBatch, o: GainOptions, seed: number): ClipBatch {
  checkRange('gain', o.low, o.high);
  const clipKey = streamKey(seed, CLIP_STREAM);
  const total = batch.samples.size;
  const table = spanTable(backend, batch);
  let samples: Tensor;
  if (backend.kind === 'webgpu') {
    samples = backend.empty([total]);
    backend.runtime.run({
      shader: 'augment_wave',
      entry: 'gain',
      constants: { WG },
      uniforms: [0, clipKey, { f32: o.low }, { f32: o.high }],
      buffers: [batch.samples.buffer, table.buffer, samples.buffer],
      workgroups: [groups(Math.max(...batch.lengths), WG), batch.lengths.length],
    });
  } else {
    const db = hostClipDb(clipKey, batch.lengths.length, o.low, o.high);
    const kernel = backend.kernel('augment.gain', gainCpuKernel, total);
    samples = backend.wrap(kernel(batch.samples.host, table.host, db, batch.lengths.length) as Float32Array, [total]);
  }
  table.dispose();
  return { samples, offsets: batch.offsets, lengths: batch.lengths };
}

/** The per-clip dB values, low + (high - low) * u, rounded through f32 as the kernels compute them. */
function hostClipDb(clipKey: number, clips: number, low: number, high: number): Float32Array {
  const f = Math.fround;
  return Float32Array.from({ length: clips }, (_, c) => f(f(low) + f(f(f(high) - f(low)) * drawUniform(clipKey, c))));
}

function hostNoise(key: number, n: number, color: NoiseColor): Float32Array {
  const out = new Float32Array(n);
  if (color === 'pink') {
    const keys = Array.from({ length: PINK_OCTAVES }, (_, k) => pcg((key + k) | 0) >>> 0);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < PINK_OCTAVES; k++) sum += 2 * drawUniform(keys[k], i >>> k) - 1;
      out[i] = sum;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const u1 = ((drawBits(key, 2 * i) >>> 8) + 1) * 2 ** -24;
    const u2 = drawUniform(key, 2 * i + 1);
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2 - Math.PI);
  }
  return out;
}

// gpu.js kernels: `this.thread.x` is the packed sample index; table rows are (offset, length, 0, 0).
const addNoiseCpuKernel: CpuKernelFunction = function (
  x: number[], table: number[], noise: number[], rmsX: number[], rmsN: number[], snr: number[], clips: number,
) {
  const i = this.thread.x;
  let c = 0;
  for (let k = 1; k < clips; k++) if (table[4 * k] <= i) c = k;
  const scale = rmsN[c] > 0 ? (rmsX[c] / rmsN[c]) * Math.pow(10, -snr[c] / 20) : 0;
  return x[i] + scale * noise[i];
};

const gainCpuKernel: CpuKernelFunction = function (x: number[], table: number[], db: number[], clips: number) {
  const i = this.thread.x;
  let c = 0;
  for (let k = 1; k < clips; k++) if (table[4 * k] <= i) c = k;
  return x[i] * Math.pow(10, db[c] / 20);
};

// Float64 references from the definitions, with the hash in exact u32 arithmetic (BigInt).

const uniformExact = (key: number, i: number) => Math.floor(drawBitsExact(key, i) / 256) / 2 ** 24;

/** The dB value drawn for clip c (float64). */
export function clipDbReference(seed: number, c: number, low: number, high: number): number {
  return low + (high - low) * uniformExact(streamKeyExact(seed, CLIP_STREAM), c);
}

/** Noise sample at packed index i (float64). */
export function noiseReference(seed: number, i: number, color: NoiseColor): number {
  const key = streamKeyExact(seed, NOISE_STREAM);
  if (color === 'pink') {
    let sum = 0;
    for (let k = 0; k < PINK_OCTAVES; k++) sum += 2 * uniformExact(Number(pcgExact(BigInt((key + k) % 2 ** 32))), Math.floor(i / 2 ** k)) - 1;
    return sum;
  }
  const u1 = (Math.floor(drawBitsExact(key, 2 * i) / 256) + 1) * 2 ** -24;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * uniformExact(key, 2 * i + 1) - Math.PI);
}

/** The batch with noise added (float64), clip by clip: [packed samples, the SNR drawn per clip]. */
export function addNoiseReference(samples: ArrayLike<number>, offsets: readonly number[], lengths: readonly number[], o: NoiseOptions, seed: number): { y: Float64Array; snr: number[] } {
  const y = Float64Array.from(samples);
  const snr = lengths.map((_, c) => clipDbReference(seed, c, o.snrLow, o.snrHigh));
  lengths.forEach((n, c) => {
    const noise = Float64Array.from({ length: n }, (_, j) => noiseReference(seed, offsets[c] + j, o.color));
    const power = (a: ArrayLike<number>, base: number) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[base + j] ** 2;
      return s / n;
    };
    const px = power(samples, offsets[c]);
    const pn = power(noise, 0);
    const scale = pn > 0 ? Math.sqrt(px / pn) * 10 ** (-snr[c] / 20) : 0;
    for (let j = 0; j < n; j++) y[offsets[c] + j] += scale * noise[j];
  });
  return { y, snr };
}

/** The batch with each clip's gain applied (float64): [packed samples, the gain drawn per clip]. */
export function randomGainReference(samples: ArrayLike<number>, offsets: readonly number[], lengths: readonly number[], o: GainOptions, seed: number): { y: Float64Array; gain: number[] } {
  const y = Float64Array.from(samples);
  const gain = lengths.map((_, c) => clipDbReference(seed, c, o.low, o.high));
  lengths.forEach((n, c) => {
    for (let j = 0; j < n; j++) y[offsets[c] + j] *= 10 ** (gain[c] / 20);
  });
  return { y, gain };
}
