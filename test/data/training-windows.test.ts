// The two ways a training step gets its windows agree: trainingBatch cuts them from cached features,
// trainingCrops cuts the same windows from the audio (for the waveform augmentations), whose features
// must then match the cached ones wherever the STFT frame lies inside the crop.
import { expect, it } from 'vitest';
import { trainingBatch, trainingCrops, type FeatureSet } from '../../src/data/dataset.js';
import { featureConfig } from '../../src/features/config.js';
import { clipFeatures } from '../../src/features/clip-features.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const config = featureConfig({ kind: 'logmel', nMels: 64, nFft: 1024, hop: 256 });
const WIDTH = 24;
// Frames whose 1024-sample window reaches past the crop's ends are reflect-padded there, not in the clip.
const EDGE = config.nFft / 2 / config.hop;
// Same samples, same kernels, a different position in the packed batch: only rounding differs (dB).
const TOLERANCE = { atol: 2e-3, rtol: 0 };

function noiseClip(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, (_, i) => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return 0.1 * Math.sin(i / (7 + seed)) + 0.05 * (state / 2 ** 32 - 0.5);
  });
}

describeBackends('training windows from audio and from features', (backend) => {
  it('give the same start frames, and features that match inside each crop', async () => {
    const audio = [noiseClip(16000, 1), noiseClip(12345, 2), noiseClip(3000, 3)]; // the last is shorter than the window
    const features = await clipFeatures(backend, audio.map((samples, c) => ({ samples, sampleRate: 16000, source: `clip ${c}` })), config);
    const set: FeatureSet = {
      clips: features.perClip.map((values, c) => ({ values, frames: features.frames[c] })),
      labels: Int32Array.from([0, 1, 2]),
      actors: Int32Array.from([1, 1, 2]),
      sources: ['a', 'b', 'c'],
      labelNames: ['x', 'y', 'z'],
      bands: features.bands,
      config,
    };
    const order = [2, 0, 1];
    const batch = trainingBatch(set, order, WIDTH, 7, 0, 3, 1);
    const { crops, labels } = trainingCrops(set, audio, order, WIDTH, 7, 0, 3, 1);
    expect([...labels]).toEqual([...batch.labels]);
    const cropped = await clipFeatures(backend, crops.map((samples, n) => ({ samples, sampleRate: 16000, source: `crop ${n}` })), config);
    order.forEach((c, n) => {
      const frames = cropped.frames[n];
      expect(frames).toBe(batch.lengths[n]);
      if (set.clips[c].frames > WIDTH) expect(frames).toBe(WIDTH);
      const inside = (rows: ArrayLike<number>, stride: number, at: number) =>
        Float32Array.from({ length: set.bands * (frames - 2 * EDGE) }, (_, i) => rows[at + Math.floor(i / (frames - 2 * EDGE)) * stride + EDGE + (i % (frames - 2 * EDGE))]);
      expectClose(inside(cropped.perClip[n], frames, 0), inside(batch.x, WIDTH, n * set.bands * WIDTH), TOLERANCE, `clip ${c}`);
    });
  });
});
