// The layout of a run directory (`ser-gpu train --out DIR`) and the records in it. Everything a later
// `ser-gpu report DIR`, `evaluate --model DIR/best` or `--resume DIR` needs is in these files.
//
//   DIR/run.json          RunInfo: the command's settings, the split, versions, timings
//   DIR/metrics.jsonl     one EpochRecord per line, appended after every epoch
//   DIR/best/, DIR/last/  model folders (see model-folder.ts): model.json + model.safetensors
//   DIR/state.safetensors the resumable training state (optimizer, step, RNG), written with `last`
//   DIR/evaluation.json   EvaluationRecord[] of the final model (test actors, per fold)
//   DIR/examples.safetensors one log-Mel spectrogram per emotion ("<label>": [bands, frames]) for the report
//   DIR/plots/*.png|svg   the figures, DIR/report.html the self-contained report
import type { ClassificationMetrics } from '../eval/metrics.js';

export const RUN_FILES = {
  info: 'run.json',
  metrics: 'metrics.jsonl',
  best: 'best',
  last: 'last',
  state: 'state.safetensors',
  evaluation: 'evaluation.json',
  examples: 'examples.safetensors',
  plots: 'plots',
  report: 'report.html',
} as const;

/** One epoch of one model (fold is 0 without --folds). Accuracies and UA are fractions in [0, 1]. */
export interface EpochRecord {
  fold: number;
  epoch: number;
  step: number;
  trainLoss: number;
  trainWA: number;
  /** null when the run has no validation actors. */
  valLoss: number | null;
  valWA: number | null;
  valUA: number | null;
  lr: number;
  seconds: number;
}

/** Actors of each part of a speaker-independent split. */
export interface SplitRecord {
  train: number[];
  val: number[];
  test: number[];
}

/** A run whose splits hold out no actor: its evaluation is on voices it trained on. */
export const holdsOutNoActor = (splits: readonly SplitRecord[]): boolean => splits.every((s) => s.val.length === 0 && s.test.length === 0);

export interface RunInfo {
  /** The command line, as typed. */
  command: string;
  /** Every training setting (model spec, features, optimiser, epochs, batch, seed, augmentation, ...). */
  settings: Record<string, unknown>;
  /** One split per fold (a single entry without --folds). */
  splits: SplitRecord[];
  labels: string[];
  versions: Record<string, string>;
  backend: string;
  startedAt: string;
  finishedAt?: string;
  seconds?: number;
}

/** An evaluation of a model on a labelled set: what evaluation.json and `evaluate --json` hold. */
export interface EvaluationRecord {
  /** What was evaluated, e.g. "fold 2 test (actors 3, 8, 13, 18)" or the --data paths. */
  name: string;
  loss: number;
  metrics: ClassificationMetrics;
}
