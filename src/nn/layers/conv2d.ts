// conv2d, optionally fused with the ReLU after it (conv2dForward's activation), saving one pass over the
// activation in both directions.
import type { Backend } from '../../backend/types.js';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, type Conv2dParams } from '../../ops/conv2d.js';
import { activationBackward } from '../../ops/activation.js';
import type { Tensor } from '../../tensor.js';
import type { Param } from '../param.js';
import type { ForwardContext, Layer } from './layer.js';

export class Conv2dLayer implements Layer {
  readonly params: Param[];
  readonly state = [];
  readonly savesInput = true;
  readonly savesOutput: boolean;
  readonly identityInEval = false;
  private x: Tensor | null = null;
  private y: Tensor | null = null;

  constructor(
    private readonly backend: Backend,
    readonly label: string,
    readonly weight: Param, // [filters, channels, kh, kw]
    readonly bias: Param | null, // [filters]
    private readonly p: Conv2dParams,
    private readonly activation: 'none' | 'relu',
  ) {
    this.params = bias ? [weight, bias] : [weight];
    this.savesOutput = activation === 'relu';
  }

  forward(x: Tensor, context: ForwardContext): Tensor {
    const y = conv2dForward(this.backend, x, this.weight.value, this.bias?.value ?? null, this.p, this.activation);
    if (context.training) {
      this.x = x;
      this.y = y;
    }
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const { x, y } = this;
    if (!x || !y) throw new Error(`${this.label}: backward without a training forward`);
    // ReLU's derivative is [x > 0], and x > 0 exactly where relu(x) > 0: the fused output serves as its input.
    let dz = dy;
    if (this.activation === 'relu') {
      dz = activationBackward(this.backend, 'relu', y, dy);
      // Both are dead now: freeing them before the gradient kernels lowers the step's peak memory.
      dy.dispose();
      y.dispose();
    }
    this.weight.accumulate(conv2dBackwardWeight(this.backend, x, dz, this.p, this.weight.shape));
    this.bias?.accumulate(conv2dBackwardBias(this.backend, dz));
    const dx = needInputGrad ? conv2dBackwardInput(this.backend, dz, this.weight.value, this.p, x.shape) : null;
    if (dz !== dy) dz.dispose();
    this.x = this.y = null;
    return dx;
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}
