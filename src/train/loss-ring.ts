// Training losses stay on the device: each step copies its [1] loss, its non-finite flag and the running count
// of examples predicted right into a slot of a small ring, and a full ring is read back asynchronously (the
// losses and flags in one read, the u32 counts in a second started with it), so no step ever waits for the GPU.
import type { Backend } from '../backend/types.js';
import type { Tensor } from '../tensor.js';

/** One f32 element of a device tensor. */
export interface DeviceScalar {
  tensor: Tensor;
  index: number;
}

export class LossRing {
  /** [2, size]: the losses, then the flags (1: the step's update was skipped as non-finite). */
  private readonly ring: Tensor;
  /** u32 [size]: the correct-count after each step. */
  private readonly counts: Tensor;
  private filled = 0;
  /** The step of slot 0. */
  private firstStep = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: Backend,
    readonly size: number,
    /** Called once per read-back, in step order, with the losses, flags and counts of steps first … first + n - 1. */
    private readonly onLosses: (firstStep: number, losses: Float32Array, flags: Float32Array, counts: Uint32Array) => void,
  ) {
    if (!(Number.isInteger(size) && size > 0)) throw new Error(`loss ring size must be a positive integer, got ${size}`);
    this.ring = backend.empty([2, size]);
    this.counts = backend.empty([size], 'u32');
  }

  /**
   * Records the copies of `loss` (a [1] tensor, still the caller's), `flag` and `count` (a u32 [1] tensor) as
   * those of `step`. When that fills the ring, starts reading it and returns the previous read, so a caller
   * that awaits it keeps at most two rings of steps in flight.
   */
  push(step: number, loss: Tensor, flag: DeviceScalar, count: Tensor): Promise<void> {
    if (this.filled === 0) this.firstStep = step;
    this.backend.copy(loss, this.ring, 1, 0, this.filled);
    this.backend.copy(flag.tensor, this.ring, 1, flag.index, this.size + this.filled);
    this.backend.copy(count, this.counts, 1, 0, this.filled);
    this.filled++;
    if (this.filled < this.size) return Promise.resolve();
    const previous = this.pending;
    this.pending = this.readBack();
    return previous;
  }

  /** Reads whatever the ring holds and waits for every read, so all losses have been delivered. */
  async flush(): Promise<void> {
    if (this.filled > 0) this.pending = this.readBack();
    await this.pending;
  }

  dispose(): void {
    this.ring.dispose();
    this.counts.dispose();
  }

  /** The copy into a staging buffer is recorded now (before later steps overwrite the ring); only the mapping waits. */
  private readBack(): Promise<void> {
    const { firstStep, filled, size } = this;
    this.filled = 0;
    const previous = this.pending;
    const reads = Promise.all([this.backend.read(this.ring), this.backend.read(this.counts)]);
    return Promise.all([reads, previous]).then(([[values, counts]]) => {
      const all = values as Float32Array;
      this.onLosses(firstStep, all.slice(0, filled), all.slice(size, size + filled), (counts as Uint32Array).slice(0, filled));
    });
  }
}
