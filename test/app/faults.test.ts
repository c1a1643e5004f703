// Faults during training: a step with a non-finite loss is skipped on the device and the run stops (keeping
// the last finite checkpoint) or goes on with --on-nonfinite skip; a device lost or a GPU error mid-epoch
// leaves the last good checkpoint, names the kernels, and --resume on a fresh device ends with the weights of
// an uninterrupted run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { Interrupted } from '../../src/app/events.js';
import { NonFiniteStep, trainFold, type FoldContext } from '../../src/app/fold-training.js';
import { readModelFolder, writeModelFolder } from '../../src/app/model-folder.js';
import { defaultSettings } from '../../src/app/recipe.js';
import { train, type TrainOptions } from '../../src/app/train.js';
import type { Backend, WebGpuBackend } from '../../src/backend/types.js';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import { loadFeatureSet } from '../../src/data/dataset.js';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { exportStateDict } from '../../src/nn/state-dict.js';
import { Trainer } from '../../src/train/trainer.js';
import { scratchFolder } from '../audio/fixtures.js';
import { describeBackends, webgpuBackend } from '../helpers/backends.js';
import { serGpu } from '../helpers/cli.js';
import { metrics, tinyCorpus, weightBytes } from './fixtures.js';

describeBackends('a training step with a NaN in its batch', (backend: Backend) => {
  it('is skipped on the device: parameters, optimizer state, batchnorm statistics and counters and the accuracy count stay', async () => {
    const spec: ModelSpec = {
      input: [1, 8, 12],
      layers: [
        { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, { type: 'batchnorm2d' }, { type: 'relu' }, { type: 'maxpool2d', kernel: 2 },
        { type: 'globalavgpool' }, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: 3 },
      ],
    };
    const model = new Model(backend, spec, { seed: 3 });
    const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 0.01 }, lossEvery: 2 });
    const x = Float32Array.from({ length: 4 * 8 * 12 }, (_, i) => Math.sin(i * 0.37));
    const labels = backend.upload(Int32Array.of(0, 1, 2, 0), [4], 'i32');
    const step = async (poison: boolean) => {
      const values = Float32Array.from(x);
      if (poison) values[17] = NaN;
      const tx = backend.upload(values, [4, 1, 8, 12]);
      await trainer.trainStep(tx, labels);
      tx.dispose();
    };
    const snapshot = async () => ({ state: await exportStateDict(model), slots: (await trainer.optimizer.exportState()).slots });

    await step(false);
    await trainer.flushLosses();
    await trainer.takeCorrect();
    const before = await snapshot();
    await step(true);
    await trainer.flushLosses();
    // The loss itself stays finite (ReLU's max(0, NaN) is 0 on both backends); batchnorm's backward reads the
    // saved NaN input, so the gradient norm is what flags the step.
    expect(trainer.skippedSteps).toEqual([1]);
    expect(Number.isFinite(trainer.losses[1])).toBe(true);
    expect(await snapshot()).toEqual(before);
    expect(trainer.correctCounts[1]).toBe(0); // the count read back with the skipped step's loss is the restored one
    expect(await trainer.takeCorrect()).toBe(0);

    await step(false);
    await trainer.flushLosses();
    expect(trainer.skippedSteps).toEqual([1]);
    expect(Number.isFinite(trainer.losses[2])).toBe(true);
    const after = await exportStateDict(model);
    expect(after['0.weight'].data).not.toEqual(before.state['0.weight'].data);
    for (const [name, t] of Object.entries(after)) if (!(t.data instanceof BigInt64Array)) expect(t.data.every(Number.isFinite), name).toBe(true);
    expect(after['1.num_batches_tracked'].data).toEqual(BigInt64Array.of(2n));
    trainer.dispose();
    model.dispose();
    labels.dispose();
  });
});

const webgpu = webgpuBackend();
const suite = webgpu ? describe : describe.skip;

