// A model folder for the browser tests that does not depend on training: the default network with seeded
// initial weights, written by writeModelFolder as a trained model is. Its probabilities are not meaningful,
// but they are the output of every inference step, so the browser and Node must agree on them.
import { writeModelFolder } from '../../src/app/model-folder.js';
import type { Backend } from '../../src/backend/types.js';
import { RAVDESS_EMOTIONS } from '../../src/data/ravdess.js';
import { featureConfig } from '../../src/features/config.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../../src/infer/model-meta.js';
import { defaultModelSpec } from '../../src/nn/default-model.js';
import { Model } from '../../src/nn/model.js';
import { exportStateDict } from '../../src/nn/state-dict.js';

/** 1.5 s windows, so a RAVDESS clip (3-4 s) is averaged over several. */
const WINDOW_FRAMES = 94;

export async function writeSeededModel(backend: Backend, dir: string, seed = 7): Promise<void> {
  const features = featureConfig();
  const model = new Model(backend, defaultModelSpec(features.nMels, WINDOW_FRAMES, RAVDESS_EMOTIONS.length), { seed });
  try {
    const tensors = await exportStateDict(model);
    // Log-Mel statistics of speech's order of magnitude, varying over the bands.
    const mean = Array.from({ length: features.nMels }, (_, b) => -30 - 0.3 * b);
    const std = Array.from({ length: features.nMels }, (_, b) => 12 + 0.05 * b);
    writeModelFolder(
      dir,
      {
        format: MODEL_FORMAT,
        version: MODEL_FORMAT_VERSION,
        spec: model.spec,
        features,
        labels: [...RAVDESS_EMOTIONS],
        frames: WINDOW_FRAMES,
        normalization: { mean, std },
        training: { note: `seeded initial weights (seed ${seed}), untrained: a test fixture` },
      },
      tensors,
      `seed${seed}`,
    );
  } finally {
    model.dispose();
  }
}
