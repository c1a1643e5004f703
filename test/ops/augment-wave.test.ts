import { expect, it } from 'vitest';
import type { Backend } from '../../src/backend/types.js';
import { packClips, type ClipBatch } from '../../src/features/batch.js';
import { stftReference } from '../../src/features/stft.js';
import {
  addNoise,
  addNoiseReference,
  clipDbReference,
  noiseReference,
  randomGain,
  randomGainReference,
  type NoiseColor,
} from '../../src/ops/augment-wave.js';
import { backends, describeBackends, webgpuBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const EXACT = { atol: 0, rtol: 0 };
// White noise is sqrt(-2 ln u1) cos(.): WGSL bounds cos's absolute error only by 2^-11 on [-pi, pi], times
// |sqrt(-2 ln u1)| <= 5.8, so a WebGPU noise sample may differ from float64 by 2.8e-3 (of unit-power noise).
const WHITE_TOL = { atol: 3e-3, rtol: 1e-5 };
// Pink noise is a sum of 16 exact uniforms in f32: 16 roundings of a sum up to 16.
const PINK_TOL = { atol: 2e-5, rtol: 0 };
// 10^(g/20) by exp2: 3 + 2|x| ulp (|x| <= 4 here) and one multiplication.
const GAIN_TOL = { atol: 0, rtol: 2e-6 };

/** Clips of different lengths and levels, one of them silent. */
function testClips(): Float32Array[] {
  return [1000, 4001, 257, 600].map((n, c) =>
    Float32Array.from({ length: n }, (_, j) => (c === 3 ? 0 : (0.2 + 0.3 * c) * Math.sin(0.05 * (c + 1) * j) + 0.01 * Math.cos(1.7 * j))),
  );
}

async function readClips(batch: ClipBatch): Promise<Float32Array> {
  return (await batch.samples.read()) as Float32Array;
}

function power(a: ArrayLike<number>, from: number, n: number, minus?: ArrayLike<number>): number {
  let s = 0;
  for (let j = from; j < from + n; j++) s += (a[j] - (minus ? minus[j] : 0)) ** 2;
  return s / n;
}

describeBackends('additive noise and gain', (backend: Backend) => {
  for (const color of ['white', 'pink'] as NoiseColor[]) {
    it(`${color} noise matches the float64 reference`, async () => {
      const batch = packClips(backend, testClips());
      const x = (await readClips(batch)).slice();
      const o = { snrLow: 0, snrHigh: 30, color };
      const y = await readClips(addNoise(backend, batch, o, 4242));
      const ref = addNoiseReference(x, batch.offsets, batch.lengths, o, 4242);
      // Compare the added noise in units of its own scale, so one tolerance fits every clip's level.
      batch.lengths.forEach((n, c) => {
        const base = batch.offsets[c];
        const scale = Math.sqrt(power(ref.y, base, n, x)) || 1;
        const got = Float64Array.from({ length: n }, (_, j) => (y[base + j] - x[base + j]) / scale);
        const want = Float64Array.from({ length: n }, (_, j) => (ref.y[base + j] - x[base + j]) / scale);
        // f32 y = x + noise rounds at ulp(|x|): up to 6e-8 |x| / scale, with |x| / scale <= 10^(30/20) * sqrt(2).
        const tol = color === 'white' ? WHITE_TOL : PINK_TOL;
        expectClose(got, want, { atol: tol.atol + 4e-6, rtol: tol.rtol }, `${color} clip ${c}`);
      });
      // The silent clip stays silent.
      expectClose(y.subarray(batch.offsets[3], batch.offsets[3] + 600), new Float32Array(600), EXACT, 'silent clip');
    });

    it(`${color} noise: each clip's measured SNR is the one drawn, uniform in [snrLow, snrHigh]`, async () => {
      const lengths = Array.from({ length: 64 }, (_, c) => 300 + ((c * 7919) % 1700));
      const clips = lengths.map((n, c) => Float32Array.from({ length: n }, (_, j) => (0.05 + c / 64) * Math.sin(0.01 * (c + 3) * j + c)));
      const batch = packClips(backend, clips);
      const x = await readClips(batch);
      const o = { snrLow: -5, snrHigh: 25, color };
      const y = await readClips(addNoise(backend, batch, o, 77));
      const snr = lengths.map((n, c) => 10 * Math.log10(power(x, batch.offsets[c], n) / power(y, batch.offsets[c], n, x)));
      const drawn = lengths.map((_, c) => clipDbReference(77, c, o.snrLow, o.snrHigh));
      // The noise is normalised by its measured power: only f32 rounding of y (relative 6e-8 of x) remains.
      expectClose(snr, drawn, { atol: 1e-3, rtol: 0 }, 'measured SNR (dB) vs drawn');
      expect(Math.min(...drawn)).toBeGreaterThanOrEqual(-5);
      expect(Math.max(...drawn)).toBeLessThanOrEqual(25);
      // 64 uniform draws: the extremes lie within 10% of the range's ends with probability 1 - 2 * 0.9^64.
      expect(Math.min(...drawn)).toBeLessThan(-2);
      expect(Math.max(...drawn)).toBeGreaterThan(22);
    });
  }

  it('pink noise falls by 3 dB per octave', async () => {
    const n = 2 ** 16;
    const batch = packClips(backend, [new Float32Array(n).fill(1)]);
    const y = await readClips(addNoise(backend, batch, { snrLow: 0, snrHigh: 0, color: 'pink' }, 5));
    const psd = averagePsd(y.map((v) => v - 1), 1024);
    // Least-squares slope of log2 power against log2 frequency over bins 4..256 (6 octaves).
    const pts = Array.from({ length: 253 }, (_, i) => [Math.log2(i + 4), Math.log2(psd[i + 4])]);
    const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
    const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    const slope = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
    // 1/f is slope -1; Voss-McCartney ripples about it and the estimate of 64 averaged frames is noisy.
    expect(slope).toBeGreaterThan(-1.15);
    expect(slope).toBeLessThan(-0.85);
  });

  it('is a function of the seed', async () => {
    const clips = testClips();
    const o = { snrLow: 10, snrHigh: 10, color: 'white' as const };
    const run = async (seed: number) => readClips(addNoise(backend, packClips(backend, clips), o, seed));
    const a = await run(1);
    expectClose(await run(1), a, EXACT, 'same seed');
    const b = await run(2);
    const differ = a.filter((v, i) => v !== b[i]).length;
    expect(differ).toBeGreaterThan(0.9 * (a.length - 600)); // all but the silent clip
  });

  it('gain matches the float64 reference', async () => {
    const batch = packClips(backend, testClips());
    const x = (await readClips(batch)).slice();
    const o = { low: -12, high: 6 };
    const y = await readClips(randomGain(backend, batch, o, 31));
    const ref = randomGainReference(x, batch.offsets, batch.lengths, o, 31);
    expectClose(y, ref.y, GAIN_TOL, 'gain');
    for (const g of ref.gain) expect(g >= -12 && g <= 6).toBe(true);
    expect(new Set(ref.gain).size).toBe(ref.gain.length);
  });

  it('rejects an inverted range', () => {
    const batch = packClips(backend, testClips());
    expect(() => randomGain(backend, batch, { low: 3, high: -3 }, 1)).toThrow(/low <= high/);
    expect(() => addNoise(backend, batch, { snrLow: 3, snrHigh: -3, color: 'white' }, 1)).toThrow(/low <= high/);
  });
});

it('webgpu and gpu.js draw the same noise and gains', async ({ skip }) => {
  const webgpu = webgpuBackend();
  if (!webgpu) return skip();
  const cpu = backends.find((b) => b.kind === 'cpu')!.backend!;
  const out: Float32Array[][] = [];
  for (const backend of [webgpu, cpu]) {
    const batch = packClips(backend, testClips());
    out.push([
      await readClips(addNoise(backend, batch, { snrLow: 0, snrHigh: 20, color: 'white' }, 9)),
      await readClips(addNoise(backend, batch, { snrLow: 0, snrHigh: 20, color: 'pink' }, 9)),
      await readClips(randomGain(backend, batch, { low: -6, high: 6 }, 9)),
    ]);
  }
  // White: WGSL's cos bound (above) times the noise scale, at most 1 here (0 dB SNR of clips below 1).
  expectClose(out[0][0], out[1][0], { atol: 3e-3, rtol: 1e-5 }, 'white');
  expectClose(out[0][1], out[1][1], { atol: 1e-5, rtol: 1e-5 }, 'pink');
  expectClose(out[0][2], out[1][2], GAIN_TOL, 'gain');
});

it('the float64 noise reference is white Gaussian', () => {
  const n = 20000;
  const z = Float64Array.from({ length: n }, (_, i) => noiseReference(3, i, 'white'));
  const mean = z.reduce((s, v) => s + v, 0) / n;
  const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  const lag1 = z.slice(1).reduce((s, v, i) => s + v * z[i], 0) / n;
  // Standard errors: mean 1/sqrt(n) = 0.007, variance sqrt(2/n) = 0.01, lag-1 correlation 0.007.
  expect(Math.abs(mean)).toBeLessThan(0.035);
  expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  expect(Math.abs(lag1)).toBeLessThan(0.035);
  const within1 = z.filter((v) => Math.abs(v) < 1).length / n;
  expect(Math.abs(within1 - 0.6827)).toBeLessThan(0.02);
});

/** Mean power spectrum of frames of `nFft` samples (Hann window, hop nFft/2), from the float64 STFT reference. */
function averagePsd(x: Float32Array, nFft: number): Float64Array {
  const power = stftReference(x, { nFft, hop: nFft / 2, winLength: nFft, window: 'hann', power: 2, preEmphasis: 0, normalize: null });
  const bins = nFft / 2 + 1;
  const frames = power.length / bins;
  const psd = new Float64Array(bins);
  // Skip the two edge frames, which see zero padding.
  for (let k = 0; k < bins; k++) for (let t = 1; t < frames - 1; t++) psd[k] += power[k * frames + t] / (frames - 2);
  return psd;
}
