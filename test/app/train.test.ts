import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interrupted } from '../../src/app/events.js';
import { train, type TrainOptions } from '../../src/app/train.js';
import type { RunInfo } from '../../src/app/run-files.js';
import { readModelFolder } from '../../src/app/model-folder.js';
import { FILTERS_OF_OLDER_RUNS } from '../../src/app/recipe.js';
import { scratchFolder } from '../audio/fixtures.js';
import { backends } from '../helpers/backends.js';
import { metrics, tinyCorpus, weightBytes } from './fixtures.js';

const webgpu = backends.find((b) => b.kind === 'webgpu')!.backend;
const suite = webgpu ? describe : describe.skip;

suite('train (webgpu)', () => {
  const data = tinyCorpus();
  const scratch = scratchFolder();
  const settings: TrainOptions = { data: [data], frames: 32, batchSize: 8, epochs: 3, patience: 0, valActors: [3], cacheDir: join(scratch, 'cache'), backend: webgpu! };

  it.each(['', 'specaugment,mixup', 'pitch,stretch,gain,noise,specaugment'])('an interrupted run (augment "%s") resumes to the same weights, metrics and best model as an uninterrupted one', async (augment) => {
    const whole = join(scratch, `whole-${augment}`);
    await train({ ...settings, augment, out: whole });

    const parted = join(scratch, `parted-${augment}`);
    const controller = new AbortController();
    let steps = 0;
    // 2 steps per epoch: stopping after the 3rd is in the middle of the second epoch.
    const onEvent: TrainOptions['onEvent'] = (event) => {
      if (event.type === 'step' && ++steps === 3) controller.abort();
    };
    await expect(train({ ...settings, augment, out: parted, signal: controller.signal, onEvent })).rejects.toThrow(Interrupted);
    expect(metrics(parted)).toHaveLength(1);
    await train({ resume: parted, backend: webgpu!, cacheDir: settings.cacheDir });

    expect(weightBytes(join(parted, 'last'))).toEqual(weightBytes(join(whole, 'last')));
    expect(weightBytes(join(parted, 'best'))).toEqual(weightBytes(join(whole, 'best')));
    expect(metrics(parted)).toEqual(metrics(whole));
    expect(metrics(whole)).toHaveLength(3);
  });

  it('augmentation changes what the model is trained on, feature and waveform augmentations alike', async () => {
    const plain = metrics(join(scratch, 'whole-'));
    for (const augment of ['specaugment,mixup', 'pitch,stretch,gain,noise,specaugment']) {
      expect(metrics(join(scratch, `whole-${augment}`))[0].trainLoss).not.toBe(plain[0].trainLoss);
    }
  });

  it('writes the split, settings and evaluation, and the second run reads its features from the cache', async () => {
    const dir = join(scratch, 'cached');
    const events: string[] = [];
    const result = await train({ ...settings, epochs: 1, out: dir, onEvent: (e) => e.type === 'features-ready' && events.push(String(e.fromCache)) });
    expect(events).toEqual(['true']);
    const info = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunInfo;
    expect(info.splits).toEqual([{ train: [1, 2], val: [3], test: [] }]);
    expect(info.settings).toMatchObject({ frames: 32, batchSize: 8, epochs: 1 });
    const [evaluation] = JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8'));
    expect(evaluation.name).toMatch(/^validation .*actors 3$/);
    expect(evaluation.metrics.total).toBe(8);
    expect(result.summary.wa.mean).toBe(evaluation.metrics.wa);
  });

  it('with --folds, each fold validates on its own training actors and tests on actors it never trained on', async () => {
    const dir = join(scratch, 'folds');
    const result = await train({ ...settings, valActors: 'auto', folds: 3, epochs: 1, out: dir });
    expect(result.info.splits.map((s) => s.test)).toEqual([[1], [2], [3]]);
    for (const split of result.info.splits) {
      expect(split.val).toHaveLength(1);
      expect(split.train).toHaveLength(1);
      expect(new Set([...split.train, ...split.val, ...split.test]).size).toBe(3);
    }
    expect(result.folds.map((f) => f.evaluation.name)).toEqual(['fold 1 test, actors 1', 'fold 2 test, actors 2', 'fold 3 test, actors 3']);
    expect(metrics(dir).map((r) => r.fold)).toEqual([0, 1, 2]);
    const was = result.folds.map((f) => f.evaluation.metrics.wa);
    expect(result.summary.wa.mean).toBeCloseTo(was.reduce((a, b) => a + b) / 3, 12);
  });

  it('with no validation actors, each fold trains on every non-test actor for every epoch and keeps the last', async () => {
    const dir = join(scratch, 'folds-no-val');
    const result = await train({ ...settings, valActors: [], folds: 3, epochs: 2, out: dir });
    for (const split of result.info.splits) {
      expect(split.val).toEqual([]);
      expect(split.train).toHaveLength(2);
    }
    expect(result.folds.map((f) => f.bestEpoch)).toEqual([2, 2, 2]);
    expect(result.folds.map((f) => f.evaluation.name)).toEqual(['fold 1 test, actors 1', 'fold 2 test, actors 2', 'fold 3 test, actors 3']);
    expect(metrics(dir).every((r) => r.valUA === null)).toBe(true);
    const best = readModelFolder(join(dir, 'fold-1', 'best'));
    const last = readModelFolder(join(dir, 'fold-1', 'last'));
    expect(best.tensors.size).toBeGreaterThan(0);
    for (const [name, tensor] of best.tensors) expect(last.tensors.get(name)?.data).toEqual(tensor.data);
  });

  it("trains the default model with the filters asked for; a run saved before the setting existed resumes with that run's 16-32-64-128", async () => {
    const narrow = join(scratch, 'filters-4-8');
    await train({ ...settings, epochs: 1, filters: [4, 8], out: narrow });
    const convs = (dir: string) => readModelFolder(join(dir, 'last')).meta.spec.layers.flatMap((l) => (l.type === 'conv2d' ? [l.filters] : []));
    expect(convs(narrow)).toEqual([4, 8]);

    const old = join(scratch, 'before-filters');
    const controller = new AbortController();
    let steps = 0;
    const onEvent: TrainOptions['onEvent'] = (event) => {
      if (event.type === 'step' && ++steps === 3) controller.abort();
    };
    await expect(train({ ...settings, filters: [...FILTERS_OF_OLDER_RUNS], out: old, signal: controller.signal, onEvent })).rejects.toThrow(Interrupted);
    const runFile = join(old, 'run.json');
    const info = JSON.parse(readFileSync(runFile, 'utf8')) as RunInfo;
    delete (info.settings as { filters?: number[] }).filters;
    writeFileSync(runFile, JSON.stringify(info));
    await train({ resume: old, backend: webgpu!, cacheDir: settings.cacheDir });
    expect(convs(old)).toEqual([...FILTERS_OF_OLDER_RUNS]);
    expect(metrics(old)).toHaveLength(3);
  });

  it('refuses to overwrite a run, and names a missing run directory', async () => {
    await expect(train({ ...settings, out: join(scratch, 'cached') })).rejects.toThrow(/already holds a run: continue it with --resume/);
    await expect(train({ resume: join(scratch, 'nothing-here'), backend: webgpu! })).rejects.toThrow(/nothing-here: no run.json there/);
  });
});
