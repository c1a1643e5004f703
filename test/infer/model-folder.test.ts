// Model folders are checked before use: model.json against its schema, every weight against the spec's state
// dict (names, dtypes, shapes, finite values), each failure naming the file and the first problem.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFolder, writeModelFolder } from '../../src/app/model-folder.js';
import { defaultSettings, recipeModelSpec } from '../../src/app/recipe.js';
import { buildModel, createClassifier } from '../../src/infer/bundle.js';
import { foldBatchNormReference } from '../../src/ops/bn-fold.js';
import { expectClose } from '../helpers/expect-close.js';
import { expectedStateDict } from '../../src/infer/model-weights.js';
import { Model } from '../../src/nn/model.js';
import { defaultModelSpec } from '../../src/nn/default-model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { exportStateDict } from '../../src/nn/state-dict.js';
import { scratchFolder } from '../audio/fixtures.js';
import { backends, describeBackends } from '../helpers/backends.js';
import { editModelJson, LABELS, smallMeta, smallSpec, smallStateDict, writeSmallModel } from './fixtures.js';

const scratch = scratchFolder();
let folders = 0;
const fresh = () => join(scratch, `model-${++folders}`);

/** readModelFolder(dir) throws a message that names `file` (inside dir) and matches `problem`. */
function expectRejected(dir: string, file: string, problem: RegExp): void {
  let message = '';
  try {
    readModelFolder(dir);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message, 'readModelFolder should have thrown').not.toBe('');
  expect(message.startsWith(`${join(dir, file)}: `), message).toBe(true);
  expect(message).toMatch(problem);
}

describe('expectedStateDict', () => {
  const specs: [string, ModelSpec][] = [
    ['the small test spec', smallSpec()],
    ['the recipe network (BatchNorm, dropout)', recipeModelSpec(64, 32, 8, defaultSettings().filters)],
    ['the reference network', defaultModelSpec(64, 32, 8)],
    ['named layers, batchnorm1d, flatten, dense without bias', {
      input: [2, 6, 6],
      layers: [
        { type: 'conv2d', filters: 3, kernel: [3, 2], stride: 2, name: 'features' },
        { type: 'leaky_relu' },
        { type: 'flatten' },
        { type: 'dense', units: 5, bias: false, name: 'hidden' },
        { type: 'batchnorm1d', name: 'norm' },
        { type: 'dense', units: 2 },
      ],
    }],
  ];
  const cpu = backends.find((b) => b.kind === 'cpu')!.backend!;
  for (const [what, spec] of specs) {
    it(`names, shapes and dtypes equal a built model's exported state dict: ${what}`, async () => {
      const model = new Model(cpu, spec);
      const exported = await exportStateDict(model);
      model.dispose();
      const built = Object.entries(exported).map(([name, t]) => [name, [...t.shape], t.data instanceof BigInt64Array ? 'I64' : 'F32']);
      const derived = [...expectedStateDict(spec)].map(([name, t]) => [name, t.shape, t.dtypes[0]]);
      expect(derived.sort()).toEqual(built.sort());
    });
  }
});

describe('readModelFolder: a good folder', () => {
  it('loads, with the tensors of its weights file', () => {
    const dir = fresh();
    writeSmallModel(dir);
    const bundle = readModelFolder(dir);
    expect(bundle.meta.labels).toEqual(LABELS);
    expect([...bundle.tensors.keys()].sort()).toEqual(Object.keys(smallStateDict()).sort());
  });

  it('loads a training checkpoint (optimizer slots of trainable weights beside the state dict)', () => {
    const dir = fresh();
    const tensors = smallStateDict();
    const slots = Object.fromEntries(['exp_avg', 'exp_avg_sq'].map((slot) => [`optimizer.0.weight.${slot}`, { shape: tensors['0.weight'].shape, data: new Float32Array(4 * 9) }]));
    writeSmallModel(dir, { ...tensors, ...slots });
    expect(readModelFolder(dir).tensors.has('optimizer.0.weight.exp_avg')).toBe(true);
  });
});

describeBackends('a checked model folder builds a classifier', (backend) => {
  it('with the file\'s weights on the device', async () => {
    const dir = fresh();
    writeSmallModel(dir);
    const bundle = readModelFolder(dir);
    const model = buildModel(backend, bundle);
    const conv = model.params.find((p) => p.name === '0.weight')!;
    expect(Array.from(await conv.value.read())).toEqual(Array.from(smallStateDict()['0.weight'].data as Float32Array));
    model.dispose();
    // The classifier's model has the batchnorm after conv 0 folded into it.
    const classifier = createClassifier(backend, bundle);
    try {
      const t = (name: string) => smallStateDict()[name].data as Float32Array;
      const expected = foldBatchNormReference(t('0.weight'), t('0.bias'), { gamma: t('1.weight'), beta: t('1.bias'), mean: t('1.running_mean'), variance: t('1.running_var'), eps: 1e-5 });
      const folded = classifier.model.params.find((p) => p.name === '0.weight')!;
      expectClose(await folded.value.read(), expected.weight, { atol: 2e-6, rtol: 2e-6 }, 'folded conv 0 weight');
    } finally {
      classifier.dispose();
    }
  });
});

