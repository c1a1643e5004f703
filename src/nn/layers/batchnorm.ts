// batchnorm2d over [N, C, H, W] (per channel) and batchnorm1d over [N, C]: batch statistics in training
// (updating the running ones), running statistics in eval mode.
import type { Backend } from '../../backend/types.js';
import { batchNormBackward, batchNormForward } from '../../ops/batchnorm.js';
import type { Tensor } from '../../tensor.js';
import type { Param } from '../param.js';
import type { ForwardContext, Layer, StateTensor } from './layer.js';

export class BatchNormLayer implements Layer {
  readonly params: Param[];
  readonly state: StateTensor[];
  readonly savesInput = true;
  readonly savesOutput = false;
  readonly identityInEval = false;
  /** PyTorch's num_batches_tracked, a host counter exported with the state dict under `counterName`. */
  batchesTracked = 0;
  readonly counterName: string;
  private saved: { x: Tensor; mean: Tensor; invStd: Tensor } | null = null;

  constructor(
    private readonly backend: Backend,
    readonly label: string,
    readonly gamma: Param, // [C]
    readonly beta: Param, // [C]
    readonly running: { runningMean: Tensor; runningVar: Tensor }, // [C] each
    private readonly options: { momentum: number; eps: number },
    prefix: string,
  ) {
    this.params = [gamma, beta];
    this.counterName = `${prefix}.num_batches_tracked`;
    this.state = [
      { name: `${prefix}.running_mean`, value: running.runningMean },
      { name: `${prefix}.running_var`, value: running.runningVar },
    ];
  }

  forward(x: Tensor, context: ForwardContext): Tensor {
    const { y, mean, invStd } = batchNormForward(this.backend, x, this.gamma.value, this.beta.value, this.running, {
      training: context.training,
      ...this.options,
    });
    if (context.training) {
      this.batchesTracked++;
      this.saved = { x, mean, invStd };
    } else {
      mean.dispose();
      invStd.dispose();
    }
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const saved = this.saved;
    if (!saved) throw new Error(`${this.label}: backward without a training forward`);
    this.saved = null;
    const { dx, dgamma, dbeta } = batchNormBackward(this.backend, saved.x, dy, this.gamma.value, saved.mean, saved.invStd);
    this.gamma.accumulate(dgamma);
    this.beta.accumulate(dbeta);
    saved.mean.dispose();
    saved.invStd.dispose();
    if (needInputGrad) return dx;
    dx.dispose();
    return null;
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
    for (const s of this.state) s.value.dispose();
    this.saved?.mean.dispose();
    this.saved?.invStd.dispose();
  }
}