suite('faults during training (webgpu)', () => {
  const data = tinyCorpus();
  const scratch = scratchFolder();
  const cacheDir = join(scratch, 'cache');
  // 16 training clips in batches of 8: 2 steps per epoch.
  const settings: TrainOptions = { data: [data], frames: 32, batchSize: 8, epochs: 3, patience: 0, valActors: [3], cacheDir };

  // LeakyReLU and average pools carry a NaN through to the loss (ReLU's max(0, NaN) = 0 and batchnorm would hide it).
  const nanCarrying = join(scratch, 'leaky.json');
  writeFileSync(nanCarrying, JSON.stringify({
    layers: [
      { type: 'conv2d', filters: 8, kernel: 3, padding: 1 }, { type: 'leaky_relu' }, { type: 'avgpool2d', kernel: 2 },
      { type: 'conv2d', filters: 16, kernel: 3, padding: 1 }, { type: 'leaky_relu' }, { type: 'globalavgpool' }, { type: 'dense', units: 8 },
    ],
  }));

  /** trainFold on the tiny corpus with a NaN put into the first batch of epoch 2 (global step 3). */
  async function poisonedFold(dir: string, onNonFinite: 'stop' | 'skip', onEvent?: FoldContext['onEvent']) {
    const run = defaultSettings({ ...settings, model: nanCarrying, onNonFinite });
    const { set } = await loadFeatureSet(run.data, { backend: webgpu!, features: run.features, cacheDir });
    return trainFold({
      backend: webgpu!, set, settings: run, fold: 0, folds: 1, split: { train: [1, 2], val: [3], test: [] }, dir, provenance: {}, onEvent,
      onBatch: (batch, at) => {
        if (at.epoch === 1 && at.step === 0) batch.x[10] = NaN;
      },
    });
  }

  it('by default stops at the step with a NaN loss, naming it, and keeps the last finite checkpoint as it was', async () => {
    const dir = join(scratch, 'stop');
    let lastAfterEpoch1: Record<string, string> | null = null;
    const error = await poisonedFold(dir, 'stop', (e) => {
      if (e.type === 'epoch' && e.record.epoch === 1) lastAfterEpoch1 = weightBytes(join(dir, 'last'));
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteStep);
    expect((error as Error).message).toBe(
      `training step 3 (epoch 2, step 1 of 2) had a non-finite loss (NaN); stopped without applying it: the last finite checkpoint ${join(dir, 'last')} is kept. ` +
        '--on-nonfinite skip skips such batches instead',
    );
    expect(lastAfterEpoch1).not.toBeNull();
    // readModelFolder checks every weight is finite; the bytes are those written after epoch 1.
    expect(weightBytes(join(dir, 'last'))).toEqual(lastAfterEpoch1);
    expect(JSON.parse(readModelFolder(join(dir, 'last')).weightsMetadata.run_state).epoch).toBe(1);
  });

  it('with --on-nonfinite skip skips that batch, finishes, reports the step and keeps every weight finite', async () => {
    const result = await poisonedFold(join(scratch, 'skip'), 'skip');
    expect(result.skippedSteps).toEqual([{ epoch: 2, step: 1, globalStep: 2 }]);
    expect(result.records).toHaveLength(3);
    // The skipped step's NaN loss is left out of its epoch's mean.
    for (const r of result.records) expect(Number.isFinite(r.trainLoss) && Number.isFinite(r.trainWA), `epoch ${r.epoch}`).toBe(true);
    for (const folder of ['last', 'best']) expect(() => readModelFolder(join(scratch, 'skip', folder))).not.toThrow();
  });

  it('ser-gpu train --resume of a checkpoint whose weights overflow stops with exit code 1, naming the step, and keeps it', async () => {
    const dir = join(scratch, 'overflow');
    const controller = new AbortController();
    const onEvent: TrainOptions['onEvent'] = (e) => e.type === 'epoch' && controller.abort();
    await expect(train({ ...settings, out: dir, backend: webgpu!, signal: controller.signal, onEvent })).rejects.toThrow(Interrupted);
    // Finite weights at the top of f32's range (3e38): the first conv's sums overflow to ±Inf, batchnorm makes NaN.
    const last = join(dir, 'last');
    const bundle = readModelFolder(last);
    const tensors = Object.fromEntries([...bundle.tensors].map(([name, t]) => [name, { shape: t.shape, data: name === '0.weight' ? new Float32Array(t.data.length).fill(3e38) : t.data }]));
    const { weights: _weights, ...meta } = bundle.meta;
    writeModelFolder(last, meta, tensors, 'overflow', bundle.weightsMetadata);
    const before = weightBytes(last);

    const r = serGpu('train', '--resume', dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/ser-gpu: training step 3 \(epoch 2, step 1 of 2\) had a non-finite (loss \(NaN\)|loss \(-?Infinity\)|gradient); stopped without applying it/);
    expect(weightBytes(last)).toEqual(before);
  });

  describe('a fault mid-epoch, then --resume on a fresh device, ends with the weights of an uninterrupted run', () => {
    const whole = join(scratch, 'whole');

    /** Runs on a backend of its own, which `fault` breaks after the 3rd step (the middle of epoch 2). */
    async function faulty(out: string, fault: (backend: WebGpuBackend) => void, expected: RegExp) {
      const backend = (await createWebGpuBackend())!;
      let steps = 0;
      const onEvent: TrainOptions['onEvent'] = (e) => e.type === 'step' && ++steps === 3 && fault(backend);
      const error = await train({ ...settings, out, backend, onEvent }).catch((e: unknown) => e as Error);
      // The error was reported once: tearing down (as withBackend does after a failed run) must not throw again and mask it.
      await expect(backend.destroy()).resolves.toBeUndefined();
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(expected);
      expect(metrics(out)).toHaveLength(1);
      expect(JSON.parse(readModelFolder(join(out, 'last')).weightsMetadata.run_state).epoch).toBe(1);
      const fresh = (await createWebGpuBackend())!;
      try {
        await train({ resume: out, backend: fresh, cacheDir });
      } finally {
        await fresh.destroy();
      }
      expect(weightBytes(join(out, 'last'))).toEqual(weightBytes(join(whole, 'last')));
      expect(weightBytes(join(out, 'best'))).toEqual(weightBytes(join(whole, 'best')));
      expect(metrics(out)).toEqual(metrics(whole));
    }

    it('the uninterrupted run', async () => {
      await train({ ...settings, out: whole, backend: webgpu! });
      expect(metrics(whole)).toHaveLength(3);
    });

    it('device lost (device.destroy()): the error names the kernels of the batch in flight', async () => {
      await faulty(join(scratch, 'lost'), (b) => b.runtime.device.destroy(), /^WebGPU device lost \(destroyed: .*\) while running a batch of kernels \[.*(conv2d|optim):/);
    });

    it('an uncaptured validation error (a dispatch over the workgroup limit): the error names the kernels of its batch', async () => {
      const bad = (b: WebGpuBackend) => {
        const t = b.zeros([4]);
        b.runtime.run({ shader: 'optim', entry: 'revert', constants: { WG: 256 }, uniforms: [4], buffers: [t.buffer, t.buffer, t.buffer], workgroups: [1 << 20] });
      };
      await faulty(join(scratch, 'invalid'), bad, /^WebGPU validation error in a batch of kernels \[.*optim:revert\{WG=256\}/);
    });
  });
});

describe('--on-nonfinite', () => {
  it('reaches the run settings; the default is stop', async () => {
    const { trainOptions, withTrainOptions } = await import('../../src/cli/commands/train.js');
    const parse = async (...argv: string[]) => trainOptions(await withTrainOptions(yargs(argv)).parse());
    expect(await parse('--on-nonfinite', 'skip')).toMatchObject({ onNonFinite: 'skip' });
    expect(await parse()).not.toHaveProperty('onNonFinite');
    expect(defaultSettings().onNonFinite).toBe('stop');
  });

  it('rejects other values as a usage error (exit 2) naming the flag and the choices', () => {
    const r = serGpu('train', '--on-nonfinite', 'ignore');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/on-nonfinite.*Given: "ignore", Choices: "stop", "skip"/s);
  });
});
