import { expect, it } from 'vitest';
import { featureConfig } from '../../src/features/config.js';
import { fftTiling, stft, stftReference, type StftOptions } from '../../src/features/stft.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { clipSlice, clipsOf, expectShape, golden, input, inputNames, paddingIsZero } from './helpers.js';

const CASES: Record<string, Partial<StftOptions>> = {
  'stft.n256_h100_hann_mag.chirp': { nFft: 256, hop: 100, power: 1 },
  'stft.n512_h200_hamming_pow.impulse+clipping': { nFft: 512, hop: 200, window: 'hamming' },
  'stft.n1024_h300_win800_pow.sine': { nFft: 1024, hop: 300, winLength: 800 },
};

function options(o: Partial<StftOptions>): StftOptions {
  return featureConfig({ winLength: o.nFft, ...o });
}

/**
 * An f32 FFT's error in a bin is a few ulps of the frame's energy spread over log2(nFft) stages, whatever the
 * bin's own size: absolute, relative to the largest value (|X| or |X|²) of the batch.
 */
function tol(expected: ArrayLike<number>, power: number) {
  const max = Array.from(expected).reduce((a, v) => Math.max(a, v), 0);
  return { atol: 2e-6 * power * max, rtol: 1e-5 };
}

describeBackends('stft vs librosa.stft', (backend) => {
  for (const [name, o] of Object.entries(CASES)) {
    it(name, async () => {
      const expected = golden.get(name);
      const clips = clipsOf(backend, name);
      const out = stft(backend, clips, options(o));
      expectShape(out, expected.shape);
      const values = await out.features.read();
      expectClose(values, expected.data, tol(expected.data, o.power ?? 2), name);
      expect(paddingIsZero(values, expected.shape, out.frames)).toBe(true);
      clips.samples.dispose();
      out.features.dispose();
    });
  }

  // No golden at this size (2049 bins would not fit the golden budget): the float64 reference, checked against
  // librosa below, stands in. On lavapipe, 4096 points also take a shared-frame tiling (T = 4).
  it('nFft 4096, hop 1000, on speech vs the float64 reference', async () => {
    const o = options({ nFft: 4096, hop: 1000 });
    const clips = clipsOf(backend, 'x.ravdess_b');
    const out = stft(backend, clips, o);
    const expected = stftReference(input('ravdess_b'), o);
    expectClose(clipSlice(await out.features.read(), out.features.shape, 0, out.frames[0]), expected, tol(expected, 2), 'stft 4096');
    clips.samples.dispose();
    out.features.dispose();
  });

  if (backend?.kind === 'webgpu') {
    it("a GPU's tiling (one frame per workgroup, 64 invocations per frame) on this adapter", async () => {
      const name = 'stft.n1024_h300_win800_pow.sine';
      const expected = golden.get(name);
      const clips = clipsOf(backend, name);
      const tiling = fftTiling({ isSoftware: false, limits: backend.adapter.limits }, 1024);
      expect(tiling).toEqual({ F: 1, T: 64 });
      const out = stft(backend, clips, options(CASES[name]), tiling);
      expectClose(await out.features.read(), expected.data, tol(expected.data, 2), name);
    });
  }
});

it('the float64 reference agrees with librosa', () => {
  for (const [name, o] of Object.entries(CASES)) {
    const expected = golden.get(name);
    inputNames(name).forEach((clip, c) => {
      const ref = stftReference(input(clip), options(o));
      const frames = ref.length / expected.shape[1];
      expectClose(ref, clipSlice(expected.data, expected.shape, c, frames), tol(expected.data, 1e-2), `${name} ${clip}`);
    });
  }
});
