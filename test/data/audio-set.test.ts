// loadAudioSet gives training the waveforms the cached features were made from: a clip at the feature rate
// unchanged, a clip at another rate resampled as extraction resamples it, each at its own index.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { decodeWav } from '../../src/audio/wav.js';
import { loadAudioSet } from '../../src/data/audio-set.js';
import type { FeatureSet } from '../../src/data/dataset.js';
import { featureConfig } from '../../src/features/config.js';
import { clipFeatures } from '../../src/features/clip-features.js';
import { scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames, testSignal } from '../audio/wav-builder.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const config = featureConfig({ kind: 'logmel', nMels: 64, nFft: 1024, hop: 256 });
// The same samples through the same kernels, in a different batch: only rounding differs (dB).
const TOLERANCE = { atol: 2e-3, rtol: 0 };

describeBackends('loadAudioSet', (backend) => {
  const root = scratchFolder();
  // Two 48 kHz files around a 16 kHz one, so a mix-up of indices between the rate groups shows.
  const files = [
    ['a.wav', 48000, 30000],
    ['b.wav', 16000, 9000],
    ['c.wav', 48000, 21000],
  ] as const;
  const sources = files.map(([name, sampleRate, frames]) => {
    const path = join(root, name);
    writeFileSync(path, buildWav({ formatTag: 1, channels: 1, sampleRate, bitsPerSample: 16, data: encodeFrames(testSignal(frames, 1), 'pcm16') }));
    return path;
  });

  it('returns each clip at the feature rate, with the features extraction computed from the file', async () => {
    const decoded = sources.map((path) => decodeWav(readFileSync(path), path));
    const extracted = await clipFeatures(backend, decoded, config);
    const set: FeatureSet = {
      clips: extracted.perClip.map((values, c) => ({ values, frames: extracted.frames[c] })),
      labels: Int32Array.from([0, 1, 0]),
      actors: Int32Array.from([1, 2, 3]),
      sources,
      labelNames: ['x', 'y'],
      bands: extracted.bands,
      config,
    };
    const audio = await loadAudioSet(backend, set);
    expect(audio.map((samples) => samples.length)).toEqual([10000, 9000, 7000]);
    expect(audio[1]).toEqual(decoded[1].samples);
    const fromAudio = await clipFeatures(backend, audio.map((samples, c) => ({ samples, sampleRate: 16000, source: sources[c] })), config);
    expect(fromAudio.frames).toEqual(extracted.frames);
    fromAudio.perClip.forEach((values, c) => expectClose(values, extracted.perClip[c], TOLERANCE, sources[c]));
  });
});
