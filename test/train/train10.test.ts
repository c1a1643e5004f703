// The llm.c check: the default model from PyTorch's initial weights, trained on the same ten batches with
// the same Adam, must reproduce PyTorch's ten losses and final weights (test/golden/families/train10.py).
import { expect, it } from 'vitest';
import { defaultModelSpec } from '../../src/nn/default-model.js';
import { Model } from '../../src/nn/model.js';
import { loadStateDict, stateTensors } from '../../src/nn/state-dict.js';
import { Trainer } from '../../src/train/trainer.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';
import { goldenStateDict } from '../nn/golden-state.js';

const golden = loadGolden('train10');
const xs = golden.get('ref.x'); // [10, 4, 1, 32, 64]
const labels = golden.raw('ref.labels').data as Int32Array; // [10, 4]
const losses = golden.get('ref.losses').data;
const [steps, batch, , mels, frames] = xs.shape;
const perBatch = xs.data.length / steps;

// f32 forward and backward in different summation orders than PyTorch's; Adam divides by sqrt(v), so a
// parameter's relative error stays near its gradient's. Ten steps of lr 1e-3 move weights by <= 1e-2.
const LOSS_TOL = { atol: 1e-5, rtol: 1e-5 };
const WEIGHT_TOL = { atol: 2e-5, rtol: 1e-4 };

describeBackends('ten Adam steps of the default model vs PyTorch', (backend) => {
  it('reproduces the losses and the final weights', async () => {
    const model = new Model(backend, defaultModelSpec(mels, frames, 8));
    loadStateDict(model, goldenStateDict(golden, 'ref.init'));
    const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 1e-3 }, lossEvery: 4 });
    for (let s = 0; s < steps; s++) {
      const x = backend.upload(xs.data.subarray(s * perBatch, (s + 1) * perBatch), [batch, 1, mels, frames]);
      const y = backend.upload(labels.subarray(s * batch, (s + 1) * batch), [batch], 'i32');
      await trainer.trainStep(x, y);
      x.dispose();
      y.dispose();
    }
    const got = await trainer.flushLosses();
    expect(got).toHaveLength(steps);
    const lossReport = expectClose(got, losses, LOSS_TOL, 'losses');
    const final = goldenStateDict(golden, 'ref.final');
    let worst = 0;
    for (const [name, tensor] of stateTensors(model)) {
      const report = expectClose(await tensor.read(), final.get(name)!.data as Float32Array, WEIGHT_TOL, `final ${name}`);
      worst = Math.max(worst, report.maxAbs);
    }
    console.log(`[${backend.kind}] 10-step losses max |Δ| ${lossReport.maxAbs.toExponential(2)}, final weights max |Δ| ${worst.toExponential(2)}`);
    trainer.dispose();
    model.dispose();
  });
});
