// Each stage after the STFT alone, fed librosa's output of the stage before (its S= arguments), on both backends.
import { expect, it } from 'vitest';
import type { Backend } from '../../src/backend/types.js';
import type { FeatureBatch } from '../../src/features/batch.js';
import { powerToDb } from '../../src/features/db.js';
import { delta, deltaReference, stackDeltas } from '../../src/features/delta.js';
import { melSpectrogram } from '../../src/features/mel.js';
import { mfcc } from '../../src/features/mfcc.js';
import { featureConfig } from '../../src/features/config.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { clipSlice, expectShape, golden, paddingIsZero } from './helpers.js';

/** A golden [N, bands, frames] of equal-length clips as a batch on the backend. */
function uploadBatch(backend: Backend, name: string): FeatureBatch {
  const { data, shape } = golden.get(name);
  return { features: backend.upload(data, shape), frames: new Array(shape[0]).fill(shape[2]) };
}

describeBackends('feature stages alone vs librosa', (backend) => {
  it('melSpectrogram(S=power), HTK, no norm, 60..7000 Hz', async () => {
    const S = uploadBatch(backend, 'stft.n512_h200_hamming_pow.impulse+clipping');
    const expected = golden.get('mel.n512_h200_htk_nonorm.impulse+clipping');
    const mel = melSpectrogram(backend, S, featureConfig({ nFft: 512, nMels: 40, htk: true, norm: null, fMin: 60, fMax: 7000 }));
    expectShape(mel, expected.shape);
    // f32 sums of up to ~30 products of f32 weights and powers: a few ulps of the largest band.
    const max = expected.data.reduce((a, v) => Math.max(a, v), 0);
    expectClose(await mel.features.read(), expected.data, { atol: 1e-6 * max, rtol: 1e-5 }, 'mel');
  });

  it('powerToDb: ref=np.max with top_db 80, and ref=1 without a floor', async () => {
    const mel = uploadBatch(backend, 'mel.n512_h200_htk_nonorm.impulse+clipping');
    for (const [name, o] of [['db.refmax_top80', { ref: 'max', amin: 1e-10, topDb: 80 }], ['db.ref1_notop', { ref: 1, amin: 1e-10, topDb: null }]] as const) {
      const db = powerToDb(backend, mel, o);
      // f32 logarithms (lavapipe's log2 is a polynomial): well below the 0.01 dB target of the pipeline.
      expectClose(await db.features.read(), golden.get(`${name}.impulse+clipping`).data, { atol: 2e-4, rtol: 0 }, name);
    }
  });

  it('mfcc(S=S_db), 20 coefficients', async () => {
    const sDb = uploadBatch(backend, 'mfcc.in.chirp+clipping');
    const out = mfcc(backend, sDb, 20);
    // An f32 DCT of 64 values of up to ~100: a few ulps of Σ|S_db| / 8.
    expectClose(await out.features.read(), golden.get('mfcc.n20.chirp+clipping').data, { atol: 2e-4, rtol: 0 }, 'mfcc');
  });

  it('delta (width 9, interp edges), orders 1 and 2, and the stacked [x; Δ; Δ²]', async () => {
    const mf = uploadBatch(backend, 'mfcc.n20.chirp+clipping');
    const d1 = golden.get('delta.order1.chirp+clipping');
    const d2 = golden.get('delta.order2.chirp+clipping');
    // Nine f32 products of MFCCs up to ~300.
    const tol = { atol: 5e-5, rtol: 1e-6 };
    expectClose(await delta(backend, mf, 1).features.read(), d1.data, tol, 'delta 1');
    expectClose(await delta(backend, mf, 2).features.read(), d2.data, tol, 'delta 2');
    const stacked = stackDeltas(backend, mf, 2);
    const [, , frames] = d1.shape;
    expect(stacked.features.shape).toEqual([2, 60, frames]);
    const values = await stacked.features.read();
    const rows = (c: number, from: number) => values.slice((c * 60 + from) * frames, (c * 60 + from + 20) * frames);
    for (const c of [0, 1]) {
      expectClose(rows(c, 0), golden.get('mfcc.n20.chirp+clipping').data.slice(c * 20 * frames, (c + 1) * 20 * frames), { atol: 0, rtol: 0 }, 'copy');
      expectClose(rows(c, 20), d1.data.slice(c * 20 * frames, (c + 1) * 20 * frames), tol, 'stacked delta 1');
      expectClose(rows(c, 40), d2.data.slice(c * 20 * frames, (c + 1) * 20 * frames), tol, 'stacked delta 2');
    }
  });

  it('variable-length batches: each clip uses its own frames, padding stays 0', async () => {
    // Clip 1 keeps 10 of its frames: its deltas must treat frame 9 as its last (interp edges).
    const mf = golden.get('mfcc.n20.chirp+clipping');
    const frames = [mf.shape[2], 10];
    const batch = { features: backend.upload(mf.data, mf.shape), frames };
    const out = await delta(backend, batch, 1).features.read();
    expect(paddingIsZero(out, mf.shape, frames)).toBe(true);
    const clip1 = clipSlice(mf.data, mf.shape, 1, 10);
    expectClose(clipSlice(out, mf.shape, 1, 10), deltaReference(clip1, 20, 10, 1), { atol: 5e-5, rtol: 1e-6 }, 'short clip');
    expect(() => delta(backend, { features: batch.features, frames: [frames[0], 8] }, 1)).toThrow(/fewer than width 9/);
  });
});
