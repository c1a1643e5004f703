import { expect, it } from 'vitest';
import { AUGMENT_DEFAULTS, augmentFeatures, augmentSeed, augmentWaveforms, formatAugment, parseAugment } from '../../src/augment/index.js';
import { randomPitchShift, randomTimeStretch } from '../../src/augment/pitch-stretch.js';
import { packClips } from '../../src/features/batch.js';
import { drawMixup, mixup } from '../../src/ops/augment-mix.js';
import { addNoise, randomGain } from '../../src/ops/augment-wave.js';
import { specAugment } from '../../src/ops/spec-augment.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const EXACT = { atol: 0, rtol: 0 };

it('parses names with defaults, settings and ranges', () => {
  expect(parseAugment('noise,gain,specaugment,mixup,pitch,stretch')).toEqual(AUGMENT_DEFAULTS);
  expect(parseAugment('noise:snr=0..20:color=pink, gain:db=-3..1.5:p=0.25')).toEqual({
    noise: { snr: { low: 0, high: 20 }, color: 'pink', p: 1 },
    gain: { db: { low: -3, high: 1.5 }, p: 0.25 },
  });
  expect(parseAugment('specaugment:F=1:t=30:value=zero').specaugment).toEqual({ ...AUGMENT_DEFAULTS.specaugment, freqMasks: 1, maxTimeWidth: 30, value: 'zero' });
  expect(parseAugment('stretch:rate=0.8..1.25:nfft=1024:hop=256').stretch).toEqual({ rate: { low: 0.8, high: 1.25 }, nFft: 1024, hop: 256, p: 1 });
  expect(parseAugment('')).toEqual({});
});

it('formats a configuration so that it parses back', () => {
  const config = parseAugment('pitch:semitones=-1..3:p=0.3,noise:color=pink,mixup:alpha=0.2:p=0.5,specaugment:T=3');
  expect(parseAugment(formatAugment(config))).toEqual(config);
  expect(formatAugment(AUGMENT_DEFAULTS).split(',').map((s) => s.split(':')[0])).toEqual(['pitch', 'stretch', 'gain', 'noise', 'specaugment', 'mixup']);
});

it('names the problem in bad settings', () => {
  expect(() => parseAugment('reverb')).toThrow(/unknown augmentation "reverb"/);
  expect(() => parseAugment('noise:snr=5')).toThrow(/noise:snr = "5" is not a range/);
  expect(() => parseAugment('noise:snr=30..5')).toThrow(/low > high/);
  expect(() => parseAugment('noise:level=3')).toThrow(/"level=3" is not a setting of noise \(snr=range, color=white\|pink, p=0..1\)/);
  expect(() => parseAugment('gain:p=1.5')).toThrow(/gain:p = 1.5 is not a probability/);
  expect(() => parseAugment('noise:color=brown')).toThrow(/not one of white, pink/);
  expect(() => parseAugment('specaugment:F=1.5')).toThrow(/not a non-negative integer/);
  expect(() => parseAugment('mixup:alpha=0')).toThrow(/must be positive/);
  expect(() => parseAugment('stretch:rate=0..1')).toThrow(/must lie in \(0, 4\)/);
  expect(() => parseAugment('pitch:nfft=500')).toThrow(/power of two/);
  expect(() => parseAugment('gain,gain')).toThrow(/given twice/);
});

it('gives each augmentation its own seed', () => {
  const seeds = (['pitch', 'stretch', 'gain', 'noise', 'specaugment', 'mixup'] as const).map((n) => augmentSeed(7, n));
  expect(new Set(seeds).size).toBe(6);
  expect(augmentSeed(7, 'gain')).not.toBe(augmentSeed(8, 'gain'));
});

describeBackends('augmentWaveforms and augmentFeatures', (backend) => {
  const clips = [2400, 3100].map((n, c) => Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin(0.05 * (c + 1) * i) + 0.01 * Math.sin(1.3 * i)));

  it('apply the configured ops in order, each with its own seed', async () => {
    const config = parseAugment('noise,gain,pitch,stretch');
    const batch = packClips(backend, clips);
    const got = augmentWaveforms(backend, batch, config, 42);
    // The same chain by hand.
    let want = randomPitchShift(backend, batch, config.pitch!.semitones, augmentSeed(42, 'pitch'), config.pitch!);
    want = randomTimeStretch(backend, want, config.stretch!.rate, augmentSeed(42, 'stretch'), config.stretch!);
    want = randomGain(backend, want, config.gain!.db, augmentSeed(42, 'gain'));
    want = addNoise(backend, want, { snrLow: 5, snrHigh: 30, color: 'white' }, augmentSeed(42, 'noise'));
    expect(got.lengths).toEqual(want.lengths);
    expectClose(await got.samples.read(), await want.samples.read(), EXACT, 'chain');
    // The input is untouched and still usable.
    expectClose(await batch.samples.read(), Float32Array.from(clips.flatMap((c) => Array.from(c))), EXACT, 'input');
  });

  it('returns the input unchanged when nothing is configured', () => {
    const batch = packClips(backend, clips);
    expect(augmentWaveforms(backend, batch, parseAugment('specaugment'), 1)).toBe(batch);
    const x = backend.zeros([2, 4, 6]);
    expect(augmentFeatures(backend, x, [6, 3], parseAugment('noise'), 1)).toEqual({ features: x, lengths: [6, 3], targets: null });
  });

  it('masks, then mixes, and gives soft targets', async () => {
    const [N, bands, frames] = [4, 8, 20];
    const lengths = [20, 12, 7, 16];
    const x = backend.upload(Float32Array.from({ length: N * bands * frames }, (_, i) => -50 + 40 * Math.sin(i * 0.21)), [N, bands, frames]);
    const labels = backend.upload(Int32Array.from([0, 3, 5, 3]), [N], 'i32');
    const config = parseAugment('specaugment:F=1:f=3:T=1:t=5,mixup:alpha=0.4');
    const out = augmentFeatures(backend, x, lengths, config, 9, { labels, classes: 8 });
    const masked = specAugment(backend, x, lengths, config.specaugment!, augmentSeed(9, 'specaugment'));
    const want = mixup(backend, masked, lengths, labels, 8, drawMixup(N, 0.4, augmentSeed(9, 'mixup')));
    expectClose(await out.features.read(), await want.features.read(), EXACT, 'features');
    expectClose(await out.targets!.read(), await want.targets.read(), EXACT, 'targets');
    expect(out.lengths).toEqual(want.frames);
    expect(() => augmentFeatures(backend, x, lengths, config, 9)).toThrow(/mixup needs the batch labels/);
  });
});
