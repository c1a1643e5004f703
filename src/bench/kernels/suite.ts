// The kernel suite: the ceiling rows first, then every kernel of the default model's training step (input
// [32,1,64,188]; conv3x3 16-32-64-128 with ReLU and max-pools, global average pool, dense 128->8, softmax
// cross-entropy, Adam), the families the step does not use, and the feature front end. Each row is first
// validated against the op's float64 reference on a small shape that runs the same kernels, then timed
// after a warm-up; a row that fails validation is reported with its error and not timed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend, WebGpuBackend } from '../../backend/types.js';
import { PACKAGE_ROOT } from '../../gpu/shaders.js';
import { pipelineKey, type GpuRuntime } from '../../gpu/runtime.js';
import type { Conv2dKernel } from '../../ops/conv2d.js';
import { timeRepeats, wallMs, type Timing } from '../measure.js';
import type { KernelCase, Work } from './case.js';
import { CEILING_FLOPS, DISPATCH_COST, ceilingCases, ceilingScale, isBandwidthCeiling } from './ceiling-cases.js';
import { convCases, LAYERS } from './conv-cases.js';
import { featureCases } from './feature-cases.js';
import { moreCases } from './more-cases.js';
import { extraCases, maxPoolCases, reluCase, tailCases } from './network-cases.js';

/** A measurement shorter than this is repeated back to back, at most MAX_CALLS times. */
const MIN_MEASURE_MS = 20;
const MAX_CALLS = 1000;
/** Below this fraction of its ceiling a row is called far from it, and the output says why. */
export const FAR_FRACTION = 0.5;

/** The peer's time of the same conv pass (TensorFlow.js on the same adapter), on the wall clock. */
export type ConvPeer = (spec: NonNullable<KernelCase['tfjs']>, repeats: number) => Promise<number>;

export interface KernelSuiteOptions {
  repeats: number;
  /** Only rows whose kernel name or shape contains this (case-insensitive); the ceiling rows always run. */
  filter?: string;
  /** Forces one conv2d forward / backward-input kernel instead of the adapter's choice. */
  convKernel?: Conv2dKernel;
  /** Rows to run instead of the default ones (after the ceiling; [] for the ceiling alone); tests inject failing references here. */
  cases?: KernelCase[];
  convPeer?: { name: string; time: ConvPeer };
  /** Progress: each row as soon as it is measured (before its ceiling fraction is known). */
  onRow?: (row: KernelRow) => void;
}

export interface KernelRow {
  kernel: string;
  shape: string;
  /** shaders/<family>.wgsl files the row dispatched (WebGPU only). */
  families: string[];
  /** The op's tiling choice, or the pipeline keys it dispatched. */
  variant: string;
  /** 'ok', or why the result disagreed with the float64 reference (then nothing was timed). */
  validation: string;
  /** 'gpu': timestamp-query around the compute pass; 'wall': wall clock around submit and a full sync. */
  clock?: 'gpu' | 'wall';
  /** Back-to-back calls per measurement; times are per call. */
  calls?: number;
  /** Dispatches one call records (WebGPU). */
  dispatches?: number;
  ms?: Timing;
  /** What limits the row: FLOPs, or bytes (memory rows, and compute rows of low intensity: the roofline). */
  bound: 'flops' | 'bytes';
  /** FLOPs per byte of the least traffic, for compute rows that state it. */
  intensity?: number;
  /** GFLOP/s or GB/s at the median time. */
  rate?: number;
  unit: 'GFLOP/s' | 'GB/s';
  /** rate / the attainable rate of the row's bound (for a bandwidth-bound compute row: intensity x bandwidth). */
  fraction?: number;
  /** Why a row is far from its ceiling. */
  far?: string;
  peer?: { name: string; ms: number; oursWallMs: number };
}

export interface KernelSuiteResult {
  repeats: number;
  timestamps: boolean;
  /** FMA peak, best bandwidth (and the ceiling row that reached it), one tiny dispatch. */
  ceiling: { gflops: number | null; gbps: number | null; gbpsFrom: string | null; dispatchMs: number | null };
  rows: KernelRow[];
  /** Shader families some row dispatched, and those none did (WebGPU only). */
  families: { covered: string[]; missing: string[] } | null;
}

/** The shapes of the default cases: the model's at batch 32 on WebGPU, small ones that gpu.js finishes in minutes. */
export function defaultKernelCases(backend: Backend, convKernel?: Conv2dKernel): KernelCase[] {
  const [batch, clips, matmuls] = backend.kind === 'webgpu' ? [32, 32, [256, 512]] : [2, 2, [128]];
  const layers = LAYERS.flatMap((l, i) => {
    const name = `conv${i + 1}`;
    return [...convCases(l, name, batch, convKernel), reluCase(l, name, batch), ...(i < 3 ? maxPoolCases(l, name, batch) : [])];
  });
  return [...layers, ...tailCases(batch), ...extraCases(batch, matmuls), ...moreCases(batch, clips), ...featureCases(clips)];
}

