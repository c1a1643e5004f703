// One training step — forward, loss, backward, optimiser — recorded into one command encoder with no read-back
// inside; the losses come back through a ring (loss-ring.ts), N steps at a time.
import type { Backend } from '../backend/types.js';
import type { Model } from '../nn/model.js';
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward, type CrossEntropyOptions } from '../ops/softmax-ce.js';
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
  /** Pool bytes held at the worst moment of the last step (parameters, optimizer state and activations). */
  lastStepPeakBytes = 0;
  private readonly ring: LossRing;
  private readonly lossOptions: CrossEntropyOptions;
  /** u32 [1]: training examples predicted right since the last takeCorrect(), counted on the device. */
  private readonly correct: Tensor;

  constructor(
    readonly backend: Backend,
    readonly model: Model,
    readonly options: TrainerOptions,
  ) {
    const slots = model.params.map((p) => ({ param: p.value, grad: p.grad }));
    this.optimizer = new Optimizer(backend, slots, options.optimizer, { clipGradNorm: options.clipGradNorm, schedule: options.schedule });
    const weights = options.loss?.classWeights;
    this.lossOptions = {
      classWeights: weights ? backend.upload(weights, [weights.length]) : null,
      labelSmoothing: options.loss?.labelSmoothing,
    };
    this.correct = backend.zeros([1], 'u32');
    this.ring = new LossRing(backend, options.lossEvery ?? 10, (first, values) => values.forEach((v, i) => (this.losses[first + i] = v)));
  }

  /**
   * Records one step on a batch x [N, ...input] and labels [N] (i32), both still the caller's. Returns the
   * read-back of an earlier ring when this step fills one: awaiting it bounds the work queued on the device.
   */
  trainStep(x: Tensor, labels: Tensor): Promise<void> {
    const { model, backend } = this;
    backend.resetPeak();
    model.zeroGrad();
    const logits = model.forwardTrain(x, this.step);
    countCorrect(backend, logits, labels, this.correct);
    const { loss, probs } = softmaxCrossEntropyForward(backend, logits, labels, this.lossOptions);
    const readBack = this.ring.push(this.step, loss);
    loss.dispose();
    const dlogits = softmaxCrossEntropyBackward(backend, probs, labels, this.lossOptions);
    probs.dispose();
    model.backward(dlogits);
    dlogits.dispose();
    this.optimizer.step();
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

  /** Frees the trainer's tensors (the model stays the caller's). */
  dispose(): void {
    this.correct.dispose();
    this.optimizer.dispose();
    this.ring.dispose();
    this.lossOptions.classWeights?.dispose();
  }
}
