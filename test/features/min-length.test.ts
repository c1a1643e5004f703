// The minimum clip length is derived from the feature config and is tight: a clip of exactly that many samples
// goes through the whole pipeline, one sample fewer is refused (by clipTooShort, and by the pipeline itself).
import { describe, expect, it } from 'vitest';
import { computeFeatures, featureConfig, packClips, resampleClips, type FeatureConfig } from '../../src/features/index.js';
import { clipTooShort, minClipSamples } from '../../src/features/min-length.js';
import { describeBackends } from '../helpers/backends.js';

const clip = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i / 3));

describe('minClipSamples', () => {
  it('is 2 samples without deltas and (width - 1) hops with them', () => {
    expect(minClipSamples(featureConfig())).toBe(2);
    expect(minClipSamples(featureConfig({ deltas: 1, hop: 160 }))).toBe(8 * 160);
    expect(minClipSamples(featureConfig({ deltas: 2, deltaWidth: 5, hop: 100 }))).toBe(400);
  });

  it('counts samples at the feature rate, after resampling', () => {
    const config = featureConfig();
    expect(clipTooShort(6, 48000, config)).toBeNull(); // ceil(6 / 3) = 2
    expect(clipTooShort(3, 48000, config)).toBe('too short for feature extraction: 3 samples at 48000 Hz (1 at the feature rate, 16000 Hz), fewer than 2 (2 samples for one frame)');
  });
});

describeBackends('the feature pipeline at the minimum clip length', (backend) => {
  const cases: [string, Partial<FeatureConfig>][] = [
    ['logmel', {}],
    ['mfcc with deltas 2', { kind: 'mfcc', deltas: 2 }],
  ];
  it.each(cases)('%s: minClipSamples computes, one fewer is refused', async (_, overrides) => {
    const config = featureConfig(overrides);
    const least = minClipSamples(config);
    expect(clipTooShort(least, config.sampleRate, config)).toBeNull();
    expect(clipTooShort(least - 1, config.sampleRate, config)).not.toBeNull();
    const out = computeFeatures(backend, [clip(least), clip(5000)], config);
    const values = (await out.features.read()) as Float32Array;
    out.features.dispose();
    expect(values.every(Number.isFinite)).toBe(true);
    expect(() => computeFeatures(backend, [clip(least - 1)], config)).toThrow();
  });

  it('a 48 kHz clip resampled to exactly 2 samples computes', async () => {
    const config = featureConfig();
    expect(clipTooShort(6, 48000, config)).toBeNull();
    const packed = packClips(backend, [clip(6)]);
    const resampled = resampleClips(backend, packed, 48000, 16000);
    packed.samples.dispose();
    expect(resampled.lengths).toEqual([2]);
    const out = computeFeatures(backend, resampled, config);
    resampled.samples.dispose();
    expect(out.frames).toEqual([1]);
    out.features.dispose();
  });
});
