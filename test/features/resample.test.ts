import { expect, it } from 'vitest';
import { packClips } from '../../src/features/batch.js';
import { resample, resampleClips, resampleReference } from '../../src/features/resample.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { golden } from './helpers.js';

const RATES = [48000, 22050, 44100];
// f32 taps and f32 sums of 28..61 products of samples up to ~0.9: a few ulps of Σ|taps·x| ≈ 1.
const TOL = { atol: 2e-6, rtol: 0 };

describeBackends('resampling to 16 kHz vs scipy.signal.resample_poly', (backend) => {
  for (const rate of RATES) {
    it(`${rate} Hz`, async () => {
      const out = resample(backend, golden.get(`resample.${rate}.in`).data, rate, 16000);
      expectClose(await out.read(), golden.get(`resample.${rate}.out`).data, TOL, `${rate} → 16000`);
      out.dispose();
    });
  }

  it('a batch of clips of several lengths in one dispatch, each resampled on its own', async () => {
    const x = golden.get('resample.44100.in').data;
    const parts = [x.subarray(0, 1000), x.subarray(1000, 1700), x.subarray(0, 2)];
    const batch = packClips(backend, parts);
    const out = resampleClips(backend, batch, 44100, 16000);
    expect(out.lengths).toEqual([363, 254, 1]); // ceil(n · 160 / 441)
    const values = await out.samples.read();
    parts.forEach((p, c) => {
      const got = values.subarray(out.offsets[c], out.offsets[c] + out.lengths[c]);
      expectClose(got, resampleReference(p, 44100, 16000), TOL, `clip ${c}`);
    });
  });

  it('equal rates copy', async () => {
    const x = golden.get('resample.22050.in').data;
    expectClose(await resample(backend, x, 22050, 22050).read(), x, { atol: 0, rtol: 0 }, 'copy');
  });
});
