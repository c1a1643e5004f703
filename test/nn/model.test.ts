// The model's layer wiring against PyTorch: one training forward and backward of a stack using every layer
// type (MIXED_SPEC) and of the default recipe's blocks (RECIPE_SPEC, with its fused ReLU + max pool), then eval
// mode with the updated running statistics.
import { expect, it } from 'vitest';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { loadStateDict, stateTensors } from '../../src/nn/state-dict.js';
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from '../../src/ops/softmax-ce.js';
import type { Backend } from '../../src/backend/types.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';
import { goldenStateDict } from './golden-state.js';
import { MIXED_SPEC, RECIPE_SPEC } from './mixed-spec.js';

const golden = loadGolden('train10');
const x = golden.get('mixed.x');
const labels = golden.raw('mixed.labels').data as Int32Array;
// Batchnorm divides by batch standard deviations of a few values: f32 rounding there is amplified a little.
const TOL = { atol: 1e-5, rtol: 1e-4 };

/** One training step of `spec` from the golden `prefix`.init weights against PyTorch's, then eval mode. */
async function checkOneStep(backend: Backend, spec: ModelSpec, prefix: string): Promise<void> {
  const model = new Model(backend, spec);
  loadStateDict(model, goldenStateDict(golden, `${prefix}.init`));
  const xs = golden.get(`${prefix}.x`);
  const ys = golden.raw(`${prefix}.labels`).data as Int32Array;
  const input = backend.upload(xs.data, xs.shape);
  const y = backend.upload(ys, [ys.length], 'i32');
  model.zeroGrad();
  const logits = model.forwardTrain(input, 0);
  expectClose(await logits.read(), golden.get(`${prefix}.train_logits`).data, TOL, 'training logits');
  const { loss, probs } = softmaxCrossEntropyForward(backend, logits, y);
  expectClose(await loss.read(), golden.get(`${prefix}.loss`).data, TOL, 'loss');
  const dlogits = softmaxCrossEntropyBackward(backend, probs, y);
  model.backward(dlogits);
  for (const p of model.params) expectClose(await p.grad.read(), golden.get(`${prefix}.grad.${p.name}`).data, TOL, `grad ${p.name}`);
  const state = stateTensors(model);
  for (const name of golden.names(`${prefix}.after.`)) {
    const key = name.slice(`${prefix}.after.`.length);
    expectClose(await state.get(key)!.read(), golden.get(name).data, TOL, key);
  }
  const evalLogits = model.predictLogits(input);
  expectClose(await evalLogits.read(), golden.get(`${prefix}.eval_logits`).data, TOL, 'eval logits');
  for (const t of [input, y, loss, probs, dlogits, evalLogits]) t.dispose();
  model.dispose();
}

describeBackends('model forward and backward vs PyTorch (every layer type)', (backend) => {
  it('matches logits, loss, every gradient and the running statistics', () => checkOneStep(backend, MIXED_SPEC, 'mixed'));

  it('the recipe blocks: fuses each ReLU before a max pool and matches PyTorch the same way', async () => {
    const model = new Model(backend, RECIPE_SPEC);
    expect(model.layers.map((l) => l.label)).toContain('layers 2-3 (relu+maxpool2d)');
    expect(model.layers.some((l) => l.label === 'layer 6 (relu)')).toBe(true);
    model.dispose();
    await checkOneStep(backend, RECIPE_SPEC, 'recipe');
  });

  it('accumulates gradients over two backward passes until zeroGrad', async () => {
    const model = new Model(backend, MIXED_SPEC);
    loadStateDict(model, goldenStateDict(golden, 'mixed.init'));
    const input = backend.upload(x.data, x.shape);
    const y = backend.upload(labels, [labels.length], 'i32');
    const pass = () => {
      const { loss, probs } = softmaxCrossEntropyForward(backend, model.forwardTrain(input, 0), y);
      const dlogits = softmaxCrossEntropyBackward(backend, probs, y);
      model.backward(dlogits);
      for (const t of [loss, probs, dlogits]) t.dispose();
    };
    model.zeroGrad();
    pass();
    pass();
    // The second forward saw running statistics updated once more, but training batchnorm normalises with the
    // batch's own statistics: both passes have the same gradients.
    const dense = model.params.find((p) => p.name === '11.weight')!;
    const expected = Array.from(golden.get('mixed.grad.11.weight').data, (v) => 2 * v);
    expectClose(await dense.grad.read(), expected, { atol: 2e-5, rtol: 1e-4 }, 'twice the gradient');
    model.zeroGrad();
    pass();
    expectClose(await dense.grad.read(), golden.get('mixed.grad.11.weight').data, TOL, 'gradient after zeroGrad');
    for (const t of [input, y]) t.dispose();
    model.dispose();
  });

  it('applies dropout in training only, the same mask for the same step', async () => {
    const spec: ModelSpec = { input: [6], layers: [{ type: 'dropout', rate: 0.5 }, { type: 'dense', units: 3 }] };
    const model = new Model(backend, spec, { seed: 7 });
    const input = backend.upload(Float32Array.from({ length: 24 }, (_, i) => i / 10 - 1), [4, 6]);
    const run = async (step: number) => {
      const out = await model.forwardTrain(input, step).read();
      const dy = backend.zeros([4, 3]);
      model.backward(dy);
      dy.dispose();
      return out;
    };
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const evalLogits = model.predictLogits(input);
    const w = await model.params[0].value.read();
    const manual = Array.from({ length: 12 }, (_, i) => {
      const [n, o] = [Math.floor(i / 3), i % 3];
      let sum = 0;
      for (let k = 0; k < 6; k++) sum += (((n * 6 + k) / 10 - 1) * w[o * 6 + k]);
      return sum;
    });
    expectClose(await evalLogits.read(), manual, { atol: 1e-5, rtol: 1e-5 }, 'eval mode skips dropout');
    for (const t of [input, evalLogits]) t.dispose();
    model.dispose();
  });
});
