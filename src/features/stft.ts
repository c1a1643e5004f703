// Short-time Fourier transforms of clip batches, as librosa.stft(center=True, pad_mode='constant'):
// shaders/stft.wgsl on WebGPU (one dispatch: framing, window, FFT in workgroup memory, power, and for mel
// features the filterbank too), gpu.js kernels on the CPU backend (framing, one kernel per radix-2
// Stockham stage, real split), and a float64 reference.
import type { Backend, CpuBackend, CpuKernelFunction, WebGpuBackend } from '../backend/types.js';
import type { AdapterReport } from '../gpu/device.js';
import type { Tensor } from '../tensor.js';
import { clipTable, frameCount, type ClipBatch, type FeatureBatch } from './batch.js';
import type { FeatureConfig } from './config.js';
import { constantTensor } from './constants.js';
import { analysisWindow } from './filters.js';
import { clipReduce } from './reduce.js';

export type StftOptions = Pick<FeatureConfig, 'nFft' | 'hop' | 'winLength' | 'window' | 'power' | 'preEmphasis' | 'normalize'>;

/** A filterbank applied inside the STFT kernel: bank [bands, nFft/2 + 1] and each row's non-zero range. */
export interface FusedFilterbank {
  bank: Tensor;
  ranges: Tensor;
}

/** |X|^power [N, nFft/2 + 1, maxFrames] of every clip. `tiling` overrides the adapter's choice (tests). */
export function stft(backend: Backend, clips: ClipBatch, o: StftOptions, tiling?: FftTiling): FeatureBatch {
  if (backend.kind === 'webgpu') return stftWebGpu(backend, clips, o, null, tiling ?? fftTiling(backend.adapter, o.nFft));
  return stftCpu(backend, clips, o);
}

/** The mel power spectrogram [N, bands, maxFrames] straight from the clips: the STFT and filterbank fused (WebGPU). */
export function stftFiltered(backend: WebGpuBackend, clips: ClipBatch, o: Omit<StftOptions, 'power'>, filters: FusedFilterbank): FeatureBatch {
  return stftWebGpu(backend, clips, { ...o, power: 2 }, filters, fftTiling(backend.adapter, o.nFft));
}

function windowTensor(backend: Backend, o: StftOptions): Tensor {
  return constantTensor(backend, `stft.window.${o.window}.${o.winLength}.${o.nFft}`, () => ({
    data: Float32Array.from(analysisWindow(o.window, o.winLength, o.nFft)),
    shape: [o.nFft],
  }));
}

/** [nFft/2, 2]: exp(-2πik / nFft), computed in float64. */
function twiddleTensor(backend: Backend, nFft: number): Tensor {
  return constantTensor(backend, `stft.twiddles.${nFft}`, () => {
    const m = nFft / 2;
    const data = new Float32Array(2 * m);
    for (let k = 0; k < m; k++) {
      data[2 * k] = Math.cos((2 * Math.PI * k) / nFft);
      data[2 * k + 1] = -Math.sin((2 * Math.PI * k) / nFft);
    }
    return { data, shape: [m, 2] };
  });
}

/** Each clip's peak or RMS (the kernels divide by it), or ones. */
function clipLevels(backend: Backend, clips: ClipBatch, normalize: StftOptions['normalize']): Tensor {
  if (!normalize) return backend.upload(new Float32Array(clips.lengths.length).fill(1), [clips.lengths.length]);
  const regions = clips.lengths.map((cols, c) => ({ base: clips.offsets[c], rows: 1, cols }));
  return clipReduce(backend, clips.samples, regions, 0, normalize);
}

/** Frames per workgroup (F) and invocations per frame (T) of shaders/stft.wgsl. */
export interface FftTiling {
  F: number;
  T: number;
}

/**
 * Lavapipe runs 8 invocations in SIMD lanes, pays a coroutine switch per barrier and a per-lane loop for every
 * workgroup-memory access: one frame per invocation (T = 1, no barriers) while 8 frames fit in workgroup
 * memory. GPUs: one frame per workgroup, a radix-8 butterfly group per invocation and pass.
 */
export function fftTiling(adapter: Pick<AdapterReport, 'isSoftware' | 'limits'>, nFft: number): FftTiling {
  const frameBytes = 4 * nFft; // nFft/2 complex f32 values
  const fit = Math.floor(adapter.limits.maxComputeWorkgroupStorageSize / frameBytes);
  if (fit < 1) throw new Error(`stft: nFft ${nFft} needs ${frameBytes} bytes of workgroup memory; the adapter has ${adapter.limits.maxComputeWorkgroupStorageSize}`);
  if (adapter.isSoftware) {
    const F = Math.min(8, 2 ** Math.floor(Math.log2(fit)));
    return { F, T: 8 / F };
  }
  return { F: 1, T: Math.min(64, nFft / 16) };
}

