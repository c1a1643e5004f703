// One training step — forward, loss, backward, optimiser — recorded into one command encoder with no read-back
// inside; the losses come back through a ring (loss-ring.ts), N steps at a time. A step whose loss or gradient
// norm is not finite is skipped on the device (the optimizer's guard; the batchnorm statistics and the accuracy
// count it changed are restored), and its flag comes back with its loss: the caller decides to stop or go on.
import type { Backend } from '../backend/types.js';
import { BatchNormLayer } from '../nn/layers/batchnorm.js';
import type { Model } from '../nn/model.js';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
  softmaxCrossEntropySoftBackward,
  softmaxCrossEntropySoftForward,
  type CrossEntropyOptions,
} from '../ops/softmax-ce.js';
import { Optimizer, type AdamConfig, type LrSchedule, type SgdConfig } from '../ops/optim.js';
import type { Tensor } from '../tensor.js';
import { countCorrect } from '../ops/scores.js';
import { LossRing } from './loss-ring.js';

export type OptimizerConfig = SgdConfig | AdamConfig;

/** Plain JSON: checkpoints store the options so that a restored trainer continues with the same ones. */
export interface TrainerOptions {
  optimizer: OptimizerConfig;
  clipGradNorm?: number;
  schedule?: LrSchedule;
  /** Class weights [classes] and label smoothing of the cross-entropy loss. */
  loss?: { classWeights?: number[]; labelSmoothing?: number };
  /** Losses are read back every `lossEvery` steps (the ring's size). Default 10. */
  lossEvery?: number;
}

export class Trainer {
  readonly optimizer: Optimizer;
  /** Steps recorded so far; the next step's index. */
  step = 0;
  /** Losses read back so far, indexed by step (holes until their ring is read). */
  readonly losses: number[] = [];
  /**
   * Examples of the batches applied since the last takeCorrect() that were predicted right, as counted after
   * each step, indexed by step like `losses`: what a progress bar shows as the running training accuracy.
   */
  readonly correctCounts: number[] = [];
  /** Steps whose loss or gradient norm was NaN or infinite, in order: nothing of them was applied. Known once their ring is read. */
  readonly skippedSteps: number[] = [];
  /** Pool bytes held at the worst moment of the last step (parameters, optimizer state and activations). */
  lastStepPeakBytes = 0;
  private readonly ring: LossRing;
  private readonly lossOptions: CrossEntropyOptions;
  /** u32 [1]: training examples predicted right since the last takeCorrect(), counted on the device. */
  private readonly correct: Tensor;
  /** What a step changes besides parameters and optimizer state, each with the copy a skipped step restores. */
  private readonly guarded: { tensor: Tensor; backup: Tensor }[];

  constructor(
    readonly backend: Backend,
    readonly model: Model,
    readonly options: TrainerOptions,
  ) {
    const slots = model.params.map((p) => ({ param: p.value, grad: p.grad }));
    this.optimizer = new Optimizer(backend, slots, options.optimizer, { clipGradNorm: options.clipGradNorm, schedule: options.schedule, guard: true });
    const weights = options.loss?.classWeights;
    this.lossOptions = {
      classWeights: weights ? backend.upload(weights, [weights.length]) : null,
      labelSmoothing: options.loss?.labelSmoothing,
    };
    this.correct = backend.zeros([1], 'u32');
    const running = model.layers.flatMap((l) => l.state.map((s) => s.value));
    this.guarded = [...running, this.correct].map((tensor) => ({ tensor, backup: backend.empty(tensor.shape, tensor.dtype) }));
    this.ring = new LossRing(backend, options.lossEvery ?? 10, (first, losses, flags, counts) => {
      losses.forEach((v, i) => (this.losses[first + i] = v));
      counts.forEach((n, i) => (this.correctCounts[first + i] = n));
      flags.forEach((flag, i) => flag !== 0 && this.skip(first + i));
    });
  }

  /**
   * Records one step on a batch x [N, ...input] and labels [N] (i32), all still the caller's; with soft targets
   * [N, classes] (mixup) the loss is their cross-entropy, and the labels only score the training accuracy.
   * Returns the read-back of an earlier ring when this step fills one: awaiting it bounds the work queued on
   * the device.
   */
  trainStep(x: Tensor, labels: Tensor, targets: Tensor | null = null): Promise<void> {
    const { model, backend } = this;
    backend.resetPeak();
    model.zeroGrad();
    for (const { tensor, backup } of this.guarded) backend.copy(tensor, backup);
    const logits = model.forwardTrain(x, this.step);
    countCorrect(backend, logits, labels, this.correct);
    const { loss, probs } = targets
      ? softmaxCrossEntropySoftForward(backend, logits, targets, this.lossOptions)
      : softmaxCrossEntropyForward(backend, logits, labels, this.lossOptions);
    const dlogits = targets
      ? softmaxCrossEntropySoftBackward(backend, probs, targets, this.lossOptions)
      : softmaxCrossEntropyBackward(backend, probs, labels, this.lossOptions);
    probs.dispose();
    model.backward(dlogits);
    dlogits.dispose();
    this.optimizer.step(loss);
    for (const { tensor, backup } of this.guarded) this.optimizer.revertIfSkipped(tensor, backup);
    const readBack = this.ring.push(this.step, loss, this.optimizer.nonFiniteFlag, this.correct);
    loss.dispose();
    backend.flush();
    this.lastStepPeakBytes = backend.peakBytes;
    this.step++;
    return readBack;
  }

  /** Waits for every recorded step and returns all losses so far. */
  async flushLosses(): Promise<number[]> {
    await this.ring.flush();
    return this.losses;
  }

  /** Training examples whose logits' argmax was their label since the last call (in training mode). */
  async takeCorrect(): Promise<number> {
    const count = (await this.correct.read())[0];
    this.backend.write(this.correct, new Uint32Array(1));
    return count;
  }

  /** A skipped step's forward counted a batch in each batchnorm layer's num_batches_tracked (a host counter). */
  private skip(step: number): void {
    this.skippedSteps.push(step);
    for (const layer of this.model.layers) if (layer instanceof BatchNormLayer) layer.batchesTracked--;
  }

  /** Frees the trainer's tensors (the model stays the caller's). */
  dispose(): void {
    for (const { backup } of this.guarded) backup.dispose();
    this.correct.dispose();
    this.optimizer.dispose();
    this.ring.dispose();
    this.lossOptions.classWeights?.dispose();
  }
}
