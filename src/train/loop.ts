// The training loop: batches by step index (so a resumed run sees the batches it would have seen), uploads,
// one recorded step each, checkpoints every so often and at the end.
import { saveCheckpoint } from './checkpoint.js';
import type { Trainer } from './trainer.js';

export interface HostBatch {
  /** [N, ...model input], row-major. */
  x: Float32Array;
  /** [N] class indices. */
  labels: Int32Array;
}

export interface TrainLoopOptions {
  /** Train until this many steps have been taken (a restored trainer starts at its checkpoint's step). */
  steps: number;
  /** The batch of a step; deterministic in `step` for exact resumption. */
  batchAt(step: number): HostBatch | Promise<HostBatch>;
  checkpoint?: { path: string; every: number };
  /** Each loss as it comes back (N steps at a time, see TrainerOptions.lossEvery). */
  onLoss?(step: number, loss: number): void;
}

/** Runs the trainer from its current step to `steps`; returns every loss of the run (holes before a resume). */
export async function trainLoop(trainer: Trainer, options: TrainLoopOptions): Promise<number[]> {
  const { backend, model } = trainer;
  let reported = trainer.step;
  // Losses arrive in step order, a ring at a time.
  const report = () => {
    for (; reported < trainer.losses.length; reported++) options.onLoss?.(reported, trainer.losses[reported]);
  };
  while (trainer.step < options.steps) {
    const { x, labels } = await options.batchAt(trainer.step);
    const n = labels.length;
    const tx = backend.upload(x, [n, ...model.inputShape]);
    const ty = backend.upload(labels, [n], 'i32');
    await trainer.trainStep(tx, ty);
    tx.dispose();
    ty.dispose();
    report();
    if (options.checkpoint && trainer.step % options.checkpoint.every === 0) await saveCheckpoint(options.checkpoint.path, trainer);
  }
  const losses = await trainer.flushLosses();
  report();
  if (options.checkpoint && trainer.step % options.checkpoint.every !== 0) await saveCheckpoint(options.checkpoint.path, trainer);
  return losses;
}
