// A bad model folder fails before any backend exists: predict, evaluate and loadModel read and check the
// folder first. createBackend is replaced by a spy that fails the test if it is ever reached.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { evaluate } from '../../src/app/evaluate.js';
import { LoadedModel, predictFiles } from '../../src/app/predict.js';
import { scratchFolder } from '../audio/fixtures.js';
import { tinyCorpus } from '../app/fixtures.js';
import { smallStateDict, writeSmallModel } from './fixtures.js';

const created = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/backend/create.js', () => ({
  createBackend: async () => {
    created.count++;
    throw new Error('a backend was created');
  },
}));

describe('a corrupt model folder is rejected before any backend is created', () => {
  const dir = join(scratchFolder(), 'nan-model');
  const tensors = smallStateDict();
  (tensors['0.weight'].data as Float32Array)[3] = NaN;
  writeSmallModel(dir, tensors);
  const data = tinyCorpus([1], 1);
  const problem = `${join(dir, 'weights-test.safetensors')}: the weights do not fit the model spec: 0.weight holds NaN at index 3`;

  it('by predict', async () => {
    await expect(predictFiles({ model: dir, inputs: [data], backend: 'cpu' })).rejects.toThrow(problem);
  });
  it('by evaluate', async () => {
    await expect(evaluate({ model: dir, data, backend: 'cpu' })).rejects.toThrow(problem);
  });
  it('by loadModel', async () => {
    await expect(LoadedModel.load(dir, 'cpu')).rejects.toThrow(problem);
  });
  it('and no backend was asked for', () => expect(created.count).toBe(0));
});
