// Scores a classifier on labelled clips: mean cross-entropy of the window-averaged probabilities, and the
// classification metrics. Shared by validation during training and by `ser-gpu evaluate`.
import { argmax, classificationMetrics } from '../eval/metrics.js';
import type { ClipFeatureRows, EmotionClassifier } from '../infer/classifier.js';
import type { EvaluationRecord } from './run-files.js';

/** Probabilities below this count as this, so one confident mistake cannot make the loss infinite. */
const MIN_PROBABILITY = 1e-12;

export interface Scored extends EvaluationRecord {
  /** [classes] probabilities per clip. */
  probabilities: Float32Array[];
}

export async function scoreClips(classifier: EmotionClassifier, clips: readonly ClipFeatureRows[], labels: ArrayLike<number>, name: string): Promise<Scored> {
  if (clips.length === 0) throw new Error(`${name}: no clips to evaluate`);
  const probabilities = await classifier.probabilities(clips);
  let loss = 0;
  probabilities.forEach((p, i) => (loss -= Math.log(Math.max(MIN_PROBABILITY, p[labels[i]]))));
  const predicted = probabilities.map((p) => argmax(p));
  return { name, loss: loss / clips.length, metrics: classificationMetrics(labels, predicted, classifier.labels), probabilities };
}
