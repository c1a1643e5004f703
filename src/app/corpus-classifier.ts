// What evaluate and predict share: a model folder's classifier on a backend, and a corpus's features computed
// by the model's own front end. The classifier is freed (and a backend created here destroyed) afterwards.
import type { Backend, BackendChoice } from '../backend/types.js';
import { withBackend } from '../backend/lifecycle.js';
import { featureSetOf, type FeatureSet } from '../data/dataset.js';
import { extractFeatures, type SkippedFile } from '../extract.js';
import { createClassifier, type ModelBundle } from '../infer/bundle.js';
import type { EmotionClassifier } from '../infer/classifier.js';

export interface ClassifiedCorpus {
  classifier: EmotionClassifier;
  set: FeatureSet;
  skipped: SkippedFile[];
}

export function withCorpusClassifier<R>(
  bundle: ModelBundle,
  inputs: readonly string[],
  backend: Backend | BackendChoice | undefined,
  body: (corpus: ClassifiedCorpus) => Promise<R>,
): Promise<R> {
  return withBackend(backend, async (live) => {
    const classifier = createClassifier(live, bundle);
    try {
      const extracted = await extractFeatures(inputs, { backend: live, features: bundle.meta.features });
      return await body({ classifier, set: featureSetOf(extracted), skipped: extracted.skipped });
    } finally {
      classifier.dispose();
    }
  });
}
