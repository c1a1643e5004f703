// The training loop, interrupted and resumed from its checkpoint, matches an uninterrupted run exactly:
// weights, Adam moments, batchnorm statistics, the step counter and the later steps' dropout masks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { stateTensors } from '../../src/nn/state-dict.js';
import { readCheckpoint, restoreTrainer } from '../../src/train/checkpoint.js';
import { trainLoop } from '../../src/train/loop.js';
import { Trainer, type TrainerOptions } from '../../src/train/trainer.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const SPEC: ModelSpec = {
  input: [1, 6, 8],
  layers: [
    // No bias before batchnorm: its gradient is rounding noise, which Adam would amplify to full-size steps.
    { type: 'conv2d', filters: 3, kernel: 3, padding: 1, bias: false },
    { type: 'batchnorm2d' },
    { type: 'relu' },
    { type: 'globalavgpool' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 4 },
  ],
};
const OPTIONS: TrainerOptions = {
  optimizer: { kind: 'adamw', lr: 1e-2 },
  clipGradNorm: 1,
  schedule: { kind: 'cosine', totalSteps: 6 },
  loss: { classWeights: [1, 2, 0.5, 1], labelSmoothing: 0.1 },
  lossEvery: 2,
};
const dir = mkdtempSync(join(tmpdir(), 'ser-gpu-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const batchAt = (s: number) => ({
  x: Float32Array.from({ length: 4 * 48 }, (_, i) => Math.cos(i * 0.11 + s)),
  labels: Int32Array.from([s % 4, (s + 1) % 4, (s + 2) % 4, 0]),
});

async function weights(model: Model): Promise<number[][]> {
  return Promise.all([...stateTensors(model).values()].map(async (t) => Array.from(await t.read())));
}

describeBackends('checkpoint', (backend) => {
  it('resumes an interrupted run where it stopped', async () => {
    const straight = new Trainer(backend, new Model(backend, SPEC, { seed: 5 }), OPTIONS);
    const straightLosses = await trainLoop(straight, { steps: 6, batchAt });

    // Checkpoints after steps 2 and 3 (the end); the run stops there.
    const path = join(dir, `${backend.kind}.safetensors`);
    const first = new Trainer(backend, new Model(backend, SPEC, { seed: 5 }), OPTIONS);
    const reported: number[] = [];
    const firstLosses = await trainLoop(first, { steps: 3, batchAt, checkpoint: { path, every: 2 }, onLoss: (step, loss) => (reported[step] = loss) });
    expect(reported).toEqual(firstLosses);
    const checkpoint = readCheckpoint(path);
    expect(checkpoint.step).toBe(3);
    expect(checkpoint.spec).toEqual(SPEC);
    expect(checkpoint.tensors.get('1.num_batches_tracked')?.data[0]).toBe(3n);

    const resumed = restoreTrainer(backend, checkpoint);
    const resumedLosses = await trainLoop(resumed, { steps: 6, batchAt });
    // Bit for bit: Optimizer.importState replays the f32 recurrence of Adam's bias corrections.
    const tol = { atol: 0, rtol: 0 };
    expectClose([...firstLosses.slice(0, 3), ...resumedLosses.slice(3)], straightLosses, tol, 'losses');
    expectClose((await weights(resumed.model)).flat(), (await weights(straight.model)).flat(), tol, 'weights');
    for (const t of [straight, first, resumed]) {
      t.dispose();
      t.model.dispose();
    }
  });
});
