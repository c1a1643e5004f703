import { expect, it } from 'vitest';
import { defaultSettings, recipeModelSpec } from '../../src/app/recipe.js';

it('the default network is conv-BatchNorm-ReLU blocks of the filters given, a 2x2 max pool between blocks', () => {
  expect(recipeModelSpec(64, 188, 8, defaultSettings().filters).layers.filter((l) => l.type === 'conv2d')).toHaveLength(defaultSettings().filters.length);
  const types = (filters: number[]) => recipeModelSpec(64, 188, 8, filters).layers.map((l) => (l.type === 'conv2d' ? `conv${l.filters}` : l.type));
  const block = (f: number) => [`conv${f}`, 'batchnorm2d', 'relu'];
  const head = ['globalavgpool', 'dropout', 'dense'];
  expect(types([16, 32, 64, 128])).toEqual([...block(16), 'maxpool2d', ...block(32), 'maxpool2d', ...block(64), 'maxpool2d', ...block(128), ...head]);
  expect(types([8, 24])).toEqual([...block(8), 'maxpool2d', ...block(24), ...head]);
});
