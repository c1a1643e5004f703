// A trainable tensor with its gradient, under its PyTorch state-dict name.
import type { Backend } from '../backend/types.js';
import { add } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';

export class Param {
  readonly grad: Tensor;
  /** True until the first gradient after zeroGrad(): that one is copied, later ones are added. */
  private fresh = true;

  constructor(
    private readonly backend: Backend,
    readonly name: string,
    readonly value: Tensor,
  ) {
    this.grad = backend.zeros(value.shape);
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }

  zeroGrad(): void {
    this.fresh = true;
  }

  /** Adds a gradient computed by a backward op into `grad` and disposes it. */
  accumulate(gradient: Tensor): void {
    if (this.fresh) {
      this.backend.copy(gradient, this.grad);
      this.fresh = false;
    } else {
      const sum = add(this.backend, this.grad, gradient);
      this.backend.copy(sum, this.grad);
      sum.dispose();
    }
    gradient.dispose();
  }

  dispose(): void {
    this.value.dispose();
    this.grad.dispose();
  }
}
