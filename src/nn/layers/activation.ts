// relu / leaky_relu / elu as a layer of its own (a ReLU right after a conv2d or right before a max pool is
// fused into that layer instead).
import type { Backend } from '../../backend/types.js';
import { activationBackward, activationForward, type ActivationKind } from '../../ops/activation.js';
import type { Tensor } from '../../tensor.js';
import type { ForwardContext, Layer } from './layer.js';

export class ActivationLayer implements Layer {
  readonly params = [];
  readonly state = [];
  readonly savesInput = true;
  readonly savesOutput = false;
  readonly identityInEval = false;
  private x: Tensor | null = null;

  constructor(
    private readonly backend: Backend,
    readonly label: string,
    private readonly kind: ActivationKind,
    private readonly alpha: number | undefined,
  ) {}

  forward(x: Tensor, context: ForwardContext): Tensor {
    if (context.training) this.x = x;
    return activationForward(this.backend, this.kind, x, this.alpha);
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const x = this.x;
    if (!x) throw new Error(`${this.label}: backward without a training forward`);
    this.x = null;
    return needInputGrad ? activationBackward(this.backend, this.kind, x, dy, this.alpha) : null;
  }

  dispose(): void {}
}
