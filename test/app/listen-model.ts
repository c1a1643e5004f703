// A model folder for the streaming tests: the recipe's network with seeded initial weights (no training: the
// tests compare the stream with predict, not with the truth) and band statistics of the order of RAVDESS's.
import { join } from 'node:path';
import { writeModelFolder } from '../../src/app/model-folder.js';
import { defaultSettings, recipeModelSpec } from '../../src/app/recipe.js';
import type { Backend } from '../../src/backend/types.js';
import { featureConfig, type FeatureConfig } from '../../src/features/config.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../../src/infer/model-meta.js';
import { Model } from '../../src/nn/model.js';
import { exportStateDict } from '../../src/nn/state-dict.js';
import { scratchFolder } from '../audio/fixtures.js';

export const LABELS = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'];

export async function seededModelFolder(backend: Backend, frames = 188, features: Partial<FeatureConfig> = {}): Promise<string> {
  const config = featureConfig({ kind: 'logmel', nMels: 64, ...features });
  const bands = (config.kind === 'mfcc' ? config.nMfcc : config.nMels) * (1 + config.deltas);
  const spec = recipeModelSpec(bands, frames, LABELS.length, defaultSettings().filters);
  const model = new Model(backend, spec, { seed: 7 });
  const tensors = await exportStateDict(model);
  model.dispose();
  const dir = join(scratchFolder(), 'model');
  const normalization = { mean: Array.from({ length: bands }, (_, b) => -45 + b / 4), std: Array.from({ length: bands }, (_, b) => 12 + b / 16) };
  writeModelFolder(dir, { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, spec, features: config, labels: LABELS, frames, normalization }, tensors, 'seeded');
  return dir;
}
