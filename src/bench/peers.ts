// The peers of `ser-gpu bench --peers`, which live outside the package in bench/peers/ (dev-only): TensorFlow.js
// on WebGPU (same adapter, through the same Dawn binding) and Python scripts (PyTorch, librosa). Each loads when
// present and is skipped with a note otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../gpu/shaders.js';
import type { StateDict } from '../nn/state-dict.js';
import type { ModelSpec } from '../nn/spec.js';
import { writeSafetensors, type SafeArray } from '../io/safetensors.js';
import type { ConvPeer } from './kernels/suite.js';

export const PEERS_DIR = join(PACKAGE_ROOT, 'bench', 'peers');

export type Skipped = { skipped: string };
export const isSkipped = (x: unknown): x is Skipped => typeof x === 'object' && x !== null && 'skipped' in x;

export interface StepTiming {
  msPerStep: number;
  clipsPerSecond: number;
}

/** A framework set up to train the model from given weights on one batch. */
export interface TrainingPeer {
  stepWithLoss(): Promise<number>;
  /** `repeats` steps back to back, waiting only for the last. */
  time(repeats: number): Promise<StepTiming>;
  dispose(): void;
}

/** A framework set up to run the model's eval forward and softmax. */
export interface InferencePeer {
  /** Logits [batch, classes] of x. */
  logits(x: Float32Array, batch: number): Promise<Float32Array>;
  /** Milliseconds of one forward + softmax of x, waiting for the probabilities. */
  probabilitiesMs(x: Float32Array, batch: number): Promise<number>;
  dispose(): void;
}

/** What bench/peers/tfjs.ts exports. */
export interface TfjsPeer {
  name: string;
  adapter: string;
  trainer(spec: ModelSpec, weights: StateDict, x: Float32Array, labels: Int32Array): Promise<TrainingPeer>;
  predictor(spec: ModelSpec, weights: StateDict): Promise<InferencePeer>;
  timeConv: ConvPeer;
  /** Destroys tfjs's device, which would keep Node alive. */
  dispose(): Promise<void>;
}

/**
 * TensorFlow.js on WebGPU. bench/peers/tfjs.ts is TypeScript outside dist/, loaded through tsx's loader (a dev
 * dependency, as tfjs is), so it loads alike from `npx ser-gpu` and from `tsx src/cli/main.ts`.
 */
export async function loadTfjsPeer(): Promise<TfjsPeer | Skipped> {
  const file = join(PEERS_DIR, 'tfjs.ts');
  if (!existsSync(file)) return { skipped: `${file} is missing (bench/peers is in the repository, not in the npm package)` };
  try {
    const { tsImport } = (await import('tsx/esm/api')) as { tsImport: (url: string, parent: string) => Promise<{ loadTfjsPeer(): Promise<TfjsPeer> }> };
    const module = await tsImport(pathToFileURL(file).href, import.meta.url);
    return await module.loadTfjsPeer();
  } catch (error) {
    return { skipped: `TensorFlow.js peer not available (npm install the dev dependencies: tsx, @tensorflow/tfjs-core, @tensorflow/tfjs-backend-webgpu): ${(error as Error).message.split('\n')[0]}` };
  }
}

/**
 * The Python that runs the Python peers: $SER_GPU_PYTHON, else the repository's .venv (test/golden's set-up),
 * else python3 on PATH.
 */
export function pythonExecutable(): string {
  if (process.env.SER_GPU_PYTHON) return process.env.SER_GPU_PYTHON;
  const venv = join(PACKAGE_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** Why `modules` cannot be imported by the peers' Python, or null when they can. */
export function pythonLacks(modules: readonly string[]): string | null {
  const python = pythonExecutable();
  const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop();
  return `${python} lacks ${modules.join(' or ')} (${why}); set SER_GPU_PYTHON to a Python that has them`;
}

/** Runs bench/peers/<script> and parses the JSON object its last line prints. */
export function runPythonPeer<T>(script: string, args: readonly (string | number)[]): T {
  const python = pythonExecutable();
  const run = spawnSync(python, [join(PEERS_DIR, script), ...args.map(String)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.error?.message ?? run.stderr.trim().split('\n').pop()}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}

/** The default model under PyTorch's state-dict names plus `extra` tensors, in a temporary safetensors file. */
export function withTensorFile<T>(weights: StateDict, extra: Record<string, { shape: number[]; data: SafeArray }>, body: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ser-gpu-bench-'));
  try {
    const path = join(dir, 'tensors.safetensors');
    const tensors: Record<string, { shape: readonly number[]; data: SafeArray }> = { ...extra };
    for (const [name, t] of Object.entries(weights)) tensors[`model.${name}`] = t;
    writeSafetensors(path, tensors);
    return body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
