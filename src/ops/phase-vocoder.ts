// Time stretching by a phase vocoder, as librosa.effects.time_stretch: the STFT of every clip as half spectra
// (shaders/augment_fft.wgsl: framing and a real FFT in workgroup memory), the vocoder with each clip's own rate
// (shaders/phase_vocoder.wgsl), the inverse real FFT and weighted overlap-add (shaders/overlap_add.wgsl).
// gpu.js kernels on the CPU backend, except the vocoder's running phase sum, a scan that gpu.js (one
// independent value per thread) cannot express: a host loop there. The CPU backend's FFTs are full complex
// transforms by src/features/stft.ts's radix-2 Stockham stages.
import type { Backend, CpuBackend, CpuKernelFunction } from '../backend/types.js';
import { frameCount, type ClipBatch } from '../features/batch.js';
import { constantTensor } from '../features/constants.js';
import { analysisWindow } from '../features/filters.js';
import { fftTiling, stockhamStageCpuKernel, type FftTiling } from '../features/stft.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

export interface StretchOptions {
  /** FFT size (a power of two) and hop of the vocoder's STFT, in samples. */
  nFft: number;
  hop: number;
}

/**
 * Spectra are allocated for a multiple of this many frames: random rates and lengths would otherwise ask for
 * new buffer sizes every batch, which the buffer pool allocates anew (slow) and keeps.
 */
const FRAME_BUCKET = 32;
const bucket = (frames: number) => Math.ceil(frames / FRAME_BUCKET) * FRAME_BUCKET;

/** Rates are multiples of 2^-16 (q / 65536), so that output frame t reads input position t q / 2^16 exactly. */
export const RATE_ONE = 65536;
const MAX_Q = 2 ** 18;
const WG = 256;

/** A rate as q / 2^16: q = round(rate 2^16); rates from 2^-16 to 4. */
export function quantizeRate(rate: number): number {
  const q = Math.round(rate * RATE_ONE);
  if (!(q >= 1 && q < MAX_Q)) throw new Error(`time stretch: rate ${rate} is outside (0, 4)`);
  return q;
}

/** len(np.arange(0, frames, q / 2^16)): the t with t q < frames 2^16. */
const stretchedFrames = (frames: number, q: number) => Math.ceil((frames * RATE_ONE) / q);
/** Python's round(): half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** int(round(length / rate)) for rate q / 2^16. */
export const stretchedLength = (length: number, q: number) => roundHalfEven((length * RATE_ONE) / q);

function checkOptions(o: StretchOptions): void {
  if (!Number.isInteger(Math.log2(o.nFft)) || o.nFft < 4) throw new Error(`time stretch: nFft ${o.nFft} is not a power of two >= 4`);
  if (!Number.isInteger(o.hop) || o.hop < 1 || o.hop > o.nFft) throw new Error(`time stretch: hop ${o.hop} is not in 1..nFft`);
}

function windowTensor(backend: Backend, nFft: number): Tensor {
  return constantTensor(backend, `augment.hann.${nFft}`, () => ({ data: Float32Array.from(analysisWindow('hann', nFft, nFft)), shape: [nFft] }));
}

/** [M] complex exp(-+pi i k / M), the twiddles of stockhamStageCpuKernel and augment_fft.wgsl. */
function twiddleTensor(backend: Backend, m: number, inverse: boolean): Tensor {
  return constantTensor(backend, `augment.twiddles.${m}.${inverse}`, () => {
    const data = new Float32Array(2 * m);
    for (let k = 0; k < m; k++) {
      data[2 * k] = Math.cos((Math.PI * k) / m);
      data[2 * k + 1] = (inverse ? 1 : -1) * Math.sin((Math.PI * k) / m);
    }
    return { data, shape: [m, 2] };
  });
}

/**
 * The STFT [N, maxFrames, nFft/2 + 1, 2] (frames past a clip's last are zero; maxFrames rounded up to a
 * bucket) and the frame counts.
 * `tiling` overrides the adapter's choice (tests).
 */
