// Classification metrics as SER papers report them: WA (weighted accuracy: the fraction of clips right),
// UA (unweighted average recall: the mean over classes of each class's recall, so a rare class counts as
// much as a common one), per-class precision/recall/F1 and the confusion matrix.

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Clips whose true label is this class. */
  support: number;
}

export interface ClassificationMetrics {
  labels: string[];
  /** confusion[truth][predicted] counts. */
  confusion: number[][];
  /** Accuracy over all clips. */
  wa: number;
  /** Mean recall over the classes present (support > 0). */
  ua: number;
  perClass: ClassMetrics[];
  total: number;
  /** Labels with no clip in the data: left out of UA, reported as such. */
  missing: string[];
}

/** Metrics of predicted against true class indices (both into `labels`). */
export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, labels: readonly string[]): ClassificationMetrics {
  if (truth.length !== predicted.length) throw new Error(`metrics: ${truth.length} labels but ${predicted.length} predictions`);
  const K = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (!(t >= 0 && t < K && p >= 0 && p < K)) throw new Error(`metrics: clip ${i} has label ${t} / prediction ${p} outside 0..${K - 1}`);
    confusion[t][p]++;
  }
  return metricsFromConfusion(confusion, labels);
}

/** The metrics of a confusion matrix (confusion[truth][predicted] counts), e.g. one summed over folds. */
export function metricsFromConfusion(confusion: readonly (readonly number[])[], labels: readonly string[]): ClassificationMetrics {
  const total = confusion.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
  const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
  const perClass = labels.map((label, k) => {
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + row[k], 0);
    const hit = confusion[k][k];
    const precision = predictedAs > 0 ? hit / predictedAs : 0;
    const recall = support > 0 ? hit / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((c) => c.support > 0);
  return {
    labels: [...labels],
    confusion: confusion.map((row) => [...row]),
    wa: total > 0 ? correct / total : 0,
    ua: present.length > 0 ? present.reduce((sum, c) => sum + c.recall, 0) / present.length : 0,
    perClass,
    total,
    missing: perClass.filter((c) => c.support === 0).map((c) => c.label),
  };
}

/** Index of the largest of values[offset .. offset + length). */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

export interface MeanStd {
  mean: number;
  std: number;
}

/** Mean and sample standard deviation (n - 1; 0 for one value), as cross-validation results are reported. */
export function meanStd(values: readonly number[]): MeanStd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}
