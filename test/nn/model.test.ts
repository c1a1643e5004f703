// The model's layer wiring against PyTorch: one training forward and backward of a stack using every layer
// type (MIXED_SPEC), then eval mode with the updated running statistics.
import { expect, it } from 'vitest';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { loadStateDict, stateTensors } from '../../src/nn/state-dict.js';
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from '../../src/ops/softmax-ce.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';
import { goldenStateDict } from './golden-state.js';
import { MIXED_SPEC } from './mixed-spec.js';

const golden = loadGolden('train10');
const x = golden.get('mixed.x');
const labels = golden.raw('mixed.labels').data as Int32Array;
// Batchnorm divides by batch standard deviations of a few values: f32 rounding there is amplified a little.
const TOL = { atol: 1e-5, rtol: 1e-4 };

describeBackends('model forward and backward vs PyTorch (every layer type)', (backend) => {
  it('matches logits, loss, every gradient and the running statistics', async () => {
    const model = new Model(backend, MIXED_SPEC);
    loadStateDict(model, goldenStateDict(golden, 'mixed.init'));
    const input = backend.upload(x.data, x.shape);
    const y = backend.upload(labels, [labels.length], 'i32');
    model.zeroGrad();
    const logits = model.forwardTrain(input, 0);
    expectClose(await logits.read(), golden.get('mixed.train_logits').data, TOL, 'training logits');
    const { loss, probs } = softmaxCrossEntropyForward(backend, logits, y);
    expectClose(await loss.read(), golden.get('mixed.loss').data, TOL, 'loss');
    const dlogits = softmaxCrossEntropyBackward(backend, probs, y);
    model.backward(dlogits);
    for (const p of model.params) expectClose(await p.grad.read(), golden.get(`mixed.grad.${p.name}`).data, TOL, `grad ${p.name}`);
    const state = stateTensors(model);
    for (const name of golden.names('mixed.after.')) {
      const key = name.slice('mixed.after.'.length);
      expectClose(await state.get(key)!.read(), golden.get(name).data, TOL, key);
    }
    const evalLogits = model.predictLogits(input);
    expectClose(await evalLogits.read(), golden.get('mixed.eval_logits').data, TOL, 'eval logits');
    for (const t of [input, y, loss, probs, dlogits, evalLogits]) t.dispose();
    model.dispose();
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
