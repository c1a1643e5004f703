import { expect, it } from 'vitest';
import { augmentFeatures, augmentSeed, augmentWaveforms, parseAugment } from '../../src/augment/index.js';
import { chooseClips, gatherClips, gatherRows, scatterClips, scatterRows } from '../../src/augment/select.js';
import { packClips } from '../../src/features/batch.js';
import { randomGain } from '../../src/ops/augment-wave.js';
import { specAugment } from '../../src/ops/spec-augment.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const EXACT = { atol: 0, rtol: 0 };

it('chooses each clip with probability p, from the seed', () => {
  const n = 20000;
  for (const p of [0, 0.3, 1]) {
    const chosen = chooseClips(5, n, p);
    // Binomial(n, p): 5 standard deviations.
    expect(Math.abs(chosen.length - n * p)).toBeLessThanOrEqual(5 * Math.sqrt(n * p * (1 - p)));
  }
  expect(chooseClips(5, 100, 0.5)).toEqual(chooseClips(5, 100, 0.5));
  expect(chooseClips(5, 100, 0.5)).not.toEqual(chooseClips(6, 100, 0.5));
  expect(() => chooseClips(1, 3, 1.2)).toThrow(/not in \[0, 1\]/);
});

describeBackends('augmenting the chosen clips', (backend) => {
  const clips = [700, 1200, 300, 950, 1600].map((n, c) => Float32Array.from({ length: n }, (_, i) => 0.1 * (c + 1) * Math.sin(0.03 * (c + 2) * i)));
  const flat = (b: { samples: { read(): Promise<ArrayLike<number>> } }) => b.samples.read();

  it('gathers clips and scatters them back, lengths changed or not', async () => {
    const batch = packClips(backend, clips);
    const part = gatherClips(backend, batch, [3, 1]);
    expect(part.lengths).toEqual([950, 1200]);
    expectClose(await flat(part), Float32Array.from([...clips[3], ...clips[1]]), EXACT, 'gathered');
    const shorter = packClips(backend, [clips[2], clips[0].subarray(0, 10)]);
    const back = scatterClips(backend, batch, [3, 1], shorter);
    expect(back.lengths).toEqual([700, 10, 300, 300, 1600]);
    expectClose(await flat(back), Float32Array.from([...clips[0], ...clips[0].subarray(0, 10), ...clips[2], ...clips[2], ...clips[4]]), EXACT, 'scattered');
    const x = backend.upload(Float32Array.from({ length: 5 * 6 }, (_, i) => i), [5, 2, 3]);
    const rows = gatherRows(backend, x, [4, 0]);
    expect(rows.shape).toEqual([2, 2, 3]);
    expectClose(await scatterRows(backend, x, [1, 2], rows).read(), Float32Array.from({ length: 30 }, (_, i) => (i >= 6 && i < 12 ? 24 + (i - 6) : i >= 12 && i < 18 ? i - 12 : i)), EXACT, 'rows');
  });

  it('a waveform augmentation at p < 1 changes the chosen clips only, as on a batch of them', async () => {
    const config = parseAugment('gain:db=3..6:p=0.5');
    const batch = packClips(backend, clips);
    const chosen = chooseClips(augmentSeed(1, 'gain'), clips.length, 0.5);
    expect(chosen.length).toBeGreaterThan(0);
    expect(chosen.length).toBeLessThan(clips.length);
    const out = await flat(augmentWaveforms(backend, batch, config, 1));
    const alone = await flat(randomGain(backend, gatherClips(backend, batch, chosen), config.gain!.db, augmentSeed(1, 'gain')));
    let offset = 0;
    let j = 0;
    clips.forEach((clip, c) => {
      const got = Array.from(out).slice(offset, offset + clip.length);
      if (chosen.includes(c)) {
        expectClose(got, Array.from(alone).slice(j, j + clip.length), EXACT, `chosen clip ${c}`);
        j += clip.length;
      } else expectClose(got, clip, EXACT, `clip ${c} unchanged`);
      offset += clip.length;
    });
    expect(augmentWaveforms(backend, batch, parseAugment('gain:p=0'), 1)).toBe(batch);
  });

  it('SpecAugment and mixup at p < 1 leave the unchosen clips as they are', async () => {
    const [N, bands, frames] = [6, 4, 10];
    const lengths = [10, 7, 9, 3, 10, 5];
    const x = backend.upload(Float32Array.from({ length: N * bands * frames }, (_, i) => (i % frames < lengths[Math.floor(i / (bands * frames))] ? -30 + 20 * Math.sin(i) : 0)), [N, bands, frames]);
    const host = (await x.read()) as Float32Array;
    const spec = parseAugment('specaugment:F=1:f=2:T=1:t=4:p=0.5');
    const s = augmentSeed(3, 'specaugment');
    const chosen = chooseClips(s, N, 0.5);
    expect(chosen.length > 0 && chosen.length < N).toBe(true);
    const out = (await augmentFeatures(backend, x, lengths, spec, 3).features.read()) as Float32Array;
    const masked = (await specAugment(backend, gatherRows(backend, x, chosen), chosen.map((c) => lengths[c]), spec.specaugment!, s).read()) as Float32Array;
    const row = bands * frames;
    for (let c = 0; c < N; c++) {
      const j = chosen.indexOf(c);
      const want = j < 0 ? host.subarray(c * row, (c + 1) * row) : masked.subarray(j * row, (j + 1) * row);
      expectClose(out.subarray(c * row, (c + 1) * row), want, EXACT, `clip ${c}`);
    }
    const labels = backend.upload(Int32Array.from([0, 1, 2, 3, 4, 5]), [N], 'i32');
    const mixed = augmentFeatures(backend, x, lengths, parseAugment('mixup:p=0.5'), 3, { labels, classes: 6 });
    const mixedChosen = new Set(chooseClips(augmentSeed(3, 'mixup'), N, 0.5));
    expect(mixedChosen.size > 0 && mixedChosen.size < N).toBe(true);
    const mf = (await mixed.features.read()) as Float32Array;
    const targets = (await mixed.targets!.read()) as Float32Array;
    for (let c = 0; c < N; c++) {
      if (mixedChosen.has(c)) continue;
      expectClose(mf.subarray(c * row, (c + 1) * row), host.subarray(c * row, (c + 1) * row), EXACT, `unmixed clip ${c}`);
      expectClose(targets.subarray(6 * c, 6 * c + 6), Float32Array.from({ length: 6 }, (_, k) => Number(k === c)), EXACT, `one-hot target ${c}`);
      expect(mixed.lengths[c]).toBe(lengths[c]);
    }
  });
});