export function complexStft(backend: Backend, batch: ClipBatch, o: StretchOptions, tiling?: FftTiling): { z: Tensor; frames: number[] } {
  checkOptions(o);
  const frames = batch.lengths.map((n) => frameCount(n, o.hop));
  const maxFrames = bucket(Math.max(...frames));
  const rows = frames.length * maxFrames;
  const h = o.nFft / 2;
  const table = new Uint32Array(4 * frames.length);
  frames.forEach((f, c) => table.set([batch.offsets[c], batch.lengths[c], f, 0], 4 * c));
  const clips = backend.upload(table, [frames.length, 4], 'u32');
  const window = windowTensor(backend, o.nFft);
  let spectra: Tensor;
  if (backend.kind === 'webgpu') {
    checkBinding(backend, 8 * rows * (h + 1));
    spectra = backend.empty([frames.length, maxFrames, h + 1, 2]);
    const { F, T } = tiling ?? rowTiling(backend, o.nFft, rows);
    backend.runtime.run({
      shader: 'augment_fft',
      entry: 'stft',
      constants: { LOG_H: Math.log2(h), F, T },
      uniforms: [o.hop, maxFrames, rows],
      buffers: [twiddleTensor(backend, h, false).buffer, batch.samples.buffer, clips.buffer, window.buffer, spectra.buffer],
      workgroups: [Math.ceil(rows / F)],
    });
  } else {
    const n = rows * o.nFft;
    const framed = backend.wrap(backend.kernel('augment.stft_frames', framesCpuKernel, 2 * n)(batch.samples.host, clips.host, window.host, maxFrames, o.nFft, o.hop) as Float32Array, [rows, o.nFft, 2]);
    const full = stockhamCpu(backend, framed, false);
    spectra = backend.wrap(backend.kernel('augment.half_spectra', halfSpectraCpuKernel, 2 * rows * (h + 1))(full.host, o.nFft) as Float32Array, [frames.length, maxFrames, h + 1, 2]);
  }
  clips.dispose();
  return { z: spectra, frames };
}

/** stft/irfft tiling: a row of M real samples takes 4M bytes of workgroup memory, as a frame in stft.wgsl. */
function rowTiling(backend: Backend & { kind: 'webgpu' }, m: number, rows: number): FftTiling {
  const tiling = fftTiling(backend.adapter, m);
  if (Math.ceil(rows / tiling.F) > 65535) throw new Error(`fft: ${rows} frames take more than 65,535 workgroups of ${tiling.F}: use smaller batches`);
  return tiling;
}

function checkBinding(backend: Backend & { kind: 'webgpu' }, bytes: number): void {
  const limit = backend.adapter.limits.maxStorageBufferBindingSize;
  if (bytes > limit) throw new Error(`time stretch: the batch's spectra take ${bytes} bytes, over the adapter's ${limit}-byte binding limit: use smaller batches`);
}

/**
 * Real frames [..., M] (times M: the inverse transform is not divided by M) of half spectra [..., M/2 + 1, 2],
 * as numpy's irfft (the imaginary parts of bins 0 and M/2 are ignored). `tiling` overrides the adapter's choice.
 */
export function realFrames(backend: Backend, spectra: Tensor, tiling?: FftTiling): Tensor {
  const bins = spectra.shape[spectra.shape.length - 2];
  const m = 2 * (bins - 1);
  if (!(m >= 4 && Number.isInteger(Math.log2(m)))) throw new Error(`irfft: ${bins} bins are not M/2 + 1 of a power of two M >= 4`);
  const rows = spectra.size / (2 * bins);
  const shape = [...spectra.shape.slice(0, -2), m];
  if (backend.kind === 'webgpu') {
    const out = backend.empty(shape);
    const { F, T } = tiling ?? rowTiling(backend, m, rows);
    backend.runtime.run({
      shader: 'augment_fft',
      entry: 'irfft',
      constants: { LOG_H: Math.log2(m / 2), F, T },
      uniforms: [0, 0, rows],
      buffers: [twiddleTensor(backend, m / 2, true).buffer, spectra.buffer, out.buffer],
      workgroups: [Math.ceil(rows / F)],
    });
    return out;
  }
  const full = backend.wrap(backend.kernel('augment.hermitian', hermitianCpuKernel, 2 * rows * m)(spectra.host, m) as Float32Array, [rows, m, 2]);
  const frames = stockhamCpu(backend, full, true);
  full.dispose();
  return backend.wrap(backend.kernel('augment.real_part', realPartCpuKernel, rows * m)(frames.host) as Float32Array, shape);
}

