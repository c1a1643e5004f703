// [N, C, H, W] → [N, C·H·W]: NCHW row-major order is already the flat order, so only the shape changes.
import type { Backend } from '../../backend/types.js';
import { flatten, reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import type { ForwardContext, Layer } from './layer.js';

export class FlattenLayer implements Layer {
  readonly params = [];
  readonly state = [];
  readonly savesInput = false;
  readonly savesOutput = false;
  readonly identityInEval = false;
  private inputShape: readonly number[] | null = null;

  constructor(
    private readonly backend: Backend,
    readonly label: string,
  ) {}

  forward(x: Tensor, context: ForwardContext): Tensor {
    if (context.training) this.inputShape = x.shape;
    return flatten(this.backend, x);
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const shape = this.inputShape;
    if (!shape) throw new Error(`${this.label}: backward without a training forward`);
    this.inputShape = null;
    return needInputGrad ? reshape(this.backend, dy, shape) : null;
  }

  dispose(): void {}
}
