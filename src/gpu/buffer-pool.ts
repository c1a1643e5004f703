// Reuses GPU buffers by (size, usage): training steps allocate the same shapes every step, and batches whose
// sizes vary (augmented waveforms) share a bounded set of size classes instead of each keeping its own. A request over the
// device's limits fails at once, and an allocation the device cannot satisfy (Dawn's out-of-memory error scope)
// is reported through `watch`, both with the size asked for, the limit or what is held, and what to do.

/** Buffers are sized in 256-byte steps so near-equal tensors share a bucket and copies stay aligned. */
const SIZE_STEP = 256;
/** Above this, sizes round up to one of CLASSES_PER_OCTAVE classes per power of two (at most 12.5% over). */
const CLASS_FROM = 2 ** 20;
const CLASSES_PER_OCTAVE = 8;

/** The bytes a request of `byteLength` is allocated: a 256-byte step, or above 1 MiB its size class (within `most`). */
export function bufferSize(byteLength: number, most = Infinity): number {
  const step = Math.max(SIZE_STEP, Math.ceil(byteLength / SIZE_STEP) * SIZE_STEP);
  if (step <= CLASS_FROM) return step;
  const unit = 2 ** Math.floor(Math.log2(step)) / CLASSES_PER_OCTAVE;
  const sized = Math.ceil(step / unit) * unit;
  return sized <= most ? sized : step;
}

/** What a buffer request ran into: a device limit, or the device's memory. */
export class GpuMemoryError extends Error {
  override readonly name = 'GpuMemoryError';

  constructor(
    /** The buffer's label, e.g. "tensor[32,1,64,188]". */
    readonly label: string,
    /** Bytes asked for (rounded up to the pool's 256-byte step). */
    readonly requestedBytes: number,
    /** The limit exceeded, or null for an out-of-memory failure. */
    readonly limit: { name: 'maxBufferSize' | 'maxStorageBufferBindingSize'; bytes: number } | null,
    /** Bytes held by live tensors when it was asked for. */
    readonly liveBytes: number,
  ) {
    const asked = `GPU buffer ${label} of ${formatBytes(requestedBytes)}`;
    super(
      limit
        ? `${asked} exceeds the device's ${limit.name} of ${formatBytes(limit.bytes)}: use a smaller batch (--batch-size) or shorter inputs`
        : `${asked} could not be allocated: the device is out of memory (${formatBytes(liveBytes)} held by live tensors): use a smaller batch (--batch-size)`,
    );
  }
}

export class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  /** Bytes held by live (acquired, not yet released) buffers, and the most ever held at once. */
  liveBytes = 0;
  peakBytes = 0;
  /** Bytes the device has allocated for this pool, live or idle. */
  allocatedBytes = 0;
  /** The device's, read once: acquire runs hundreds of times a step. */
  private readonly limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };

  /** `watch` receives, for each new allocation, the promise of its out-of-memory check (the runtime reports it at the next sync). */
  constructor(
    private readonly device: GPUDevice,
    private readonly watch: (check: Promise<GpuMemoryError | null>) => void = () => undefined,
  ) {
    const { maxBufferSize, maxStorageBufferBindingSize } = device.limits;
    this.limits = { maxBufferSize, maxStorageBufferBindingSize };
  }

  acquire(byteLength: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const asked = Math.max(SIZE_STEP, Math.ceil(byteLength / SIZE_STEP) * SIZE_STEP);
    this.checkLimits(asked, usage, label);
    const { maxBufferSize, maxStorageBufferBindingSize } = this.limits;
    const size = bufferSize(byteLength, usage & GPUBufferUsage.STORAGE ? Math.min(maxBufferSize, maxStorageBufferBindingSize) : maxBufferSize);
    const key = `${size}:${usage}`;
    let buffer = this.free.get(key)?.pop();
    if (!buffer) {
      this.device.pushErrorScope('out-of-memory');
      buffer = this.device.createBuffer({ size, usage, label });
      const liveBytes = this.liveBytes;
      this.watch(this.device.popErrorScope().then((error) => (error ? new GpuMemoryError(label, size, null, liveBytes) : null)));
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

  /** Storage buffers are bound whole, so they must also fit one binding. */
  private checkLimits(size: number, usage: GPUBufferUsageFlags, label: string): void {
    const { maxBufferSize, maxStorageBufferBindingSize } = this.limits;
    if (size > maxBufferSize) throw new GpuMemoryError(label, size, { name: 'maxBufferSize', bytes: maxBufferSize }, this.liveBytes);
    if (usage & GPUBufferUsage.STORAGE && size > maxStorageBufferBindingSize) {
      throw new GpuMemoryError(label, size, { name: 'maxStorageBufferBindingSize', bytes: maxStorageBufferBindingSize }, this.liveBytes);
    }
  }
}

function formatBytes(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return mib >= 1 ? `${mib.toFixed(mib >= 100 ? 0 : 1)} MiB (${bytes} bytes)` : `${bytes} bytes`;
}