/** The DFT (or the inverse, not divided by M) of each row of z [rows, M, 2] by gpu.js Stockham stages. */
function stockhamCpu(backend: CpuBackend, z: Tensor, inverse: boolean): Tensor {
  const m = z.shape[1];
  const twiddles = twiddleTensor(backend, m, inverse);
  const stage = backend.kernel('augment.fft_stage', stockhamStageCpuKernel, z.size);
  let current = z;
  for (let span = 1; span < m; span *= 2) {
    const next = backend.wrap(stage(current.host, twiddles.host, m, span) as Float32Array, z.shape);
    if (current !== z) current.dispose();
    current = next;
  }
  return current;
}

/** Stretched spectra [N, maxOut, bins, 2] (maxOut rounded up to a bucket) of spectra z [N, maxFrames, bins, 2]
 * (bins = M/2 + 1) by rates q / 2^16, and the clips' output frame counts. */
export function phaseVocoder(backend: Backend, z: Tensor, frames: readonly number[], q: readonly number[], hop: number): { zs: Tensor; outFrames: number[] } {
  const [N, maxFrames, bins] = z.shape;
  const m = 2 * (bins - 1);
  const outFrames = frames.map((f, c) => stretchedFrames(f, q[c]));
  const maxOut = bucket(Math.max(...outFrames));
  const table = new Uint32Array(4 * N);
  frames.forEach((f, c) => table.set([f, outFrames[c], q[c], 0], 4 * c));
  const clips = backend.upload(table, [N, 4], 'u32');
  let zs: Tensor;
  if (backend.kind === 'webgpu') {
    checkBinding(backend, 8 * N * maxOut * bins);
    zs = backend.empty([N, maxOut, bins, 2]);
    backend.runtime.run({
      shader: 'phase_vocoder',
      constants: { WG: 64 },
      uniforms: [m, hop, maxFrames, maxOut],
      buffers: [z.buffer, clips.buffer, zs.buffer],
      workgroups: [groups(bins, 64), N],
    });
  } else {
    zs = phaseVocoderCpu(backend, z, clips, outFrames, maxOut, hop);
  }
  clips.dispose();
  return { zs, outFrames };
}

function phaseVocoderCpu(backend: CpuBackend, z: Tensor, clips: Tensor, outFrames: readonly number[], maxOut: number, hop: number): Tensor {
  const [N, maxFrames, bins] = z.shape;
  const size = N * maxOut * bins;
  const args = [z.host, clips.host, maxFrames, maxOut, bins, hop] as const;
  const mag = backend.kernel('augment.vocoder_mag', vocoderMagCpuKernel, size)(...args) as Float32Array;
  const step = backend.kernel('augment.vocoder_step', vocoderStepCpuKernel, size)(...args) as Float32Array;
  // The running phase: phase[t] = angle(D[0]) + sum of steps before t, kept in [-pi, pi) as in the shader.
  const phase = new Float32Array(size);
  for (let c = 0; c < N; c++) {
    for (let k = 0; k < bins; k++) {
      const d0 = (c * maxFrames * bins + k) * 2;
      let acc = Math.atan2(z.host[d0 + 1], z.host[d0]);
      for (let t = 0; t < outFrames[c]; t++) {
        const i = (c * maxOut + t) * bins + k;
        phase[i] = acc;
        acc = princarg(acc + step[i]);
      }
    }
  }
  const zs = backend.kernel('augment.vocoder_spectra', vocoderSpectraCpuKernel, 2 * size)(mag, phase, bins) as Float32Array;
  return backend.wrap(zs, [N, maxOut, bins, 2]);
}

const princarg = (x: number) => x - 2 * Math.PI * Math.round(x / (2 * Math.PI));

