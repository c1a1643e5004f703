// The kernel benchmark: every kernel of the reference network's training step (input [32,1,64,188]; conv3x3
// 16-32-64-128 with ReLU and max-pools, global average pool, dense 128->8, softmax cross-entropy, Adam),
// batchnorm, square matmuls and the feature front end. Each row is first validated against the op's float64
// reference on a small shape that runs the same kernels, then timed after a warm-up.
import { cpus, loadavg } from 'node:os';
import type { WebGpuBackend } from '../../src/backend/types.js';
import { adapterName } from '../../src/gpu/device.js';
import { pipelineKey, type GpuRuntime } from '../../src/gpu/runtime.js';
import type { Conv2dKernel } from '../../src/ops/conv2d.js';
import { bestOf, wallMs } from '../common.js';
import type { KernelCase } from './case.js';
import { convCases, LAYERS } from './conv-cases.js';
import { featureCases } from './feature-cases.js';
import { extraCases, maxPoolCases, reluCase, tailCases } from './network-cases.js';
import { loadTfjs, timeTfjsConv, type Tfjs } from './tfjs.js';

/** A measurement shorter than this is repeated back to back, at most MAX_CALLS times. */
const MIN_MEASURE_MS = 20;
const MAX_CALLS = 1000;

export interface KernelBenchOptions {
  /** Timed runs per row after the warm-up; the best is reported (default 5). */
  repeats?: number;
  /** Only rows whose kernel name or shape contains this (case-insensitive). */
  filter?: string;
  /** Also time TensorFlow.js's WebGPU backend on the conv rows (both on the wall clock then). */
  tfjs?: boolean;
  /** Forces one conv2d forward / backward-input kernel instead of the adapter's choice. */
  convKernel?: Conv2dKernel;
  onRow?: (row: KernelRow) => void;
}

export interface KernelRow {
  kernel: string;
  shape: string;
  /** The op's tiling choice, or the pipeline keys it dispatched. */
  variant: string;
  /** 'gpu': timestamp-query around the compute pass; 'wall': wall clock around submit and backend.sync(). */
  clock: 'gpu' | 'wall';
  /** Back-to-back calls per measurement; ms is per call. */
  calls: number;
  ms: number;
  rate: number;
  unit: 'GFLOP/s' | 'GB/s';
  tfjsMs?: number;
}

export interface KernelBenchResult {
  adapter: string;
  isSoftware: boolean;
  timestamps: boolean;
  repeats: number;
  /** The 1-minute load average and core count at the end: a busy machine slows every row. */
  load: { average: number; cores: number };
  rows: KernelRow[];
}

export function kernelCases(convKernel?: Conv2dKernel): KernelCase[] {
  const layers = LAYERS.flatMap((l, i) => {
    const name = `conv${i + 1}`;
    return [...convCases(l, name, convKernel), reluCase(l, name), ...(i < 3 ? maxPoolCases(l, name) : [])];
  });
  return [...layers, ...tailCases(), ...extraCases(), ...featureCases()];
}

export async function runKernelBench(backend: WebGpuBackend, options: KernelBenchOptions = {}): Promise<KernelBenchResult> {
  const repeats = options.repeats ?? 5;
  const filter = options.filter?.toLowerCase() ?? '';
  const cases = kernelCases(options.convKernel).filter((c) => `${c.kernel} ${c.shape}`.toLowerCase().includes(filter));
  if (cases.length === 0) throw new Error(`kernel bench: no row matches --filter ${options.filter}`);
  const tf = options.tfjs && cases.some((c) => c.tfjs) ? await loadTfjs() : null;
  const rows: KernelRow[] = [];
  for (const c of cases) {
    const row = await benchCase(backend, c, repeats, tf);
    options.onRow?.(row);
    rows.push(row);
  }
  const report = backend.runtime.report;
  const load = { average: loadavg()[0], cores: cpus().length };
  return { adapter: adapterName(report), isSoftware: report.isSoftware, timestamps: backend.runtime.hasTimestamps, repeats, load, rows };
}

