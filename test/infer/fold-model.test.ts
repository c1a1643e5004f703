// The folded inference model gives the logits of the model it came from (eval mode), after training moved
// the batchnorm statistics and affine parameters away from their initial values.
import { expect, it } from 'vitest';
import { defaultSettings, recipeModelSpec } from '../../src/app/recipe.js';
import { foldedForInference } from '../../src/infer/fold-model.js';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { Trainer } from '../../src/train/trainer.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const MIXED: ModelSpec = {
  input: [1, 8, 12],
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1, bias: false, name: 'stem' },
    { type: 'batchnorm2d', eps: 1e-3 },
    { type: 'relu' },
    { type: 'conv2d', filters: 6, kernel: 3, padding: 1 },
    { type: 'batchnorm2d' },
    { type: 'maxpool2d', kernel: 2 },
    { type: 'batchnorm2d' },
    { type: 'globalavgpool' },
    { type: 'dense', units: 3 },
  ],
};

// Folding reorders one multiply per weight and the bias arithmetic; the logits keep ~1e-6 of their size.
const LOGITS = { atol: 1e-5, rtol: 1e-4 };

describeBackends('foldedForInference', (backend) => {
  for (const [name, spec] of [['mixed (named, no bias, BN after a pool kept)', MIXED], ['the recipe network', recipeModelSpec(16, 24, 8, defaultSettings().filters)]] as const) {
    it(`${name}: the same eval logits as the unfolded model`, async () => {
      const model = new Model(backend, spec, { seed: 4 });
      const n = 6;
      const x = backend.upload(Float32Array.from({ length: n * spec.input.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.37) * 2), [n, ...spec.input]);
      const labels = backend.upload(Int32Array.from({ length: n }, (_, i) => i % 3), [n], 'i32');
      // A few steps move the running statistics and gamma/beta off 0 and 1.
      const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 0.05 } });
      for (let s = 0; s < 3; s++) await trainer.trainStep(x, labels);
      await trainer.flushLosses();
      const folded = foldedForInference(model);
      expect(folded).not.toBe(model);
      expect(folded.spec.layers.filter((l) => l.type === 'batchnorm2d').length).toBe(spec === MIXED ? 1 : 0);
      const expected = await model.predictLogits(x).read();
      expectClose(await folded.predictLogits(x).read(), expected, LOGITS, name);
      trainer.dispose();
      for (const t of [x, labels]) t.dispose();
      model.dispose();
      folded.dispose();
    });
  }

  it('a model without a conv -> batchnorm pair is returned as it is', () => {
    const model = new Model(backend, { input: [1, 4, 4], layers: [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'relu' }, { type: 'globalavgpool' }, { type: 'dense', units: 2 }] });
    expect(foldedForInference(model)).toBe(model);
    model.dispose();
  });
});