/** Inverse STFT by weighted overlap-add of spectra zs [N, maxOut, M/2 + 1, 2]: clips of `lengths` samples. */
export function inverseStft(backend: Backend, zs: Tensor, outFrames: readonly number[], lengths: readonly number[], hop: number): ClipBatch {
  const [N, maxOut, bins] = zs.shape;
  const m = 2 * (bins - 1);
  const frames = outFrames.map((f, c) => Math.min(f, Math.ceil((lengths[c] + 2 * Math.floor(m / 2)) / hop)));
  const offsets: number[] = [];
  let total = 0;
  for (const n of lengths) {
    offsets.push(total);
    total += n;
  }
  const table = new Uint32Array(4 * N);
  lengths.forEach((n, c) => table.set([offsets[c], n, frames[c], 0], 4 * c));
  const clips = backend.upload(table, [N, 4], 'u32');
  const frameSignals = realFrames(backend, zs);
  const window = windowTensor(backend, m);
  let samples: Tensor;
  if (backend.kind === 'webgpu') {
    samples = backend.empty([total]);
    backend.runtime.run({
      shader: 'overlap_add',
      constants: { WG },
      uniforms: [hop, m, maxOut],
      buffers: [frameSignals.buffer, clips.buffer, window.buffer, samples.buffer],
      workgroups: [groups(Math.max(...lengths), WG), N],
    });
  } else {
    const values = backend.kernel('augment.overlap_add', overlapAddCpuKernel, total)(frameSignals.host, clips.host, window.host, N, maxOut, m, hop);
    samples = backend.wrap(values as Float32Array, [total]);
  }
  frameSignals.dispose();
  clips.dispose();
  return { samples, offsets, lengths: [...lengths] };
}

/** Every clip time-stretched by its rate (q / 2^16; > 1 is faster): round(length / rate) samples, as librosa. */
export function timeStretch(backend: Backend, batch: ClipBatch, q: readonly number[], o: StretchOptions): ClipBatch {
  if (q.length !== batch.lengths.length) throw new Error(`time stretch: ${q.length} rates for ${batch.lengths.length} clips`);
  const { z, frames } = complexStft(backend, batch, o);
  const { zs, outFrames } = phaseVocoder(backend, z, frames, q, o.hop);
  z.dispose();
  const out = inverseStft(backend, zs, outFrames, batch.lengths.map((n, c) => stretchedLength(n, q[c])), o.hop);
  zs.dispose();
  return out;
}

// gpu.js kernels. Complex tensors are flat (re, im) pairs.

/** Windowed frames as complex pairs; the clip table rows are (offset, length, frames, 0). */
const framesCpuKernel: CpuKernelFunction = function (samples: number[], clips: number[], window: number[], maxFrames: number, m: number, hop: number) {
  const i = this.thread.x;
  if (i % 2 === 1) return 0;
  const e = Math.floor(i / 2) % m;
  const slot = Math.floor(i / (2 * m));
  const c = Math.floor(slot / maxFrames);
  const t = slot % maxFrames;
  const pos = t * hop + e - Math.floor(m / 2);
  if (t >= clips[4 * c + 2] || pos < 0 || pos >= clips[4 * c + 1]) return 0;
  return samples[clips[4 * c] + pos] * window[e];
};

/** |D[f]| (1 - alpha) + |D[f + 1]| alpha at output frame t, bin k: [N, maxOut, bins]. */
const vocoderMagCpuKernel: CpuKernelFunction = function (z: number[], clips: number[], maxFrames: number, maxOut: number, bins: number, hop: number) {
  const k = this.thread.x % bins;
  const t = Math.floor(this.thread.x / bins) % maxOut;
  const c = Math.floor(this.thread.x / (bins * maxOut));
  if (t >= clips[4 * c + 1]) return 0;
  const pos = t * clips[4 * c + 2];
  const f = Math.floor(pos / 65536);
  const alpha = (pos - f * 65536) / 65536;
  let m0 = 0;
  let m1 = 0;
  const base = (c * maxFrames + f) * bins + k;
  if (f < clips[4 * c]) m0 = Math.sqrt(z[2 * base] * z[2 * base] + z[2 * base + 1] * z[2 * base + 1]);
  if (f + 1 < clips[4 * c]) m1 = Math.sqrt(z[2 * (base + bins)] * z[2 * (base + bins)] + z[2 * (base + bins) + 1] * z[2 * (base + bins) + 1]);
  return (1 - alpha) * m0 + alpha * m1;
};

