// Reuses GPU buffers by (size, usage): training steps allocate the same shapes every step.

/** Buffers are sized in 256-byte steps so near-equal tensors share a bucket and copies stay aligned. */
const SIZE_STEP = 256;

export class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  /** Bytes held by live (acquired, not yet released) buffers, and the most ever held at once. */
  liveBytes = 0;
  peakBytes = 0;
  /** Bytes the device has allocated for this pool, live or idle. */
  allocatedBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(byteLength: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const size = Math.max(SIZE_STEP, Math.ceil(byteLength / SIZE_STEP) * SIZE_STEP);
    const key = `${size}:${usage}`;
    let buffer = this.free.get(key)?.pop();
    if (!buffer) {
      buffer = this.device.createBuffer({ size, usage, label });
      this.allocatedBytes += size;
    }
    this.liveBytes += size;
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
    return buffer;
  }

  /** Commands already recorded may still use the buffer: they run before any later reuse, in queue order. */
  release(buffer: GPUBuffer): void {
    const key = `${buffer.size}:${buffer.usage}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
    this.liveBytes -= buffer.size;
  }

  resetPeak(): void {
    this.peakBytes = this.liveBytes;
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
  }
}
