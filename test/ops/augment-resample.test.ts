import { expect, it } from 'vitest';
import { pitchShift, pitchShiftReference, pitchRate, randomPitchShift, randomTimeStretch, drawPerClip } from '../../src/augment/pitch-stretch.js';
import type { Backend } from '../../src/backend/types.js';
import { packClips } from '../../src/features/batch.js';
import { resampleByRate, resampleByRateReference, resampledLength } from '../../src/ops/augment-resample.js';
import { quantizeRate, stftComplexReference, stretchedLength } from '../../src/ops/phase-vocoder.js';
import { backends, describeBackends, webgpuBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('phase_vocoder');
const y = golden.get('pv.y').data;
const NAMES = ['up3', 'down2_5'];
const semitonesOf = (name: string) => (golden.raw(`pv.semitones.${name}`).data as Float64Array)[0];
const resampleRateOf = (name: string) => (golden.raw(`pv.resample_rate.${name}`).data as Float64Array)[0];

// The kernels read the filter from a table at 512 points per zero crossing with linear interpolation:
// |f''| h^2 / 8 <= 4e-6 of f(0) per tap, partly cancelling over the taps (measured 9e-7 against the exact filter).
const KERNEL_TOL = { atol: 1e-5, rtol: 0 };
// soxr and this windowed sinc differ in their transition bands (above 0.9 of the lower Nyquist rate), where the
// test signal's noise floor (3e-3 white) has energy, and in how they start and end: sample by sample they agree
// to 1e-3 (-56 dB of the peak) from 80 samples after the start to 80 before the end (measured 1.5e-4 to 4.6e-4).
const SOXR_WAVE_TOL = { atol: 1e-3, rtol: 0 };
const EDGE = 80;
// In the band both resamplers pass flat (below 0.8 of the lowest Nyquist rate involved), their magnitude
// spectrograms agree to 1e-5 of the peak (both ripple far less; measured 2e-6).
const SOXR_BAND_REL = 1e-5;
// Pitch shift against its float64 reference: the stretch's phase error (phase-vocoder.test.ts) and the table.
const PITCH_TOL = { atol: 3e-5, rtol: 0 };

/** Max |dS| over the interior frames and the bins below `limit`, and the peak |S| of b. */
function spectrogramDifference(a: ArrayLike<number>, b: ArrayLike<number>, limitBin: number): { diff: number; peak: number } {
  const A = stftComplexReference(a, 512, 128);
  const B = stftComplexReference(b, 512, 128);
  let diff = 0;
  let peak = 0;
  for (let t = 2; t < A.length - 2; t++) {
    for (let k = 0; k <= 256; k++) {
      const mb = Math.hypot(B[t].re[k], B[t].im[k]);
      peak = Math.max(peak, mb);
      if (k < limitBin) diff = Math.max(diff, Math.abs(Math.hypot(A[t].re[k], A[t].im[k]) - mb));
    }
  }
  return { diff, peak };
}

function expectSoxrAgreement(got: ArrayLike<number>, soxr: Float32Array, rate: number, what: string): void {
  expect(got.length).toBe(soxr.length);
  const inner = (a: ArrayLike<number>) => Array.from(a).slice(EDGE, soxr.length - EDGE);
  expectClose(inner(got), inner(soxr), SOXR_WAVE_TOL, `${what}: waveform`);
  const { diff, peak } = spectrogramDifference(got, soxr, Math.floor(0.8 * 256 * Math.min(1, rate, 1 / rate)));
  expect(diff, `${what}: max |dS| ${diff} in the pass band, peak ${peak}`).toBeLessThan(SOXR_BAND_REL * peak);
}

describeBackends('resampling by per-clip ratios, pitch shift', (backend: Backend) => {
  for (const name of NAMES) {
    const rate = resampleRateOf(name);
    it(`resamples by ${rate.toFixed(4)} as the float64 reference, and as librosa.resample (soxr_vhq)`, async () => {
      const q = quantizeRate(rate);
      const soxr = golden.get(`pv.resample.${name}`).data;
      expect(resampledLength(y.length, q)).toBe(soxr.length);
      const out = resampleByRate(backend, packClips(backend, [y]), [q], [soxr.length]);
      const got = (await out.samples.read()) as Float32Array;
      expectClose(got, resampleByRateReference(y, q, soxr.length), KERNEL_TOL, 'vs float64');
      expectSoxrAgreement(got, soxr, rate, 'vs soxr');
    });

    it(`pitch shift by ${semitonesOf(name)} semitones = librosa.effects.pitch_shift's composition`, async () => {
      const want = golden.get(`pv.pitch.${name}`).data;
      const out = pitchShift(backend, packClips(backend, [y]), [semitonesOf(name)]);
      expect(out.lengths).toEqual([y.length]);
      const got = (await out.samples.read()) as Float32Array;
      expectClose(got, pitchShiftReference(y, semitonesOf(name)), PITCH_TOL, 'vs float64');
      expectSoxrAgreement(got, want, 2 ** (-semitonesOf(name) / 12), 'vs librosa');
    });
  }

  it('pitch shift by an octave = librosa.effects.pitch_shift itself (its rate 0.5 needs no quantising)', async () => {
    const out = (await pitchShift(backend, packClips(backend, [y]), [12]).samples.read()) as Float32Array;
    expectClose(out, pitchShiftReference(y, 12), PITCH_TOL, 'vs float64');
    expectSoxrAgreement(out, golden.get('pv.pitch_librosa.up12').data, 0.5, 'vs librosa.effects.pitch_shift');
  });

  it('shifts a batch, each clip by its own amount, keeping each length', async () => {
    const clips = [y.subarray(0, 3000), y.subarray(1000, 2200), y.subarray(500, 4700)];
    const semitones = [1.5, -3.7, 0];
    const out = pitchShift(backend, packClips(backend, clips), semitones);
    expect(out.lengths).toEqual(clips.map((c) => c.length));
    const got = (await out.samples.read()) as Float32Array;
    clips.forEach((c, i) => expectClose(got.subarray(out.offsets[i], out.offsets[i] + c.length), pitchShiftReference(c, semitones[i]), PITCH_TOL, `clip ${i}`));
  });

  it('a pitch shift moves a tone by its number of semitones', async () => {
    const n = 8000;
    const tone = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    const got = (await pitchShift(backend, packClips(backend, [tone]), [4]).samples.read()) as Float32Array;
    // Peak bin of the mean spectrum of the interior frames, refined by parabolic interpolation.
    const S = stftComplexReference(got, 512, 128);
    const mean = new Float64Array(257);
    for (let t = 4; t < S.length - 4; t++) for (let k = 0; k < 257; k++) mean[k] += Math.hypot(S[t].re[k], S[t].im[k]);
    const k = mean.indexOf(Math.max(...mean));
    const delta = (0.5 * (mean[k - 1] - mean[k + 1])) / (mean[k - 1] - 2 * mean[k] + mean[k + 1]);
    const hz = ((k + delta) * 16000) / 512;
    // 440 * 2^(4/12) = 554.37 Hz; a bin is 31 Hz, the interpolated peak of a Hann window is good to ~1 Hz.
    expect(Math.abs(hz - 440 * 2 ** (4 / 12))).toBeLessThan(2);
  });

  it('draws amounts per clip from the seed', async () => {
    const clips = [y.subarray(0, 2000), y.subarray(0, 2500)];
    const rates = drawPerClip(17, 2, { low: 0.8, high: 1.25 });
    const out = randomTimeStretch(backend, packClips(backend, clips), { low: 0.8, high: 1.25 }, 17);
    expect(out.lengths).toEqual(clips.map((c, i) => stretchedLength(c.length, quantizeRate(rates[i]))));
    expect(rates[0]).not.toBe(rates[1]);
    const a = await randomPitchShift(backend, packClips(backend, clips), { low: -2, high: 2 }, 3).samples.read();
    const b = await randomPitchShift(backend, packClips(backend, clips), { low: -2, high: 2 }, 3).samples.read();
    expectClose(a, b, { atol: 0, rtol: 0 }, 'same seed');
  });
});

it('webgpu and gpu.js shift alike', async ({ skip }) => {
  const webgpu = webgpuBackend();
  if (!webgpu) return skip();
  const cpu = backends.find((b) => b.kind === 'cpu')!.backend!;
  const clips = [y.subarray(0, 3000), y.subarray(700, 4000)];
  const out = [];
  for (const backend of [webgpu, cpu]) out.push(await randomPitchShift(backend, packClips(backend, clips), { low: -3, high: 3 }, 99).samples.read());
  // Both are within PITCH_TOL of the same float64 values.
  expectClose(out[0], out[1], { atol: 2 * PITCH_TOL.atol, rtol: 0 }, 'webgpu vs gpu.js');
});

it('pitch rates are 2^(-n/12) to 2^-16', () => {
  for (const n of [-12, -2.5, 0, 3, 12]) expect(Math.abs(pitchRate(n) / 65536 - 2 ** (-n / 12))).toBeLessThanOrEqual(2 ** -17);
});
