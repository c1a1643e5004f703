// The last `capacity` feature frames of a stream, [bands] values each, kept in a ring so that a hop costs
// a copy of its new frames only; window() lays the latest frames out as a clip's [bands, frames] rows.

export class FrameRing {
  /** [capacity, bands]: frame-major, so that a frame is one contiguous copy. */
  private readonly data: Float32Array;
  private total = 0;

  constructor(
    readonly bands: number,
    readonly capacity: number,
  ) {
    this.data = new Float32Array(bands * capacity);
  }

  /** Frames pushed since the start of the stream. */
  get frames(): number {
    return this.total;
  }

  /** Appends `count` frames given as row-major [bands, count]. */
  push(rows: Float32Array, count: number): void {
    if (rows.length !== this.bands * count) throw new Error(`FrameRing: expected ${this.bands} x ${count} values, got ${rows.length}`);
    for (let t = Math.max(0, count - this.capacity); t < count; t++) {
      const slot = ((this.total + t) % this.capacity) * this.bands;
      for (let b = 0; b < this.bands; b++) this.data[slot + b] = rows[b * count + t];
    }
    this.total += count;
  }

  /** The latest min(n, frames, capacity) frames as row-major [bands, that many]. */
  window(n: number): { values: Float32Array; frames: number } {
    const frames = Math.min(n, this.total, this.capacity);
    const values = new Float32Array(this.bands * frames);
    const first = this.total - frames;
    for (let t = 0; t < frames; t++) {
      const slot = ((first + t) % this.capacity) * this.bands;
      for (let b = 0; b < this.bands; b++) values[b * frames + t] = this.data[slot + b];
    }
    return { values, frames };
  }
}
