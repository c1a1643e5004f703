import { expect, it } from 'vitest';
import { specAugment, specAugmentReference, type SpecAugmentOptions } from '../../src/ops/spec-augment.js';
import { backends, describeBackends, webgpuBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const EXACT = { atol: 0, rtol: 0 };
// The mean fill is an f32 tree sum over <= 16 x 40 values of magnitude <= 80: a few ulps of the mean.
const MEAN_TOL = { atol: 1e-5, rtol: 1e-6 };
const OPTS: SpecAugmentOptions = { freqMasks: 2, maxFreqWidth: 6, timeMasks: 2, maxTimeWidth: 10, value: 'zero' };

/** log-Mel-like features [N, bands, maxFrames], zero past each clip's valid frames. */
function features(frames: number[], bands: number, maxFrames: number): Float32Array {
  const x = new Float32Array(frames.length * bands * maxFrames);
  frames.forEach((valid, c) => {
    for (let b = 0; b < bands; b++) for (let t = 0; t < valid; t++) x[(c * bands + b) * maxFrames + t] = -80 + 70 * Math.abs(Math.sin(0.3 * b + 0.11 * t + c));
  });
  return x;
}

describeBackends('SpecAugment masks', (backend) => {
  const frames = [40, 33, 1, 0, 20];
  const shape = [5, 16, 40] as const;
  const x = features(frames, 16, 40);
  const run = async (o: SpecAugmentOptions, seed: number, input = x, f = frames, s: readonly number[] = shape) =>
    (await specAugment(backend, backend.upload(input, s), f, o, seed).read()) as Float32Array;

  for (const value of ['zero', 'mean'] as const) {
    it(`matches the float64 reference (${value} fill)`, async () => {
      const o = { ...OPTS, value };
      const ref = specAugmentReference(x, shape, frames, o, 2024);
      expectClose(await run(o, 2024), ref.y, value === 'zero' ? EXACT : MEAN_TOL, `masked (${value})`);
      expect(ref.y.some((v, i) => v !== x[i])).toBe(true);
    });
  }

  it('masks within the drawn widths, time masks inside the valid frames, padding untouched', async () => {
    const N = 300;
    const f = Array.from({ length: N }, (_, c) => (c * 37) % 61);
    const s = [N, 16, 60] as const;
    const input = features(f, 16, 60);
    const o = { freqMasks: 1, maxFreqWidth: 8, timeMasks: 1, maxTimeWidth: 12, value: 'zero' as const };
    const y = await run(o, 99, input, f, s);
    const { y: want, masks } = specAugmentReference(input, s, f, o, 99);
    expectClose(y, want, EXACT, 'masked');
    let freqWidths = 0;
    let wrong = 0;
    masks.forEach(([[fs, fe], [ts, te]], c) => {
      expect(fe - fs).toBeLessThanOrEqual(8);
      expect(fs >= 0 && fe <= 16).toBe(true);
      expect(te - ts).toBeLessThanOrEqual(Math.min(12, f[c]));
      expect(ts >= 0 && te <= f[c]).toBe(true);
      freqWidths += fe - fs;
      // Exactly the mask's cells are zero among the clip's valid cells (the input has no zeros there).
      for (let b = 0; b < 16; b++) {
        for (let t = 0; t < 60; t++) {
          const i = (c * 16 + b) * 60 + t;
          const inMask = t < f[c] && ((b >= fs && b < fe) || (t >= ts && t < te));
          if ((y[i] === 0) !== (inMask || t >= f[c])) wrong++;
        }
      }
    });
    expect(wrong).toBe(0);
    // Widths are uniform on 0..8: mean 4, standard deviation of the mean sqrt(60/9/300) = 0.15.
    expect(Math.abs(freqWidths / N - 4)).toBeLessThan(0.75);
  });

  it('is the identity with no masks or zero widths', async () => {
    expectClose(await run({ ...OPTS, freqMasks: 0, timeMasks: 0 }, 1), x, EXACT, 'no masks');
    expectClose(await run({ ...OPTS, maxFreqWidth: 0, maxTimeWidth: 0 }, 1), x, EXACT, 'zero widths');
  });

  it('is a function of the seed', async () => {
    const a = await run(OPTS, 5);
    expectClose(await run(OPTS, 5), a, EXACT, 'same seed');
    expect((await run(OPTS, 6)).some((v, i) => v !== a[i])).toBe(true);
  });

  it('rejects bad shapes and options', () => {
    const t = backend.upload(x, shape);
    expect(() => specAugment(backend, t, [1, 2], OPTS, 1)).toThrow(/must be \[2, bands, frames\]/);
    expect(() => specAugment(backend, t, frames, { ...OPTS, freqMasks: -1 }, 1)).toThrow(/freqMasks/);
    expect(() => specAugment(backend, t, [41, 0, 0, 0, 0], OPTS, 1)).toThrow(/valid frames/);
  });
});

it('webgpu and gpu.js draw the same masks', async ({ skip }) => {
  const webgpu = webgpuBackend();
  if (!webgpu) return skip();
  const cpu = backends.find((b) => b.kind === 'cpu')!.backend!;
  const frames = Array.from({ length: 64 }, (_, c) => 50 + ((c * 13) % 138));
  const x = features(frames, 64, 188);
  const out = [];
  for (const backend of [webgpu, cpu]) {
    out.push(await specAugment(backend, backend.upload(x, [64, 64, 188]), frames, { ...OPTS, freqMasks: 2, maxFreqWidth: 12, timeMasks: 2, maxTimeWidth: 30 }, 0xfeedbeef).read());
  }
  expectClose(out[0], out[1], EXACT, 'webgpu vs gpu.js');
});
