// What a training run reports as it goes: the CLI draws progress bars from these, the library passes them on.
import type { ExtractProgress, SkippedFile } from '../extract.js';
import type { EpochRecord, EvaluationRecord, SplitRecord } from './run-files.js';

export type TrainEvent =
  | { type: 'features'; progress: ExtractProgress }
  | { type: 'features-ready'; clips: number; fromCache: boolean; cachePath?: string; seconds: number; skipped: SkippedFile[] }
  | { type: 'fold-start'; fold: number; folds: number; split: SplitRecord; resumedAtEpoch: number }
  /** `step`: steps of the epoch recorded; `completed`: those whose loss has come back (the device's progress), which rate and time left count. */
  | { type: 'step'; fold: number; epoch: number; epochs: number; step: number; completed: number; steps: number; loss: number | null; accuracy: number | null; clipsPerSecond: number; secondsLeft: number | null }
  /** `records`: every epoch of this fold so far (a resumed fold's earlier ones included). */
  | { type: 'epoch'; record: EpochRecord; records: EpochRecord[]; improved: boolean; stopping: boolean }
  | { type: 'fold-end'; fold: number; folds: number; evaluation: EvaluationRecord; bestEpoch: number };

/** Thrown when a run was interrupted (Ctrl-C): its state was saved and `--resume dir` continues it. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';

  constructor(readonly dir: string) {
    super(`interrupted: the run's state is saved in ${dir}; continue it with --resume ${dir}`);
  }
}
