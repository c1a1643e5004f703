// Band-limited resampling of packed clips, each by its own ratio q / 2^16 (output rate / input rate): the
// resampling step of pitch shifting (librosa.effects.pitch_shift resamples its time-stretched signal by the
// stretch rate). A Kaiser-windowed sinc interpolator (the design of resampy, which librosa used to default
// to); src/features/resample.ts covers only ratios of small integers. shaders/augment_resample.wgsl on WebGPU,
// a gpu.js kernel on the CPU backend, and a float64 reference that evaluates the filter exactly.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import type { ClipBatch } from '../features/batch.js';
import { constantTensor } from '../features/constants.js';
import { besselI0 } from '../features/fir.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';
import { RATE_ONE } from './phase-vocoder.js';

/** Zero crossings of the sinc on each side, table entries per zero crossing, Kaiser beta, and the cut-off as a
 * fraction of the lower Nyquist rate: about -90 dB stop band from 0.97 of Nyquist, flat to 1e-4 below 0.9. */
export const SINC = { zeros: 32, precision: 512, beta: 10, rolloff: 0.945 };
const WG = 64;

/** f(u) = rolloff sinc(rolloff u) kaiser(u / Z), the interpolation filter at u input samples (upsampling). */
export function sincFilter(u: number): number {
  const { zeros, beta, rolloff } = SINC;
  if (Math.abs(u) >= zeros) return 0;
  const x = Math.PI * rolloff * u;
  const sinc = x === 0 ? 1 : Math.sin(x) / x;
  return rolloff * sinc * (besselI0(beta * Math.sqrt(1 - (u / zeros) ** 2)) / besselI0(beta));
}

function filterTable(backend: Backend): Tensor {
  const { zeros, precision } = SINC;
  return constantTensor(backend, 'augment.sinc_table', () => ({
    data: Float32Array.from({ length: zeros * precision + 2 }, (_, i) => sincFilter(i / precision)),
    shape: [zeros * precision + 2],
  }));
}

/** librosa.resample's output length, ceil(n r), for r = q / 2^16. */
export const resampledLength = (n: number, q: number) => Math.ceil((n * q) / RATE_ONE);

/**
 * Every clip resampled by q[c] / 2^16, then cut or zero-padded to outLengths[c] samples (librosa's
 * fix_length). The output is packed like the lengths it is given.
 */
export function resampleByRate(backend: Backend, batch: ClipBatch, q: readonly number[], outLengths: readonly number[]): ClipBatch {
  const N = batch.lengths.length;
  if (q.length !== N || outLengths.length !== N) throw new Error(`resample: ${q.length} rates and ${outLengths.length} lengths for ${N} clips`);
  if (q.some((v) => !(Number.isInteger(v) && v >= 1 && v < 2 ** 18))) throw new Error('resample: rates must be integers q / 2^16 with 1 <= q < 2^18');
  const offsets: number[] = [];
  let total = 0;
  for (const n of outLengths) {
    offsets.push(total);
    total += n;
  }
  const table = new Uint32Array(8 * N);
  for (let c = 0; c < N; c++) {
    table.set([batch.offsets[c], batch.lengths[c], offsets[c], outLengths[c], q[c], resampledLength(batch.lengths[c], q[c]), 0, 0], 8 * c);
  }
  const clips = backend.upload(table, [2 * N, 4], 'u32');
  const filter = filterTable(backend);
  let samples: Tensor;
  if (backend.kind === 'webgpu') {
    samples = backend.empty([total]);
    backend.runtime.run({
      shader: 'augment_resample',
      constants: { WG },
      uniforms: [SINC.zeros, SINC.precision],
      buffers: [batch.samples.buffer, clips.buffer, filter.buffer, samples.buffer],
      workgroups: [groups(Math.max(...outLengths), WG), N],
    });
  } else {
    const values = backend.kernel('augment.resample', resampleCpuKernel, total)(batch.samples.host, clips.host, filter.host, N, SINC.zeros, SINC.precision);
    samples = backend.wrap(values as Float32Array, [total]);
  }
  clips.dispose();
  return { samples, offsets, lengths: [...outLengths] };
}

/** Output sample i (packed); clip rows 8c .. 8c + 7 = (in offset, in length, out offset, L, q, valid, 0, 0). */
const resampleCpuKernel: CpuKernelFunction = function (x: number[], clips: number[], table: number[], N: number, zeros: number, precision: number) {
  const i = this.thread.x;
  let c = 0;
  for (let k = 1; k < N; k++) if (clips[8 * k + 2] <= i) c = k;
  const m = i - clips[8 * c + 2];
  if (m >= clips[8 * c + 5]) return 0;
  const q = clips[8 * c + 4];
  // m 2^16 / q by long division, 4 bits a step: every intermediate stays below 2^22, exact even in gpu.js's
  // WebAssembly mode, which computes in f32.
  let centre = Math.floor(m / q);
  let rest = m - centre * q;
  for (let step = 0; step < 4; step++) {
    const digit = Math.floor((rest * 16) / q);
    rest = rest * 16 - digit * q;
    centre = centre * 16 + digit;
  }
  const frac = rest / q;
  const g = Math.min(1, q / 65536);
  const reach = Math.ceil(zeros / g);
  const first = Math.max(0, centre - reach);
  const last = Math.min(clips[8 * c + 1] - 1, centre + reach);
  let sum = 0;
  for (let j = first; j <= last; j++) {
    const s = Math.abs(g * (centre - j + frac)) * precision;
    const t = Math.floor(s);
    if (t < zeros * precision) sum += x[clips[8 * c] + j] * (table[t] + (s - t) * (table[t + 1] - table[t]));
  }
  return g * sum;
};

/** Float64 reference of one clip: y[m] = sum_j x[j] g f(g (m / r - j)) with f evaluated exactly, then fix_length. */
export function resampleByRateReference(x: ArrayLike<number>, q: number, outLength: number): Float64Array {
  const r = q / RATE_ONE;
  const g = Math.min(1, r);
  const valid = resampledLength(x.length, q);
  return Float64Array.from({ length: outLength }, (_, m) => {
    if (m >= valid) return 0;
    const t = m / r;
    let sum = 0;
    const reach = SINC.zeros / g;
    for (let j = Math.max(0, Math.ceil(t - reach)); j <= Math.min(x.length - 1, Math.floor(t + reach)); j++) sum += x[j] * g * sincFilter(g * (t - j));
    return sum;
  });
}
