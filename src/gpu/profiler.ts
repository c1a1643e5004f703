// SER_GPU_PROFILE=1: every dispatch runs in its own timestamped compute pass, and the GPU time is summed per
// pipeline (shader, entry and specialisation), so a whole epoch can be profiled kernel by kernel. Each pass
// boundary costs a little, so the totals run slightly above an unprofiled run's; the shares are what count.
import { gpuWait } from './gpu-wait.js';

/** Timestamp pairs per query set: a batch with more dispatches uses several. */
const PAIRS_PER_SET = 1024;

interface PendingSet {
  querySet: GPUQuerySet;
  labels: string[];
}

export interface KernelTime {
  kernel: string;
  ms: number;
  dispatches: number;
}

export class DispatchProfiler {
  private readonly totals = new Map<string, { ms: number; dispatches: number }>();
  private readonly free: GPUQuerySet[] = [];
  private recording: PendingSet[] = [];
  private readonly reads: Promise<void>[] = [];

  constructor(private readonly device: GPUDevice) {}

  /** The timestampWrites of the next dispatch's own pass, labelled by its pipeline. */
  nextPass(label: string): GPUComputePassTimestampWrites {
    let set = this.recording[this.recording.length - 1];
    if (!set || set.labels.length === PAIRS_PER_SET) {
      set = { querySet: this.free.pop() ?? this.device.createQuerySet({ type: 'timestamp', count: 2 * PAIRS_PER_SET }), labels: [] };
      this.recording.push(set);
    }
    const pair = set.labels.length;
    set.labels.push(label);
    return { querySet: set.querySet, beginningOfPassWriteIndex: 2 * pair, endOfPassWriteIndex: 2 * pair + 1 };
  }

  /** Resolves this batch's timestamps into `encoder` (before it finishes); call the function returned once it is submitted. */
  resolve(encoder: GPUCommandEncoder): () => void {
    const sets = this.recording.splice(0);
    const buffers = sets.map(({ querySet, labels }) => {
      const bytes = 16 * labels.length;
      const resolved = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      const readable = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      encoder.resolveQuerySet(querySet, 0, 2 * labels.length, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, readable, 0, bytes);
      return { resolved, readable };
    });
    return () => {
      sets.forEach(({ querySet, labels }, i) => {
        const { resolved, readable } = buffers[i];
        this.reads.push(
          gpuWait(readable.mapAsync(GPUMapMode.READ)).then(() => {
            const ticks = new BigInt64Array(readable.getMappedRange());
            labels.forEach((label, p) => this.add(label, Number(ticks[2 * p + 1] - ticks[2 * p]) / 1e6));
            readable.destroy();
            resolved.destroy();
            this.free.push(querySet);
          }),
        );
      });
    };
  }

  /** Drops recorded timestamps of a batch that will not be submitted. */
  discard(): void {
    for (const set of this.recording.splice(0)) this.free.push(set.querySet);
  }

  /** Waits for every submitted batch's timestamps. */
  async settle(): Promise<void> {
    while (this.reads.length > 0) await Promise.all(this.reads.splice(0));
  }

  /** GPU time per kernel, slowest first. */
  times(): KernelTime[] {
    return [...this.totals].map(([kernel, t]) => ({ kernel, ...t })).sort((a, b) => b.ms - a.ms);
  }

  /** A table of times(), with each kernel's share of the total. */
  report(): string {
    const rows = this.times();
    const total = rows.reduce((sum, r) => sum + r.ms, 0);
    const lines = rows.map((r) => `${r.ms.toFixed(1).padStart(10)} ms ${((100 * r.ms) / total).toFixed(1).padStart(5)} % ${String(r.dispatches).padStart(7)}  ${r.kernel}`);
    return [`GPU time per kernel (SER_GPU_PROFILE=1), ${total.toFixed(0)} ms in all:`, `${'ms'.padStart(13)} ${'share'.padStart(7)} ${'calls'.padStart(7)}  kernel`, ...lines].join('\n');
  }

  private add(label: string, ms: number): void {
    const t = this.totals.get(label) ?? { ms: 0, dispatches: 0 };
    t.ms += ms;
    t.dispatches++;
    this.totals.set(label, t);
  }
}
