// computeFeatures chained from the samples against librosa, on real speech and synthetic signals.
import { it } from 'vitest';
import { powerToDbReference } from '../../src/features/db.js';
import { computeFeatures, type FeatureConfig } from '../../src/features/index.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { clipSlice, clipsOf, expectShape, golden, inputNames, input, paddingIsZero, withinOfClipMax } from './helpers.js';

// The targets: log-mel within 0.01 dB of librosa on every bin within 80 dB of its clip's maximum
// (an f32 FFT's error is relative to the frame's energy, so bins far below it are the hardest), and MFCCs
// (and their deltas) within 0.01.
const DB_TOL = { atol: 0.01, rtol: 0 };
const MFCC_TOL = { atol: 0.01, rtol: 0 };

const LOGMEL: Record<string, Partial<FeatureConfig>> = {
  'logmel.default.ravdess_a+ravdess_b': {},
  'logmel.n2048_h512_htk_refmax.ravdess_a+ravdess_b': { nFft: 2048, hop: 512, htk: true, ref: 'max' },
  'logmel.n4096_h1000_hamming_96.ravdess_a+ravdess_b': { nFft: 4096, hop: 1000, window: 'hamming', nMels: 96 },
  'logmel.n256_h64_32.silence+sine+impulse': { nFft: 256, hop: 64, nMels: 32 },
  'logmel.refmax.silence+chirp': { ref: 'max' },
  'logmel.peak_preemph.ravdess_b': { normalize: 'peak', preEmphasis: 0.97 },
};

describeBackends('computeFeatures vs librosa', (backend) => {
  for (const [name, config] of Object.entries(LOGMEL)) {
    it(name, async () => {
      const expected = golden.get(name);
      const out = computeFeatures(backend, inputNames(name).map(input), config);
      expectShape(out, expected.shape);
      const values = await out.features.read();
      expectClose(values, expected.data, DB_TOL, name, withinOfClipMax(expected.data, expected.shape, out.frames, 80));
      if (!paddingIsZero(values, expected.shape, out.frames)) throw new Error(`${name}: padding frames are not 0`);
      out.features.dispose();
    });
  }

  it('mel power (kind mel), in dB through the float64 power_to_db', async () => {
    const name = 'logmel.default.ravdess_a+ravdess_b';
    const expected = golden.get(name);
    const clips = clipsOf(backend, name);
    const out = computeFeatures(backend, clips, { kind: 'mel' });
    const values = await out.features.read();
    out.frames.forEach((frames, c) => {
      const db = powerToDbReference(clipSlice(values, expected.shape, c, frames), { ref: 1, amin: 1e-10, topDb: 80 });
      expectClose(db, clipSlice(expected.data, expected.shape, c, frames), DB_TOL, `mel clip ${c}`);
    });
    clips.samples.dispose();
  });

  it('MFCC (40) with deltas and delta-deltas stacked', async () => {
    const name = 'mfcc.default40_deltas2.ravdess_a+ravdess_b';
    const expected = golden.get(name);
    const out = computeFeatures(backend, inputNames(name).map(input), { kind: 'mfcc', nMfcc: 40, deltas: 2 });
    expectShape(out, expected.shape);
    expectClose(await out.features.read(), expected.data, MFCC_TOL, name);
  });
});
