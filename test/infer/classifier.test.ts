// The inference core against a direct computation: standardise each window with the float64 reference,
// run the model's eval forward, softmax in float64, and average over the windows.
import { expect, it } from 'vitest';
import { EmotionClassifier } from '../../src/infer/classifier.js';
import { copyWindow, windowStarts } from '../../src/infer/windows.js';
import { featureConfig } from '../../src/features/config.js';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { softmaxReference } from '../../src/ops/scores.js';
import { standardizeReference } from '../../src/ops/standardize.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const BANDS = 6;
const WIDTH = 10;
const LABELS = ['a', 'b', 'c'];
const SPEC: ModelSpec = {
  input: [1, BANDS, WIDTH],
  layers: [{ type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, { type: 'batchnorm2d' }, { type: 'relu' }, { type: 'globalavgpool' }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 3 }],
};
const normalization = { mean: [1, -2, 0.5, 0, 3, -1], std: [2, 0.5, 1, 1.5, 4, 1] };
const clipOf = (frames: number, seed: number) => ({ values: Float32Array.from({ length: BANDS * frames }, (_, i) => Math.sin(i * 0.7 + seed) * 3), frames });

describeBackends('EmotionClassifier', (backend) => {
  it('averages the softmax of the eval-mode logits over each clip\'s windows (0-padded, centre, 2 and 4 windows)', async () => {
    const model = new Model(backend, SPEC, { seed: 5 });
    const classifier = new EmotionClassifier(backend, model, { features: featureConfig({ nMels: BANDS }), labels: LABELS, frames: WIDTH, normalization }, { batchSize: 3 });
    const clips = [clipOf(7, 1), clipOf(12, 2), clipOf(15, 3), clipOf(31, 4)];
    const got = await classifier.probabilities(clips);
    const invStd = normalization.std.map((s) => Math.fround(1 / s));
    for (const [c, clip] of clips.entries()) {
      const starts = windowStarts(clip.frames, WIDTH);
      const host = new Float32Array(starts.length * BANDS * WIDTH);
      const lengths = starts.map((s, n) => copyWindow(clip.values, BANDS, clip.frames, s, WIDTH, host, n * BANDS * WIDTH));
      const x = standardizeReference(host, [starts.length, BANDS, WIDTH], lengths, normalization.mean, invStd);
      const logits = (await model.predictLogits(backend.upload(Float32Array.from(x), [starts.length, 1, BANDS, WIDTH])).read()) as Float32Array;
      const probs = softmaxReference(logits, 3);
      const mean = [0, 1, 2].map((k) => starts.reduce((sum, _, n) => sum + probs[n * 3 + k], 0) / starts.length);
      expectClose(got[c], mean, { atol: 1e-6, rtol: 1e-5 }, `clip ${c} (${starts.length} windows)`);
    }
    const described = classifier.describe(got[0]);
    expect(Object.keys(described.probabilities)).toEqual(LABELS);
    expect(described.emotion).toBe(LABELS[got[0].indexOf(Math.max(...got[0]))]);
    classifier.dispose();
    model.dispose();
  });
});
