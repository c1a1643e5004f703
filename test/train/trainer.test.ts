// The training step's contract: nothing read back inside a step, losses through the ring, buffers of one
// step reused by the next, and training accuracy counted on the device.
import { expect, it, vi } from 'vitest';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { Trainer } from '../../src/train/trainer.js';
import { describeBackends, webgpuBackend } from '../helpers/backends.js';

const SPEC: ModelSpec = {
  input: [1, 8, 10],
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1 },
    { type: 'relu' },
    { type: 'maxpool2d', kernel: 2 },
    { type: 'conv2d', filters: 6, kernel: 3, padding: 1 },
    { type: 'batchnorm2d' },
    { type: 'relu' },
    { type: 'globalavgpool' },
    { type: 'dropout', rate: 0.25 },
    { type: 'dense', units: 3 },
  ],
};

function batch(seed: number) {
  const x = Float32Array.from({ length: 5 * 80 }, (_, i) => Math.sin(i * 0.37 + seed));
  const labels = Int32Array.from({ length: 5 }, (_, i) => (i + seed) % 3);
  return { x, labels };
}

describeBackends('trainer', (backend) => {
  it('reads losses (and correct counts) back only when the ring is full, and they come out in step order', async () => {
    const model = new Model(backend, SPEC, { seed: 3 });
    const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 1e-2 }, lossEvery: 3 });
    // On WebGPU every read-back, an op's included, goes through runtime.read.
    const read = backend.kind === 'webgpu' ? vi.spyOn(backend.runtime, 'read') : vi.spyOn(backend, 'read');
    const { x, labels } = batch(0);
    const tx = backend.upload(x, [5, ...SPEC.input]);
    const ty = backend.upload(labels, [5], 'i32');
    await trainer.trainStep(tx, ty);
    await trainer.trainStep(tx, ty);
    expect(read).not.toHaveBeenCalled();
    await trainer.trainStep(tx, ty);
    expect(read).toHaveBeenCalledTimes(2); // the ring's losses and flags, and its counts
    await trainer.trainStep(tx, ty);
    const losses = await trainer.flushLosses();
    expect(read).toHaveBeenCalledTimes(4);
    read.mockRestore();
    expect(losses).toHaveLength(4);
    expect(losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    expect(losses[3]).toBeLessThan(losses[0]); // one batch, four Adam steps of lr 1e-2: it learns
    for (const t of [tx, ty]) t.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('counts the step\'s correct predictions on the device (training-mode logits, first maximum), reads the running count back with the losses, and resets', async () => {
    const { x, labels } = batch(1);
    const tx = backend.upload(x, [5, ...SPEC.input]);
    const ty = backend.upload(labels, [5], 'i32');
    // A twin model with the same seed sees the same dropout masks and batch statistics in step 0's forward.
    const twin = new Model(backend, SPEC, { seed: 3 });
    const logits = (await twin.forwardTrain(tx, 0).read()) as Float32Array;
    const argmax = (n: number) => [0, 1, 2].reduce((best, k) => (logits[3 * n + k] > logits[3 * n + best] ? k : best), 0);
    const expected = [0, 1, 2, 3, 4].filter((n) => argmax(n) === labels[n]).length;
    const model = new Model(backend, SPEC, { seed: 3 });
    const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 1e-3 } });
    await trainer.trainStep(tx, ty);
    await trainer.trainStep(tx, ty);
    await trainer.flushLosses();
    const total = await trainer.takeCorrect();
    expect(trainer.correctCounts[0]).toBe(expected);
    expect(trainer.correctCounts[1]).toBe(total);
    expect(total).toBeGreaterThanOrEqual(expected);
    expect(await trainer.takeCorrect()).toBe(0);
    for (const t of [tx, ty]) t.dispose();
    trainer.dispose();
    model.dispose();
    twin.dispose();
  });
});

it.skipIf(!webgpuBackend())('reuses the buffers of one step in the next and reports the step peak (webgpu)', async () => {
  const backend = webgpuBackend()!;
  const pool = backend.runtime.pool;
  const model = new Model(backend, SPEC, { seed: 3 });
  const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 1e-3 }, lossEvery: 2 });
  const { x, labels } = batch(2);
  const step = async () => {
    const tx = backend.upload(x, [5, ...SPEC.input]);
    const ty = backend.upload(labels, [5], 'i32');
    await trainer.trainStep(tx, ty);
    tx.dispose();
    ty.dispose();
  };
  // A first round of the same pattern: its overlapping ring reads take as many staging buffers as any later round.
  for (let i = 0; i < 4; i++) await step();
  await trainer.flushLosses();
  const persistent = pool.liveBytes;
  const allocated = pool.allocatedBytes;
  for (let i = 0; i < 4; i++) await step();
  await trainer.flushLosses();
  expect(pool.liveBytes).toBe(persistent); // every activation, gradient temporary and input went back
  expect(pool.allocatedBytes).toBe(allocated); // and steps 5..8 took them from the pool, allocating nothing
  expect(trainer.lastStepPeakBytes).toBeGreaterThan(persistent);
  trainer.dispose();
  model.dispose();
});
