// Pooling layers: max (keeps the argmax indices for backward), average and global average.
import type { Backend } from '../../backend/types.js';
import {
  avgPool2dBackward,
  avgPool2dForward,
  globalAvgPoolBackward,
  globalAvgPoolForward,
  maxPool2dBackward,
  maxPool2dForward,
  type Pool2dParams,
} from '../../ops/pool.js';
import type { Tensor } from '../../tensor.js';
import type { ForwardContext, Layer } from './layer.js';

/** Pools need only their input's shape in backward, never its values. */
abstract class ShapeSavingLayer implements Layer {
  readonly params = [];
  readonly state = [];
  readonly savesInput = false;
  readonly savesOutput = false;
  readonly identityInEval = false;
  protected inputShape: readonly number[] | null = null;

  constructor(
    protected readonly backend: Backend,
    readonly label: string,
  ) {}

  abstract forward(x: Tensor, context: ForwardContext): Tensor;
  abstract backward(dy: Tensor, needInputGrad: boolean): Tensor | null;

  protected takeInputShape(): readonly number[] {
    const shape = this.inputShape;
    if (!shape) throw new Error(`${this.label}: backward without a training forward`);
    this.inputShape = null;
    return shape;
  }

  dispose(): void {}
}

/** Max pooling; with `relu`, of relu(x) in the same pass (a ReLU fused into the pool after it). */
export class MaxPool2dLayer extends ShapeSavingLayer {
  private argmax: Tensor | null = null;

  constructor(backend: Backend, label: string, private readonly p: Pool2dParams, private readonly relu = false) {
    super(backend, label);
  }

  forward(x: Tensor, context: ForwardContext): Tensor {
    const { y, argmax } = maxPool2dForward(this.backend, x, this.p, this.relu);
    if (context.training) {
      this.inputShape = x.shape;
      this.argmax = argmax;
    } else argmax.dispose();
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const inputShape = this.takeInputShape();
    const argmax = this.argmax!;
    this.argmax = null;
    const dx = needInputGrad ? maxPool2dBackward(this.backend, dy, argmax, inputShape) : null;
    argmax.dispose();
    return dx;
  }

  override dispose(): void {
    this.argmax?.dispose();
  }
}

export class AvgPool2dLayer extends ShapeSavingLayer {
  constructor(backend: Backend, label: string, private readonly p: Pool2dParams) {
    super(backend, label);
  }

  forward(x: Tensor, context: ForwardContext): Tensor {
    if (context.training) this.inputShape = x.shape;
    return avgPool2dForward(this.backend, x, this.p);
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const inputShape = this.takeInputShape();
    return needInputGrad ? avgPool2dBackward(this.backend, dy, inputShape, this.p) : null;
  }
}

/** [N, C, H, W] → [N, C]. */
export class GlobalAvgPoolLayer extends ShapeSavingLayer {
  forward(x: Tensor, context: ForwardContext): Tensor {
    if (context.training) this.inputShape = x.shape;
    return globalAvgPoolForward(this.backend, x);
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const inputShape = this.takeInputShape();
    return needInputGrad ? globalAvgPoolBackward(this.backend, dy, inputShape) : null;
  }
}
