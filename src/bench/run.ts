// `ser-gpu bench`: the ceiling first, then the chosen suites on one backend, each figure validated before it is
// timed, and (with peers) the same work in TensorFlow.js, PyTorch and librosa in the same run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { defaultSettings } from '../app/recipe.js';
import type { Backend } from '../backend/types.js';
import type { Conv2dKernel } from '../ops/conv2d.js';
import { DEFAULT_DATA, runFeatureSuite, type FeatureResult } from './features.js';
import { runInferSuite, type InferResult } from './infer.js';
import { runKernelSuite, type KernelCase, type KernelRow, type KernelSuiteResult } from './kernels/index.js';
import { isSkipped, loadTfjsPeer, type Skipped, type TfjsPeer } from './peers.js';
import { benchSystem, type BenchSystem } from './system.js';
import { runTrainSuite, type TrainResult } from './train.js';

export const SUITES = ['kernels', 'features', 'train', 'infer'] as const;
export type Suite = (typeof SUITES)[number];
export const RESULT_SCHEMA = 'ser-gpu-bench/1';

export interface BenchOptions {
  suites: readonly Suite[];
  /** Timed repeats per figure after the warm-up (default 5 on WebGPU, 3 on gpu.js). */
  repeats?: number;
  peers: boolean;
  /** Kernel rows whose name or shape contains this. */
  filter?: string;
  convKernel?: Conv2dKernel;
  /** Kernel rows instead of the default ones (tests). */
  kernelCases?: KernelCase[];
  /** Corpus of the features suite and the cold-start clip (default ../shared/data/ravdess). */
  data?: string[];
  /** Clips of the features suite (default: all on WebGPU, 32 on gpu.js). */
  limit?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface BenchResult {
  schema: typeof RESULT_SCHEMA;
  date: string;
  suites: Suite[];
  system: BenchSystem;
  /** How kernel rows were timed: GPU timestamps where the adapter has them, else the wall clock. */
  clock: string;
  repeats: number;
  kernels: KernelSuiteResult;
  features?: FeatureResult | Skipped;
  train?: TrainResult;
  infer?: InferResult;
  /** Peers asked for, and which loaded. */
  peers: { requested: boolean; tfjs?: string };
}

export async function runBench(backend: Backend, o: BenchOptions): Promise<BenchResult> {
  const log = o.log ?? (() => {});
  const cpu = backend.kind === 'cpu';
  const repeats = o.repeats ?? (cpu ? 3 : 5);
  const system = benchSystem(backend);
  const timestamps = backend.kind === 'webgpu' && backend.runtime.hasTimestamps;
  const clock = timestamps
    ? 'kernels: GPU timestamp-query around their compute pass (rows with uploads: wall clock + full sync); suites: wall clock + full sync'
    : backend.kind === 'webgpu'
      ? 'wall clock around submit + a full device sync (the adapter has no timestamp-query)'
      : 'wall clock (gpu.js runs synchronously on the CPU)';

  let tfjs: TfjsPeer | Skipped = { skipped: 'not requested' };
  if (o.peers) {
    tfjs = backend.kind === 'webgpu' ? await loadTfjsPeer() : { skipped: 'TensorFlow.js WebGPU compares with --backend webgpu only' };
    log(isSkipped(tfjs) ? `peers: tfjs skipped: ${tfjs.skipped}` : `peers: ${tfjs.name} on ${tfjs.adapter}`);
  }
  const peers = o.peers ? { tfjs, torch: true } : undefined;

  log('ceiling' + (o.suites.includes('kernels') ? ' and kernels' : ''));
  const kernels = await runKernelSuite(backend, {
    repeats,
    filter: o.filter,
    convKernel: o.convKernel,
    cases: o.suites.includes('kernels') ? o.kernelCases : [],
    convPeer: !isSkipped(tfjs) ? { name: tfjs.name, time: tfjs.timeConv } : undefined,
    onRow: (r: KernelRow) => log(`  ${r.kernel} ${r.shape}: ${r.ms ? `${r.ms.median.toFixed(3)} ms` : `validation FAILED: ${r.validation}`}`),
  });
  const result: BenchResult = {
    schema: RESULT_SCHEMA,
    date: new Date().toISOString(),
    suites: [...o.suites],
    system,
    clock,
    repeats,
    kernels,
    peers: { requested: o.peers, ...(o.peers && { tfjs: isSkipped(tfjs) ? `skipped: ${tfjs.skipped}` : `${tfjs.name} (${tfjs.adapter})` }) },
  };

  const data = o.data ?? [DEFAULT_DATA];
  const dataExists = data.every((d) => existsSync(d.replace(/\.zip:.*$/i, '.zip')));
  if (o.suites.includes('features')) {
    log('features');
    result.features = dataExists
      ? await runFeatureSuite(backend, { data, limit: o.limit ?? (cpu ? 32 : undefined), batchSize: 32, peers: o.peers })
      : { skipped: `no corpus at ${data.join(', ')} (--data)` };
  }
  if (o.suites.includes('train')) {
    log('train');
    // The batch `ser-gpu train` steps with (gpu.js: 2, which it finishes in minutes).
    result.train = await runTrainSuite(backend, { batch: cpu ? 2 : defaultSettings().batchSize, epochClips: cpu ? 8 : 960, repeats, peers });
  }
  if (o.suites.includes('infer')) {
    log('infer');
    result.infer = await runInferSuite(backend, { batch: cpu ? 4 : 64, repeats, clip: dataExists ? firstAudio(data[0]) : null, peers });
  }
  system.load.end = loadavg();
  if (!isSkipped(tfjs)) await tfjs.dispose();
  return result;
}

/** The first audio file (sorted) under a folder, or the file itself. */
function firstAudio(path: string): string | null {
  if (!statSync(path).isDirectory()) return path;
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) {
      const found = firstAudio(full);
      if (found) return found;
    } else if (/\.(wav|flac)$/i.test(name)) return full;
  }
  return null;
}

/** Every figure of ours that failed its validation (peers excluded), by name. */
export function failedValidations(r: BenchResult): string[] {
  const failed = r.kernels.rows.filter((row) => row.validation !== 'ok').map((row) => `kernel ${row.kernel}`);
  if (r.features && !isSkipped(r.features)) for (const s of ['logmel', 'mfcc'] as const) if (r.features[s].validation !== 'ok') failed.push(`features ${s}`);
  if (r.train && r.train.validation !== 'ok') failed.push('train');
  if (r.infer && r.infer.validation !== 'ok') failed.push('infer');
  return failed;
}
