// Host-side designs and float64 references against librosa / scipy (no backend involved).
import { expect, it } from 'vitest';
import { powerToDbReference } from '../../src/features/db.js';
import { deltaReference } from '../../src/features/delta.js';
import { dctMatrix, melFilterbank, savgolDerivative } from '../../src/features/filters.js';
import { resamplePlan } from '../../src/features/fir.js';
import { mfccReference } from '../../src/features/mfcc.js';
import { resampleReference } from '../../src/features/resample.js';
import { expectClose } from '../helpers/expect-close.js';
import { clipSlice, golden } from './helpers.js';

// librosa builds the filterbank in float64 and stores it as float32: ours, in float64, is within an f32 rounding.
const BANK_TOL = { atol: 1e-9, rtol: 2e-7 };

it('mel filterbanks match librosa.filters.mel (Slaney, area-normalised; HTK, peak 1, band-limited)', () => {
  const slaney = golden.get('filters.mel_slaney_n256_32');
  expectClose(melFilterbank({ sampleRate: 16000, nFft: 256, nMels: 32, fMin: 0, fMax: 8000, htk: false, norm: 'slaney' }), slaney.data, BANK_TOL, 'slaney');
  const htk = golden.get('filters.mel_htk_n256_32_fmin100_fmax6000_nonorm');
  expectClose(melFilterbank({ sampleRate: 16000, nFft: 256, nMels: 32, fMin: 100, fMax: 6000, htk: true, norm: null }), htk.data, BANK_TOL, 'htk');
});

it('the DCT-II matrix is orthonormal', () => {
  const n = 16;
  const d = dctMatrix(n, n);
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) gram[i * n + j] += d[i * n + k] * d[j * n + k];
  expectClose(gram, Float64Array.from({ length: n * n }, (_, i) => Number(i % (n + 1) === 0)), { atol: 1e-14, rtol: 0 }, 'DᵀD');
});

it('Savitzky-Golay derivative filters: Σk·c = 1 (slope), Σk²·c = 2 (curvature), Σc = 0', () => {
  const k = Array.from({ length: 9 }, (_, j) => j - 4);
  const d1 = savgolDerivative(9, 1);
  const d2 = savgolDerivative(9, 2);
  const dot = (c: Float64Array, f: (k: number) => number) => k.reduce((s, v, j) => s + c[j] * f(v), 0);
  const moments = [dot(d1, () => 1), dot(d1, (v) => v), dot(d2, () => 1), dot(d2, (v) => v), dot(d2, (v) => v * v)];
  expectClose(moments, [0, 1, 0, 0, 2], { atol: 1e-12, rtol: 0 }, 'moments');
});

it('power_to_db, MFCC and delta references agree with librosa', () => {
  // float64 computations against float32-stored goldens: a few f32 ulps of values up to ~100.
  const tol = { atol: 2e-5, rtol: 1e-6 };
  const mel = golden.get('mel.n512_h200_htk_nonorm.impulse+clipping');
  const [, bands, frames] = mel.shape;
  for (const [name, o] of [['db.refmax_top80', { ref: 'max' as const, amin: 1e-10, topDb: 80 }], ['db.ref1_notop', { ref: 1, amin: 1e-10, topDb: null }]] as const) {
    const expected = golden.get(`${name}.impulse+clipping`);
    for (const c of [0, 1]) expectClose(powerToDbReference(clipSlice(mel.data, mel.shape, c, frames), o), clipSlice(expected.data, expected.shape, c, frames), tol, `${name} clip ${c}`);
  }
  const sDb = golden.get('mfcc.in.chirp+clipping');
  const mf = golden.get('mfcc.n20.chirp+clipping');
  const [, nMels, mfFrames] = sDb.shape;
  for (const c of [0, 1]) {
    const coefficients = mfccReference(clipSlice(sDb.data, sDb.shape, c, mfFrames), nMels, mfFrames, 20);
    expectClose(coefficients, clipSlice(mf.data, mf.shape, c, mfFrames), { atol: 1e-4, rtol: 1e-6 }, `mfcc clip ${c}`);
    for (const order of [1, 2] as const) {
      const expected = golden.get(`delta.order${order}.chirp+clipping`);
      const ours = deltaReference(clipSlice(mf.data, mf.shape, c, mfFrames), 20, mfFrames, order);
      expectClose(ours, clipSlice(expected.data, expected.shape, c, mfFrames), tol, `delta ${order} clip ${c}`);
    }
  }
  expect(bands).toBe(40);
});

it('the resampling reference is scipy.signal.resample_poly (48 kHz, 22.05 kHz, 44.1 kHz → 16 kHz)', () => {
  for (const rate of [48000, 22050, 44100]) {
    const x = golden.get(`resample.${rate}.in`).data;
    const expected = golden.get(`resample.${rate}.out`).data;
    // Taps designed in float64 like scipy's: agreement to float64 rounding, then float32 storage of the golden.
    expectClose(resampleReference(x, rate, 16000), expected, { atol: 1e-7, rtol: 1e-6 }, `resample ${rate}`);
  }
  expect(resamplePlan(44100, 16000)).toMatchObject({ up: 160, down: 441, halfLen: 4410 });
});
