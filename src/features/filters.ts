// Constant matrices of the feature stages, designed on the host in float64 as librosa / scipy do:
// analysis windows, the mel filterbank, the DCT-II and the Savitzky-Golay delta filters.
import type { WindowName } from './config.js';

/** scipy.signal.get_window(name, winLength, fftbins=True) (periodic), zero-padded to nFft, centred (librosa). */
export function analysisWindow(name: WindowName, winLength: number, nFft: number): Float64Array {
  const [a0, a1] = name === 'hann' ? [0.5, 0.5] : [0.54, 0.46];
  const out = new Float64Array(nFft);
  const lpad = Math.floor((nFft - winLength) / 2);
  for (let i = 0; i < winLength; i++) out[lpad + i] = a0 - a1 * Math.cos((2 * Math.PI * i) / winLength);
  return out;
}

const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP;
const SLANEY_LOGSTEP = Math.log(6.4) / 27;

/** librosa.hz_to_mel: Slaney's scale (linear below 1 kHz, logarithmic above) or HTK's. */
export function hzToMel(hz: number, htk: boolean): number {
  if (htk) return 2595 * Math.log10(1 + hz / 700);
  if (hz < SLANEY_MIN_LOG_HZ) return hz / SLANEY_F_SP;
  return SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOGSTEP;
}

export function melToHz(mel: number, htk: boolean): number {
  if (htk) return 700 * (10 ** (mel / 2595) - 1);
  if (mel < SLANEY_MIN_LOG_MEL) return mel * SLANEY_F_SP;
  return SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOGSTEP * (mel - SLANEY_MIN_LOG_MEL));
}

export interface MelOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fMin: number;
  fMax: number;
  htk: boolean;
  norm: 'slaney' | null;
}

/** librosa.filters.mel: [nMels, nFft/2 + 1] triangles between consecutive mel-spaced edges, row-major. */
export function melFilterbank(o: MelOptions): Float64Array {
  const bins = o.nFft / 2 + 1;
  const lo = hzToMel(o.fMin, o.htk);
  const hi = hzToMel(o.fMax, o.htk);
  // np.linspace(lo, hi, nMels + 2) as numpy computes it (start + i * step, the last point exact).
  const step = (hi - lo) / (o.nMels + 1);
  const edges = Array.from({ length: o.nMels + 2 }, (_, i) => melToHz(i === o.nMels + 1 ? hi : lo + i * step, o.htk));
  const out = new Float64Array(o.nMels * bins);
  for (let m = 0; m < o.nMels; m++) {
    const [left, centre, right] = [edges[m], edges[m + 1], edges[m + 2]];
    const scale = o.norm === 'slaney' ? 2 / (right - left) : 1;
    for (let k = 0; k < bins; k++) {
      const f = (k * o.sampleRate) / o.nFft;
      const rising = (f - left) / (centre - left);
      const falling = (right - f) / (right - centre);
      out[m * bins + k] = Math.max(0, Math.min(rising, falling)) * scale;
    }
  }
  return out;
}

/** Per row, the first and one-past-last column holding a non-zero: the filters' support, for sparse sums. */
export function rowSupport(matrix: ArrayLike<number>, rows: number, cols: number): Uint32Array {
  const out = new Uint32Array(2 * rows);
  for (let r = 0; r < rows; r++) {
    let first = cols;
    let end = 0;
    for (let c = 0; c < cols; c++) {
      if (matrix[r * cols + c] !== 0) {
        first = Math.min(first, c);
        end = c + 1;
      }
    }
    out.set(first < end ? [first, end] : [0, 0], 2 * r);
  }
  return out;
}

/** The orthonormal DCT-II (scipy.fft.dct(type=2, norm='ortho')) as a [nOut, n] matrix: its first nOut rows. */
export function dctMatrix(nOut: number, n: number): Float64Array {
  const out = new Float64Array(nOut * n);
  for (let k = 0; k < nOut; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / n);
    for (let i = 0; i < n; i++) out[k * n + i] = scale * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  }
  return out;
}

/**
 * scipy.signal.savgol_coeffs(width, polyorder=order, deriv=order) in correlation order: the least-squares
 * order-th derivative at the centre of `width` points, d[t] = Σ_j c[j] x[t + j - width/2]. Orders 1 and 2,
 * the ones librosa.feature.delta uses; with polyorder = deriv the fitted derivative is constant, so
 * mode='interp' edges equal the nearest full window's value.
 */
export function savgolDerivative(width: number, order: 1 | 2): Float64Array {
  const half = (width - 1) / 2;
  const offsets = Array.from({ length: width }, (_, j) => j - half);
  if (order === 1) {
    const norm = offsets.reduce((s, k) => s + k * k, 0);
    return Float64Array.from(offsets, (k) => k / norm);
  }
  // Quadratic fit: k² minus its mean is orthogonal to 1 and k; the 2nd derivative is twice its coefficient.
  const mean = offsets.reduce((s, k) => s + k * k, 0) / width;
  const norm = offsets.reduce((s, k) => s + (k * k - mean) ** 2, 0);
  return Float64Array.from(offsets, (k) => (2 * (k * k - mean)) / norm);
}
