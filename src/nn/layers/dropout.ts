// Inverted dropout: training zeroes each element with probability `rate` and scales the rest by
// 1 / (1 - rate); eval mode passes the input through (the model skips the layer).
import type { Backend } from '../../backend/types.js';
import { dropoutBackward, dropoutForward } from '../../ops/dropout.js';
import type { Tensor } from '../../tensor.js';
import type { ForwardContext, Layer } from './layer.js';

export class DropoutLayer implements Layer {
  readonly params = [];
  readonly state = [];
  readonly savesInput = false;
  readonly savesOutput = false;
  readonly identityInEval = true;
  private mask: Tensor | null = null;

  constructor(
    private readonly backend: Backend,
    readonly label: string,
    private readonly rate: number,
  ) {}

  forward(x: Tensor, context: ForwardContext): Tensor {
    const { y, mask } = dropoutForward(this.backend, x, this.rate, context.seed);
    this.mask = mask;
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const mask = this.mask;
    if (!mask) throw new Error(`${this.label}: backward without a training forward`);
    this.mask = null;
    const dx = needInputGrad ? dropoutBackward(this.backend, dy, mask) : null;
    mask.dispose();
    return dx;
  }

  dispose(): void {
    this.mask?.dispose();
  }
}