/** The phase step after output frame t: adv_k + princarg(angle D[f + 1] - angle D[f] - adv_k). */
const vocoderStepCpuKernel: CpuKernelFunction = function (z: number[], clips: number[], maxFrames: number, maxOut: number, bins: number, hop: number) {
  const m = 2 * (bins - 1);
  const k = this.thread.x % bins;
  const t = Math.floor(this.thread.x / bins) % maxOut;
  const c = Math.floor(this.thread.x / (bins * maxOut));
  if (t >= clips[4 * c + 1]) return 0;
  const pos = t * clips[4 * c + 2];
  const f = Math.floor(pos / 65536);
  const base = (c * maxFrames + f) * bins + k;
  let a0 = 0;
  let a1 = 0;
  if (f < clips[4 * c]) a0 = Math.atan2(z[2 * base + 1], z[2 * base]);
  if (f + 1 < clips[4 * c]) a1 = Math.atan2(z[2 * (base + bins) + 1], z[2 * (base + bins)]);
  const adv = (2 * Math.PI * ((k * hop) % m)) / m;
  const d = a1 - a0 - adv;
  return adv + d - 2 * Math.PI * Math.round(d / (2 * Math.PI));
};

/** Spectra [N, maxOut, bins, 2] from magnitudes and phases [N, maxOut, bins]; bins 0 and M/2 real. */
const vocoderSpectraCpuKernel: CpuKernelFunction = function (mag: number[], phase: number[], bins: number) {
  const j = Math.floor(this.thread.x / 2);
  if (this.thread.x % 2 === 0) return mag[j] * Math.cos(phase[j]);
  const k = j % bins;
  if (k === 0 || k === bins - 1) return 0;
  return mag[j] * Math.sin(phase[j]);
};

/** Bins 0 .. M/2 of full spectra [rows, M, 2]. */
const halfSpectraCpuKernel: CpuKernelFunction = function (full: number[], m: number) {
  const bins = m / 2 + 1;
  const j = Math.floor(this.thread.x / 2);
  const row = Math.floor(j / bins);
  return full[2 * (row * m + (j % bins)) + (this.thread.x % 2)];
};

/** Full Hermitian spectra [rows, M, 2] of half spectra [rows, M/2 + 1, 2], bins 0 and M/2 taken as real. */
const hermitianCpuKernel: CpuKernelFunction = function (half: number[], m: number) {
  const bins = m / 2 + 1;
  const im = this.thread.x % 2;
  const e = Math.floor(this.thread.x / 2) % m;
  const row = Math.floor(this.thread.x / (2 * m));
  const k = e < bins ? e : m - e;
  if (im === 1 && (k === 0 || k === bins - 1)) return 0;
  const v = half[2 * (row * bins + k) + im];
  return im === 1 && e >= bins ? -v : v;
};

const realPartCpuKernel: CpuKernelFunction = function (z: number[]) {
  return z[2 * this.thread.x];
};

/** Overlap-add of real frames [N, maxFrames, M] (times M); the clip table rows are (offset, length, frames used, 0). */
const overlapAddCpuKernel: CpuKernelFunction = function (frames: number[], clips: number[], window: number[], N: number, maxFrames: number, m: number, hop: number) {
  const i = this.thread.x;
  let c = 0;
  for (let k = 1; k < N; k++) if (clips[4 * k] <= i) c = k;
  const p = i - clips[4 * c] + m / 2;
  const first = p >= m ? Math.floor((p - m) / hop) + 1 : 0;
  const last = Math.min(Math.floor(p / hop) + 1, clips[4 * c + 2]);
  let sum = 0;
  let env = 0;
  for (let t = first; t < last; t++) {
    const e = p - t * hop;
    sum += window[e] * frames[(c * maxFrames + t) * m + e];
    env += window[e] * window[e];
  }
  sum /= m;
  return env > 1.1754944e-38 ? sum / env : sum;
};

// Float64 references, written from librosa's definitions (stft, phase_vocoder, istft) with a direct DFT.

/** cos and sin of 2 pi j / n, j < n: the direct DFTs' roots of unity. */
function unitRoots(n: number): { cos: Float64Array; sin: Float64Array } {
  return { cos: Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * j) / n)), sin: Float64Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * j) / n)) };
}

