// Fully connected: y[N, O] = x[N, I] · wᵀ + b, with PyTorch's weight layout [O, I].
import type { Backend } from '../../backend/types.js';
import { denseBackward, denseForward } from '../../ops/dense.js';
import type { Tensor } from '../../tensor.js';
import type { Param } from '../param.js';
import type { ForwardContext, Layer } from './layer.js';

export class DenseLayer implements Layer {
  readonly params: Param[];
  readonly state = [];
  readonly savesInput = true;
  readonly savesOutput = false;
  readonly identityInEval = false;
  private x: Tensor | null = null;

  constructor(
    private readonly backend: Backend,
    readonly label: string,
    readonly weight: Param, // [units, features]
    readonly bias: Param | null, // [units]
  ) {
    this.params = bias ? [weight, bias] : [weight];
  }

  forward(x: Tensor, context: ForwardContext): Tensor {
    if (context.training) this.x = x;
    return denseForward(this.backend, x, this.weight.value, this.bias?.value ?? null);
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
    const x = this.x;
    if (!x) throw new Error(`${this.label}: backward without a training forward`);
    this.x = null;
    const { dx, dw, db } = denseBackward(this.backend, x, this.weight.value, dy);
    this.weight.accumulate(dw);
    if (this.bias) this.bias.accumulate(db);
    else db.dispose();
    if (needInputGrad) return dx;
    dx.dispose();
    return null;
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}