async function benchCase(backend: WebGpuBackend, c: KernelCase, repeats: number, tf: Tfjs | null): Promise<KernelRow> {
  const runtime = backend.runtime;
  const small = c.setup(backend, true);
  const checked = traced(runtime, () => small.run());
  try {
    await small.validate(checked.result);
  } finally {
    checked.result.forEach((t) => t.dispose());
    small.dispose();
  }

  const bench = c.setup(backend, false);
  try {
    // The first run compiles the pipelines: it is the warm-up.
    const first = traced(runtime, () => bench.run().forEach((t) => t.dispose()));
    await backend.sync();
    const [validated, timed] = [checked.keys, first.keys].map((keys) => [...new Set(keys.map((k) => k.split('{')[0]))].join(', '));
    if (validated !== timed) throw new Error(`${c.kernel}: validation ran [${validated}] but the benchmarked shape runs [${timed}]`);
    // timeGpu can only time one compute pass, which a copy or clear would end; tfjs is timed on the wall clock.
    const clock = runtime.hasTimestamps && !first.transfers && !(tf && c.tfjs) ? 'gpu' : 'wall';
    const measure = (calls: number) => async () => {
      const record = () => {
        for (let i = 0; i < calls; i++) bench.run().forEach((t) => t.dispose());
      };
      const ms = clock === 'gpu' ? ((await runtime.timeGpu(record)) as number) : await wallMs(() => (record(), backend.sync()));
      return ms / calls;
    };
    // Kernels far shorter than the clock's resolution (Dawn quantizes timestamps: 65.5 µs steps on lavapipe)
    // or than a submit are timed as back-to-back calls, as a training step runs them.
    const once = await measure(1)();
    const calls = once >= MIN_MEASURE_MS ? 1 : Math.min(MAX_CALLS, Math.ceil(MIN_MEASURE_MS / Math.max(once, 0.01)));
    const ms = await bestOf(measure(calls), repeats, 0);
    const [amount, unit] = 'flops' in c.work ? [c.work.flops, 'GFLOP/s' as const] : [c.work.bytes, 'GB/s' as const];
    return {
      kernel: c.kernel,
      shape: c.shape,
      variant: c.variant?.(backend) ?? first.keys.join(' + '),
      clock,
      calls,
      ms,
      rate: amount / (ms * 1e6),
      unit,
      tfjsMs: tf && c.tfjs ? await timeTfjsConv(tf, c.tfjs, repeats) : undefined,
    };
  } finally {
    bench.dispose();
  }
}

/**
 * Calls `record`, noting the pipelines it dispatches and whether it copies or clears a buffer (uploads do),
 * by wrapping the runtime's recording methods for the duration.
 */
function traced<T>(runtime: GpuRuntime, record: () => T): { result: T; keys: string[]; transfers: boolean } {
  const { run, copy, clear, upload } = runtime;
  const keys: string[] = [];
  let transfers = false;
  runtime.run = (call) => {
    keys.push(pipelineKey(call.shader, call.entry ?? 'main', call.constants ?? {}));
    run.call(runtime, call);
  };
  runtime.copy = (...args) => {
    transfers = true;
    copy.apply(runtime, args);
  };
  runtime.clear = (...args) => {
    transfers = true;
    clear.apply(runtime, args);
  };
  runtime.upload = (...args) => {
    transfers = true; // a direct writeBuffer here, but a copy inside timeGpu's open pass
    upload.apply(runtime, args);
  };
  try {
    const result = record();
    return { result, keys: [...new Set(keys)], transfers };
  } finally {
    Object.assign(runtime, { run, copy, clear, upload });
  }
}

export function formatKernelTable(result: KernelBenchResult): string {
  const tfjs = result.rows.some((r) => r.tfjsMs !== undefined);
  const header = ['kernel', 'shape', 'ms', 'rate', 'clock', ...(tfjs ? ['ours/tfjs'] : []), 'tiling / variant'];
  const cells = result.rows.map((r) => [
    r.kernel,
    r.shape,
    r.ms.toFixed(r.ms < 10 ? 3 : 1),
    `${r.rate.toFixed(r.rate < 10 ? 2 : 1)} ${r.unit}`,
    r.calls > 1 ? `${r.clock} x${r.calls}` : r.clock,
    ...(tfjs ? [r.tfjsMs === undefined ? '' : `${(r.ms / r.tfjsMs).toFixed(2)} (${r.tfjsMs.toFixed(1)} ms)`] : []),
    r.variant,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  // Numbers right-aligned; the last column is left ragged.
  const numeric = new Set(['ms', 'rate']);
  const line = (row: string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : numeric.has(header[i]) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ');
  return [
    `adapter: ${result.adapter} (${result.isSoftware ? 'software adapter' : 'hardware adapter'})`,
    `every row validated against its float64 reference first; best of ${result.repeats} after a warm-up; load average ${result.load.average.toFixed(1)} on ${result.load.cores} cores`,
    `clock: gpu = timestamp-query over the kernels' compute pass${result.timestamps ? '' : ' (not on this adapter)'}; wall = wall clock around submit + backend.sync() (passes with uploads, or --tfjs rows)`,
    'x N: N back-to-back calls per measurement (short kernels), ms per call',
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}