export async function runKernelSuite(backend: Backend, options: KernelSuiteOptions): Promise<KernelSuiteResult> {
  const filter = options.filter?.toLowerCase() ?? '';
  const software = backend.kind === 'webgpu' && backend.adapter.isSoftware;
  const scale = ceilingScale(backend.kind, software);
  if (backend.kind === 'webgpu') scale.copyVec4s = Math.min(scale.copyVec4s, backend.adapter.limits.maxStorageBufferBindingSize / 16);
  const cases = (options.cases ?? defaultKernelCases(backend, options.convKernel)).filter((c) => `${c.kernel} ${c.shape}`.toLowerCase().includes(filter));
  if (filter && cases.length === 0) throw new Error(`bench: no kernel row matches --filter ${options.filter}`);
  const rows: KernelRow[] = [];
  for (const c of [...ceilingCases(scale), ...cases]) {
    const row = await benchCase(backend, c, options.repeats);
    if (row.validation === 'ok' && c.tfjs && options.convPeer && backend.kind === 'webgpu') {
      const ms = await options.convPeer.time(c.tfjs, options.repeats);
      row.peer = { name: options.convPeer.name, ms, oursWallMs: await wallTimeOf(backend, c, options.repeats) };
    }
    options.onRow?.(row);
    rows.push(row);
  }
  const flops = rows.find((r) => r.kernel === CEILING_FLOPS && r.rate !== undefined);
  const bandwidth = rows.filter((r) => isBandwidthCeiling(r.kernel) && r.rate !== undefined).sort((a, b) => b.rate! - a.rate!)[0];
  const dispatch = rows.find((r) => r.kernel === DISPATCH_COST && r.ms);
  const ceiling = { gflops: flops?.rate ?? null, gbps: bandwidth?.rate ?? null, gbpsFrom: bandwidth?.kernel ?? null, dispatchMs: dispatch?.ms ? dispatch.ms.median : null };
  const works = new Map(cases.map((c) => [c.kernel + c.shape, c.work]));
  for (const row of rows) {
    classify(row, works.get(row.kernel + row.shape), ceiling, backend.kind, software);
  }
  const timestamps = backend.kind === 'webgpu' && backend.runtime.hasTimestamps;
  return { repeats: options.repeats, timestamps, ceiling, rows, families: backend.kind === 'webgpu' ? familyCoverage(rows) : null };
}

/**
 * The row's fraction of its ceiling: the FMA peak or the bandwidth, or for a compute row that states its bytes,
 * the roofline min(peak, intensity x bandwidth), which makes a low-intensity shape bandwidth-bound. Far rows
 * get the likely reason.
 */
function classify(row: KernelRow, work: Work | undefined, ceiling: KernelSuiteResult['ceiling'], kind: Backend['kind'], software: boolean): void {
  if (row.rate === undefined || row.kernel.startsWith('ceiling:') || !work) return;
  let attainable = row.bound === 'flops' ? ceiling.gflops : ceiling.gbps;
  if ('flops' in work && work.bytes && ceiling.gflops && ceiling.gbps) {
    row.intensity = work.flops / work.bytes;
    if (row.intensity * ceiling.gbps < ceiling.gflops) {
      row.bound = 'bytes';
      attainable = row.intensity * ceiling.gbps;
    }
  }
  if (!attainable) return;
  row.fraction = row.rate / attainable;
  if (row.fraction >= FAR_FRACTION || !row.ms) return;
  if (kind === 'cpu') {
    row.far = 'gpu.js: a JavaScript loop per output element with bounds-checked array reads, against the FMA loop of the ceiling';
    return;
  }
  const perDispatch = row.ms.median / Math.max(1, row.dispatches ?? 1);
  if (ceiling.dispatchMs !== null && perDispatch < 4 * ceiling.dispatchMs) {
    row.far = `launch-bound: ${row.dispatches ?? 1} dispatch(es) of ${(1000 * perDispatch).toFixed(0)} µs, within 4x of a tiny dispatch's ${(1000 * ceiling.dispatchMs).toFixed(0)} µs (small shape)`;
  } else if (row.intensity !== undefined && row.bound === 'bytes') {
    row.far = `bandwidth-bound shape (${row.intensity.toFixed(1)} FLOP/byte, below the machine balance of ${(ceiling.gflops! / ceiling.gbps!).toFixed(1)}), and below that bandwidth: re-reads of inputs beyond the minimum traffic`;
  } else if (row.bound === 'flops' && software) {
    // Measured on lavapipe, and read in Mesa 25.0.7's gallivm (lp_bld_nir_soa.c: emit_load_mem, lp_exec_mask_store):
    // shaders/conv2d.wgsl, matmul_subgroup.wgsl and src/ops/conv2d.ts say which tiles and why.
    row.far =
      'compute-bound below the FMA peak: a software adapter (lavapipe, Mesa 25.0, by its source) loads storage lane by lane, a branch and a bounds check per lane and component, wherever an offset depends on more than constants, and blends every value a loop carries on each trip; tiles that share more loads no longer unroll or spill their accumulators';
  } else if (row.bound === 'flops') {
    row.far = 'compute-bound below the FMA peak: loads per FMA and the tiling, not the launch';
  } else {
    row.far = 'memory-bound, not launch-bound, below the best ceiling copy or read: scalar (not vec4) access, index math or a strided pattern per element';
  }
}