function stftWebGpu(backend: WebGpuBackend, clips: ClipBatch, o: StftOptions, filters: FusedFilterbank | null, { F, T }: FftTiling): FeatureBatch {
  const m = o.nFft / 2;
  const frames = clips.lengths.map((n) => frameCount(n, o.hop));
  const maxFrames = Math.max(...frames);
  const bands = filters ? filters.bank.shape[0] : m + 1;
  const limit = backend.adapter.limits.maxStorageBufferBindingSize;
  for (const [what, bytes] of [['samples', clips.samples.byteLength], ['output', 4 * frames.length * bands * maxFrames]] as const) {
    if (bytes > limit) throw new Error(`stft: the batch's ${what} take ${bytes} bytes, over the adapter's ${limit}-byte binding limit: use smaller batches`);
  }
  const table = clipTable(backend, clips, o.hop);
  const levels = clipLevels(backend, clips, o.normalize);
  const out = backend.empty([frames.length, bands, maxFrames]);
  const buffers = [clips.samples, table, levels, windowTensor(backend, o), twiddleTensor(backend, o.nFft), out];
  if (filters) buffers.push(filters.bank, filters.ranges);
  backend.runtime.run({
    shader: 'stft',
    entry: filters ? 'mel' : 'power',
    constants: { LOG_M: Math.log2(m), F, T, PREEMPHASIS: Number(o.preEmphasis !== 0) },
    uniforms: [o.hop, maxFrames, bands, { f32: o.power }, { f32: o.preEmphasis }],
    buffers: buffers.map((t) => t.buffer),
    workgroups: [Math.ceil(maxFrames / F), frames.length],
  });
  table.dispose();
  levels.dispose();
  return { features: out, frames };
}

// gpu.js: z holds [N * maxFrames, M, 2] (re, im) of the packed complex sequence x[2n] + i x[2n+1].
function stftCpu(backend: CpuBackend, clips: ClipBatch, o: StftOptions): FeatureBatch {
  const m = o.nFft / 2;
  const frames = clips.lengths.map((n) => frameCount(n, o.hop));
  const maxFrames = Math.max(...frames);
  const n = frames.length;
  const table = clipTable(backend, clips, o.hop);
  const levels = clipLevels(backend, clips, o.normalize);
  const twiddles = twiddleTensor(backend, o.nFft).host;
  const zLength = n * maxFrames * m * 2;
  let z = backend.kernel('stft.frames', framesCpuKernel, zLength)(
    clips.samples.host, table.host, levels.host, windowTensor(backend, o).host, maxFrames, m, o.hop, o.preEmphasis,
  ) as Float32Array;
  const stage = backend.kernel('stft.stage', stockhamStageCpuKernel, zLength);
  for (let s = 0; s < Math.log2(m); s++) z = stage(z, twiddles, m, 2 ** s) as Float32Array;
  const power = backend.kernel('stft.power', powerCpuKernel, n * (m + 1) * maxFrames)(z, twiddles, table.host, m, maxFrames, o.power) as Float32Array;
  table.dispose();
  levels.dispose();
  return { features: backend.wrap(power, [n, m + 1, maxFrames]), frames };
}

/** Windowed frame samples, pre-emphasised and scaled, as complex pairs; zeros for padding frames. */
const framesCpuKernel: CpuKernelFunction = function (
  samples: number[], table: number[], levels: number[], window: number[],
  maxFrames: number, m: number, hop: number, preEmphasis: number,
) {
  const i = this.thread.x;
  const inFrame = i % (2 * m); // 2e + comp: the sample's place in the frame
  const slot = Math.floor(i / (2 * m));
  const c = Math.floor(slot / maxFrames);
  const t = slot % maxFrames;
  const offset = table[4 * c];
  const length = table[4 * c + 1];
  const pos = t * hop - m + inFrame;
  if (t >= table[4 * c + 2] || pos < 0 || pos >= length) return 0;
  let v = samples[offset + pos];
  if (preEmphasis !== 0) {
    if (pos === 0) v = 3 * v - samples[offset + 1]; // librosa's lfilter state 2*y[0] - y[1]
    else v -= preEmphasis * samples[offset + pos - 1];
  }
  const level = levels[c];
  const gain = level >= 1.1754944e-38 ? 1 / level : 1;
  return gain * v * window[inFrame];
};