describe('readModelFolder: model.json against its schema', () => {
  const cases: [string, (json: Record<string, any>) => void, RegExp][] = [
    ['a missing field', (j) => delete j.normalization, /missing field "normalization"/],
    ['a wrong type at the top', (j) => (j.frames = '16'), /frames must be a positive integer, got "16"/],
    ['a wrong type in features', (j) => (j.features.htk = 'yes'), /features\.htk must be true or false, got "yes"/],
    ['a missing feature setting', (j) => delete j.features.hop, /features\.hop is missing/],
    ['an unknown top-level field', (j) => (j.normalisation = j.normalization), /unknown field "normalisation" in the top level/],
    ['a misspelt layer field', (j) => (j.spec.layers[3].kernal = j.spec.layers[3].kernel), /unknown field "kernal" in spec\.layers\[3\] \(maxpool2d\)/],
    ['a layer field of the wrong type', (j) => (j.spec.layers[0].filters = 4.5), /spec\.layers\[0\]\.filters must be an integer >= 1, got 4\.5/],
    ['a layer missing a required field', (j) => delete j.spec.layers[7].units, /spec\.layers\[7\] \(dense\) is missing "units"/],
    ['an unknown layer type', (j) => (j.spec.layers[2].type = 'gelu'), /spec\.layers\[2\]\.type must be one of "conv2d".*got "gelu"/],
    ['labels that do not match the outputs', (j) => j.labels.push('angry'), /the model has 3 outputs for 4 labels/],
    ['repeated labels', (j) => (j.labels[2] = j.labels[0]), /labels repeat a name/],
    ['normalization of the wrong length', (j) => j.normalization.std.pop(), /normalization must hold mean and std \(std > 0\) of 8 finite numbers/],
    ['a spec input that is not the features', (j) => (j.spec.input = [1, 8, 20]), /spec\.input is \[1,8,20\], but the features give \[1, 8, 16\]/],
    ['a weights path outside the folder', (j) => (j.weights = '../x.safetensors'), /weights must name a \.safetensors file beside model\.json/],
    ['training that is not an object', (j) => (j.training = 'yesterday'), /training must be a JSON object/],
  ];
  for (const [what, edit, problem] of cases) {
    it(`rejects ${what}, naming model.json`, () => {
      const dir = fresh();
      writeSmallModel(dir);
      editModelJson(dir, edit);
      expectRejected(dir, 'model.json', problem);
    });
  }
});

describe('readModelFolder: every weight against the spec', () => {
  const WEIGHTS = 'weights-test.safetensors';
  const withTensors = (change: (t: ReturnType<typeof smallStateDict>) => void) => {
    const dir = fresh();
    const tensors = smallStateDict();
    change(tensors);
    writeSmallModel(dir, tensors);
    return dir;
  };
  const cases: [string, (t: ReturnType<typeof smallStateDict>) => void, RegExp][] = [
    ['a missing weight', (t) => delete t['4.weight'], /missing 4\.weight \[6,4,3,1\]/],
    ['a missing running statistic', (t) => delete t['1.running_var'], /missing 1\.running_var \[4\]/],
    ['a wrong shape', (t) => (t['7.weight'] = { shape: [6, 3], data: new Float32Array(18) }), /7\.weight has shape \[6,3\], the model spec gives \[3,6\]/],
    ['a wrong dtype', (t) => (t['0.bias'] = { shape: [4], data: new Int32Array(4) }), /0\.bias is I32, expected F32 or F64/],
    ['a counter of the wrong dtype', (t) => (t['1.num_batches_tracked'] = { shape: [], data: new Float32Array(1) }), /1\.num_batches_tracked is F32, expected I64/],
    ['an extra weight', (t) => (t['4.bias'] = { shape: [6], data: new Float32Array(6) }), /unexpected tensor 4\.bias \[6\] \(the model spec has no such weight\)/],
    ['a NaN in a weight', (t) => ((t['4.weight'].data as Float32Array)[5] = NaN), /4\.weight holds NaN at index 5/],
    ['an infinite running mean', (t) => ((t['1.running_mean'].data as Float32Array)[2] = -Infinity), /1\.running_mean holds -Infinity at index 2/],
    ['a negative running variance', (t) => ((t['1.running_var'].data as Float32Array)[0] = -1), /1\.running_var holds a negative variance/],
    ['optimizer state of a running statistic', (t) => (t['optimizer.1.running_mean.exp_avg'] = { shape: [4], data: new Float32Array(4) }), /unexpected optimizer tensor optimizer\.1\.running_mean\.exp_avg/],
    ['a negative Adam second moment', (t) => (t['optimizer.7.bias.exp_avg_sq'] = { shape: [3], data: Float32Array.of(0, -1e-9, 0) }), /optimizer\.7\.bias\.exp_avg_sq holds a negative second moment/],
    ['optimizer state of the wrong shape', (t) => (t['optimizer.0.bias.exp_avg'] = { shape: [5], data: new Float32Array(5) }), /optimizer\.0\.bias\.exp_avg has shape \[5\], the model spec gives \[4\]/],
  ];
  for (const [what, change, problem] of cases) {
    it(`rejects ${what}, naming the weights file`, () => expectRejected(withTensors(change), WEIGHTS, problem));
  }

  it('rejects a missing weights file, naming model.json and the file', () => {
    const dir = fresh();
    rmSync(writeSmallModel(dir));
    expectRejected(dir, 'model.json', /its weights file weights-test\.safetensors is missing/);
  });

  it('rejects a truncated weights file, naming it', () => {
    const dir = fresh();
    writeModelFolder(dir, smallMeta(), {}, 'test');
    const path = join(dir, 'weights-test.safetensors');
    rmSync(path);
    writeFileSync(path, Buffer.alloc(5));
    expectRejected(dir, WEIGHTS, /not a valid safetensors file/);
  });
});