function familyCoverage(rows: KernelRow[]): { covered: string[]; missing: string[] } {
  const covered = [...new Set(rows.flatMap((r) => r.families))].sort();
  const all = readdirSync(join(PACKAGE_ROOT, 'shaders')).filter((f) => f.endsWith('.wgsl')).map((f) => f.slice(0, -5));
  return { covered, missing: all.filter((f) => !covered.includes(f)).sort() };
}

async function benchCase(backend: Backend, c: KernelCase, repeats: number): Promise<KernelRow> {
  const [bound, unit] = 'flops' in c.work ? (['flops', 'GFLOP/s'] as const) : (['bytes', 'GB/s'] as const);
  const base = { kernel: c.kernel, shape: c.shape, families: [] as string[], variant: '', bound, unit };
  const small = c.setup(backend, true);
  const checked = traced(backend, () => small.run());
  try {
    await small.validate(checked.result);
  } catch (error) {
    return { ...base, validation: (error as Error).message.split('\n')[0] };
  } finally {
    checked.result.forEach((t) => t.dispose());
    small.dispose();
  }

  const bench = c.setup(backend, false);
  try {
    // The first run compiles the pipelines: it is the warm-up.
    const first = traced(backend, () => bench.run().forEach((t) => t.dispose()));
    await backend.sync();
    const families = [...new Set(first.keys.map((k) => k.split(':')[0]))];
    const [validated, timed] = [checked.keys, first.keys].map((keys) => [...new Set(keys.map((k) => k.split('{')[0]))].join(', '));
    if (validated !== timed) return { ...base, families, validation: `validation ran [${validated}] but the benchmarked shape runs [${timed}]` };
    // timeGpu times one compute pass, which a copy, clear or upload would end.
    const runtime = backend.kind === 'webgpu' ? backend.runtime : null;
    const clock = runtime?.hasTimestamps && !first.transfers ? 'gpu' : 'wall';
    const measure = (calls: number) => async () => {
      const record = () => {
        for (let i = 0; i < calls; i++) bench.run().forEach((t) => t.dispose());
      };
      const ms = clock === 'gpu' ? ((await runtime!.timeGpu(record)) as number) : await wallMs(() => (record(), backend.sync()));
      return ms / calls;
    };
    // Kernels far shorter than the clock's resolution (Dawn quantizes timestamps: 65.5 µs steps on lavapipe)
    // or than a submit are timed as back-to-back calls, as a training step runs them.
    const once = await measure(1)();
    const calls = once >= MIN_MEASURE_MS ? 1 : Math.min(MAX_CALLS, Math.ceil(MIN_MEASURE_MS / Math.max(once, 0.01)));
    const ms = await timeRepeats(measure(calls), repeats, 0);
    const amount = 'flops' in c.work ? c.work.flops : c.work.bytes;
    return {
      ...base,
      families,
      variant: (backend.kind === 'webgpu' && c.variant?.(backend)) || first.keys.join(' + ') || 'gpu.js kernel',
      validation: 'ok',
      clock,
      calls,
      ...(runtime && { dispatches: first.dispatches }),
      ms,
      rate: amount / (ms.median * 1e6),
    };
  } finally {
    bench.dispose();
  }
}

/** Our wall-clock time of a case, as a wall-clock peer is timed (one call, waiting for it). */
async function wallTimeOf(backend: WebGpuBackend, c: KernelCase, repeats: number): Promise<number> {
  const bench = c.setup(backend, false);
  try {
    const t = await timeRepeats(() => wallMs(() => (bench.run().forEach((x) => x.dispose()), backend.sync())), repeats, 1);
    return t.median;
  } finally {
    bench.dispose();
  }
}

/**
 * Calls `record`, noting the pipelines it dispatches, how many dispatches, and whether it copies or clears a
 * buffer (uploads do), by wrapping the runtime's recording methods for the duration. gpu.js records nothing.
 */
function traced<T>(backend: Backend, record: () => T): { result: T; keys: string[]; dispatches: number; transfers: boolean } {
  if (backend.kind !== 'webgpu') return { result: record(), keys: [], dispatches: 0, transfers: false };
  const runtime: GpuRuntime = backend.runtime;
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
    return { result, keys: [...new Set(keys)], dispatches: keys.length, transfers };
  } finally {
    Object.assign(runtime, { run, copy, clear, upload });
  }
}