/** librosa.stft(center=True, pad_mode='constant', window='hann') of one clip: [frames][bins] complex. */
export function stftComplexReference(x: ArrayLike<number>, nFft: number, hop: number): { re: Float64Array; im: Float64Array }[] {
  const w = analysisWindow('hann', nFft, nFft);
  const roots = unitRoots(nFft);
  return Array.from({ length: frameCount(x.length, hop) }, (_, t) => {
    const frame = Float64Array.from({ length: nFft }, (_, e) => {
      const pos = t * hop + e - nFft / 2;
      return pos >= 0 && pos < x.length ? x[pos] * w[e] : 0;
    });
    const re = new Float64Array(nFft / 2 + 1);
    const im = new Float64Array(nFft / 2 + 1);
    for (let k = 0; k <= nFft / 2; k++) {
      for (let e = 0; e < nFft; e++) {
        re[k] += frame[e] * roots.cos[(k * e) % nFft];
        im[k] -= frame[e] * roots.sin[(k * e) % nFft];
      }
    }
    return { re, im };
  });
}

/** librosa.phase_vocoder, literally (the phase accumulates unwrapped, in float64). */
export function phaseVocoderReference(D: { re: Float64Array; im: Float64Array }[], rate: number, nFft: number, hop: number): { re: Float64Array; im: Float64Array }[] {
  const bins = nFft / 2 + 1;
  const zero = { re: new Float64Array(bins), im: new Float64Array(bins) };
  const col = (f: number) => (f < D.length ? D[f] : zero);
  const angle = (d: { re: Float64Array; im: Float64Array }, k: number) => Math.atan2(d.im[k], d.re[k]);
  const phase = Float64Array.from({ length: bins }, (_, k) => angle(D[0], k));
  const out: { re: Float64Array; im: Float64Array }[] = [];
  for (let t = 0; t * rate < D.length; t++) {
    const step = t * rate;
    const f = Math.floor(step);
    const alpha = step - f;
    const re = new Float64Array(bins);
    const im = new Float64Array(bins);
    for (let k = 0; k < bins; k++) {
      const [d0, d1] = [col(f), col(f + 1)];
      const mag = (1 - alpha) * Math.hypot(d0.re[k], d0.im[k]) + alpha * Math.hypot(d1.re[k], d1.im[k]);
      re[k] = mag * Math.cos(phase[k]);
      im[k] = mag * Math.sin(phase[k]);
      const adv = (hop * 2 * Math.PI * k) / nFft;
      let d = angle(d1, k) - angle(d0, k) - adv;
      d -= 2 * Math.PI * Math.round(d / (2 * Math.PI));
      phase[k] += adv + d;
    }
    out.push({ re, im });
  }
  return out;
}

/** librosa.istft(center=True, window='hann', length) from half spectra, with a direct inverse real DFT. */
export function istftReference(S: { re: Float64Array; im: Float64Array }[], nFft: number, hop: number, length: number): Float64Array {
  const w = analysisWindow('hann', nFft, nFft);
  const roots = unitRoots(nFft);
  const frames = Math.min(S.length, Math.ceil((length + nFft) / hop));
  const padded = new Float64Array(nFft + hop * (frames - 1));
  const env = new Float64Array(padded.length);
  for (let t = 0; t < frames; t++) {
    for (let e = 0; e < nFft; e++) {
      // irfft: DC and Nyquist contribute their real parts once, the other bins twice.
      let v = S[t].re[0] + S[t].re[nFft / 2] * (e % 2 === 0 ? 1 : -1);
      for (let k = 1; k < nFft / 2; k++) {
        v += 2 * (S[t].re[k] * roots.cos[(k * e) % nFft] - S[t].im[k] * roots.sin[(k * e) % nFft]);
      }
      padded[t * hop + e] += (w[e] * v) / nFft;
      env[t * hop + e] += w[e] * w[e];
    }
  }
  return Float64Array.from({ length }, (_, n) => {
    const p = n + nFft / 2;
    if (p >= padded.length) return 0;
    return env[p] > 1.1754944e-38 ? padded[p] / env[p] : padded[p];
  });
}

/** librosa.effects.time_stretch(y, rate, n_fft, hop_length), in float64. */
export function timeStretchReference(x: ArrayLike<number>, rate: number, o: StretchOptions): Float64Array {
  const stretched = phaseVocoderReference(stftComplexReference(x, o.nFft, o.hop), rate, o.nFft, o.hop);
  return istftReference(stretched, o.nFft, o.hop, roundHalfEven(x.length / rate));
}