/** One radix-2 Stockham stage (sub-transforms of half-length `span` merge into 2·span), natural order in and out. */
export const stockhamStageCpuKernel: CpuKernelFunction = function (z: number[], twiddles: number[], m: number, span: number) {
  const i = this.thread.x;
  const comp = i % 2;
  const e = Math.floor(i / 2) % m;
  const frameBase = i - comp - 2 * e;
  const j = e % span;
  const upper = Math.floor(e / span) % 2;
  const b = Math.floor(e / (2 * span)) * span + j; // the butterfly: inputs b and b + m/2
  const w = j * (m / span);
  const wr = twiddles[2 * w];
  const wi = twiddles[2 * w + 1];
  const ar = z[frameBase + 2 * b];
  const ai = z[frameBase + 2 * b + 1];
  const cr = z[frameBase + 2 * (b + m / 2)];
  const ci = z[frameBase + 2 * (b + m / 2) + 1];
  const tr = cr * wr - ci * wi;
  const ti = cr * wi + ci * wr;
  const sign = upper === 1 ? -1 : 1;
  return comp === 0 ? ar + sign * tr : ai + sign * ti;
};

/** |X[k]|^power from the packed transform Z: X[k] = E + W^k O (see stft.wgsl); zeros for padding frames. */
const powerCpuKernel: CpuKernelFunction = function (z: number[], twiddles: number[], table: number[], m: number, maxFrames: number, power: number) {
  const i = this.thread.x;
  const t = i % maxFrames;
  const k = Math.floor(i / maxFrames) % (m + 1);
  const c = Math.floor(i / (maxFrames * (m + 1)));
  if (t >= table[4 * c + 2]) return 0;
  const base = 2 * m * (c * maxFrames + t);
  const a = 2 * (k % m);
  const b = 2 * ((m - k) % m);
  const er = 0.5 * (z[base + a] + z[base + b]);
  const ei = 0.5 * (z[base + a + 1] - z[base + b + 1]);
  const odr = 0.5 * (z[base + a + 1] + z[base + b + 1]);
  const odi = 0.5 * (z[base + b] - z[base + a]);
  const wr = k < m ? twiddles[2 * k] : -1;
  const wi = k < m ? twiddles[2 * k + 1] : 0;
  const xr = er + odr * wr - odi * wi;
  const xi = ei + odr * wi + odi * wr;
  const p = xr * xr + xi * xi;
  return power === 1 ? Math.sqrt(p) : p;
};

/**
 * Float64 reference of one clip: [nFft/2 + 1, frames] of |X|^power, with an N-point complex FFT (recursive
 * radix-2) of each centred, zero-padded, windowed frame.
 */
export function stftReference(clip: ArrayLike<number>, o: StftOptions): Float64Array {
  let y = Float64Array.from(clip);
  if (o.normalize) {
    const level = o.normalize === 'peak' ? y.reduce((a, v) => Math.max(a, Math.abs(v)), 0) : Math.sqrt(y.reduce((a, v) => a + v * v, 0) / y.length);
    if (level > 0) y = y.map((v) => v / level);
  }
  if (o.preEmphasis !== 0) y = y.map((v, i) => (i === 0 ? 3 * v - y[1] : v - o.preEmphasis * y[i - 1]));
  const window = analysisWindow(o.window, o.winLength, o.nFft);
  const frames = frameCount(y.length, o.hop);
  const bins = o.nFft / 2 + 1;
  const out = new Float64Array(bins * frames);
  for (let t = 0; t < frames; t++) {
    const re = new Float64Array(o.nFft);
    for (let n = 0; n < o.nFft; n++) {
      const pos = t * o.hop - o.nFft / 2 + n;
      re[n] = pos >= 0 && pos < y.length ? y[pos] * window[n] : 0;
    }
    const [xr, xi] = fftReference(re, new Float64Array(o.nFft));
    for (let k = 0; k < bins; k++) {
      const p = xr[k] * xr[k] + xi[k] * xi[k];
      out[k * frames + t] = o.power === 1 ? Math.sqrt(p) : p;
    }
  }
  return out;
}

function fftReference(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  if (n === 1) return [re, im];
  const half = n / 2;
  const pick = (a: Float64Array, odd: number) => a.filter((_, i) => i % 2 === odd);
  const [er, ei] = fftReference(pick(re, 0), pick(im, 0));
  const [or, oi] = fftReference(pick(re, 1), pick(im, 1));
  const outR = new Float64Array(n);
  const outI = new Float64Array(n);
  for (let k = 0; k < half; k++) {
    const c = Math.cos((-2 * Math.PI * k) / n);
    const s = Math.sin((-2 * Math.PI * k) / n);
    const tr = or[k] * c - oi[k] * s;
    const ti = or[k] * s + oi[k] * c;
    outR[k] = er[k] + tr;
    outI[k] = ei[k] + ti;
    outR[k + half] = er[k] - tr;
    outI[k + half] = ei[k] - ti;
  }
  return [outR, outI];
}
