// The infer suite: the default model's eval forward (Model.predictLogits) plus the softmax kernel, read back:
// warm latency of one clip, throughput at batch 64, and cold latency (a new `ser-gpu predict` process). The
// logits are first checked against the float64 reference forward; peers run the same weights.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../backend/types.js';
import { PACKAGE_ROOT } from '../gpu/shaders.js';
import { defaultModelSpec } from '../nn/default-model.js';
import { Model } from '../nn/model.js';
import { exportStateDict, type StateDict } from '../nn/state-dict.js';
import { softmax, softmaxReference } from '../ops/scores.js';
import type { Tensor } from '../tensor.js';
import { syntheticBatch } from './batch.js';
import { summarise, timeRepeats, wallMs, type Timing } from './measure.js';
import { isSkipped, pythonLacks, runPythonPeer, withTensorFile, type Skipped, type TfjsPeer } from './peers.js';
import { referenceLogits } from './reference-forward.js';
import type { PeerRow } from './train.js';
import { expectClose } from '../expect-close.js';

export interface InferSuiteOptions {
  /** Clips of the throughput batch (64 on WebGPU). */
  batch: number;
  repeats: number;
  /** A real clip for the cold-start process; null skips that row. */
  clip: string | null;
  peers?: { tfjs: TfjsPeer | Skipped; torch: boolean };
}

export interface InferResult {
  batch: number;
  validation: string;
  warm?: { ms: Timing };
  throughput?: { ms: Timing; clipsPerSecond: number };
  /** A new process answering for one clip: its wall time, or why it could not run. */
  cold: { ms: Timing; command: string } | { unavailable: string };
  peers: PeerRow[];
}

/** f32 logits of ~600-term sums against float64, and one clip's row inside a batch against the clip alone. */
const TOL = { atol: 1e-4, rtol: 1e-4 };
const PEER_TOL = { atol: 1e-3, rtol: 1e-3 };
const COLD_REPEATS = 3;

export async function runInferSuite(backend: Backend, o: InferSuiteOptions): Promise<InferResult> {
  const spec = defaultModelSpec();
  const [, mels, frames] = spec.input;
  const inputShape = (n: number) => [n, 1, mels, frames];
  const model = new Model(backend, spec, { seed: 1 });
  const weights = await exportStateDict(model);
  const big = syntheticBatch({ batch: o.batch, mels, frames, classes: 8 }, 11);
  const one = big.x.subarray(0, mels * frames);
  const result: InferResult = { batch: o.batch, validation: '', cold: { unavailable: 'not run' }, peers: [] };
  const x1 = backend.upload(one, inputShape(1));
  const xb = backend.upload(big.x, inputShape(o.batch));
  try {
    const want = referenceLogits(spec, weights, one, 1);
    try {
      const single = await predict(model, x1);
      expectClose(single.logits, want, TOL, 'logits of one clip vs the float64 reference');
      expectClose(single.probs, softmaxReference(want, want.length), TOL, 'probabilities of one clip vs the float64 reference');
      const batched = await predict(model, xb);
      expectClose(batched.logits.subarray(0, want.length), want, TOL, `logits of clip 0 in a batch of ${o.batch} vs the float64 reference`);
      result.validation = 'ok';
    } catch (error) {
      result.validation = (error as Error).message.split('\n')[0];
      return result;
    }
    result.warm = { ms: await timeRepeats(() => wallMs(() => predict(model, x1)), o.repeats) };
    const ms = await timeRepeats(() => wallMs(() => predict(model, xb)), o.repeats);
    result.throughput = { ms, clipsPerSecond: (1000 * o.batch) / ms.median };
  } finally {
    x1.dispose();
    xb.dispose();
    model.dispose();
  }
  result.cold = o.clip ? coldLatency(backend.kind, o.clip) : { unavailable: 'no clip (the data folder is missing)' };
  if (o.peers) result.peers = await inferPeers(o, weights, big.x, one);
  return result;
}

/** Logits and probabilities [N, classes] of x, read back: the eval forward and the softmax kernel. */
async function predict(model: Model, x: Tensor): Promise<{ logits: Float32Array; probs: Float32Array }> {
  const logits = model.predictLogits(x);
  const probs = softmax(model.backend, logits);
  const [l, p] = await Promise.all([logits.read(), probs.read()]);
  logits.dispose();
  probs.dispose();
  return { logits: l as Float32Array, probs: p as Float32Array };
}

/** `node bin/ser-gpu.js predict <clip> --json` in a new process: start-up, adapter, model load, one answer. */
function coldLatency(kind: Backend['kind'], clip: string): InferResult['cold'] {
  const bin = join(PACKAGE_ROOT, 'bin', 'ser-gpu.js');
  if (!existsSync(join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js'))) return { unavailable: 'dist/ is not built (npm run build): bin/ser-gpu.js runs dist/' };
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  if (!/^\s*ser-gpu predict\b/m.test(help.stdout)) return { unavailable: 'no predict command' };
  const args = [bin, 'predict', clip, '--json', '--backend', kind];
  const samples: number[] = [];
  for (let i = 0; i < COLD_REPEATS; i++) {
    const start = performance.now();
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
    samples.push(performance.now() - start);
    if (run.status !== 0) return { unavailable: `predict exited ${run.status}: ${run.stderr.trim().split('\n').pop()}` };
    try {
      JSON.parse(run.stdout);
    } catch {
      return { unavailable: 'predict --json did not print JSON' };
    }
  }
  return { ms: summarise(samples), command: `node bin/ser-gpu.js predict ${clip} --json --backend ${kind}` };
}

async function inferPeers(o: InferSuiteOptions, weights: StateDict, xb: Float32Array, one: Float32Array): Promise<PeerRow[]> {
  const spec = defaultModelSpec();
  const ours = referenceLogits(spec, weights, one, 1);
  const agree = (theirs: ArrayLike<number>) => {
    try {
      expectClose(theirs, ours, PEER_TOL, 'peer logits of one clip vs the float64 reference');
      return 'ok';
    } catch (error) {
      return (error as Error).message.split('\n')[0];
    }
  };
  const rows: PeerRow[] = [];
  const tfjs = o.peers!.tfjs;
  if (isSkipped(tfjs)) rows.push({ name: 'TensorFlow.js WebGPU', validation: tfjs.skipped, skipped: true });
  else {
    const peer = await tfjs.predictor(spec, weights);
    try {
      const validation = agree(await peer.logits(one, 1));
      if (validation !== 'ok') rows.push({ name: tfjs.name, validation });
      else {
        const latency = await timeRepeats(() => peer.probabilitiesMs(one, 1), o.repeats);
        const batch = await timeRepeats(() => peer.probabilitiesMs(xb, o.batch), o.repeats);
        rows.push({ name: `${tfjs.name} (${tfjs.adapter})`, validation, latencyMs: latency.median, ms: batch.median, clipsPerSecond: (1000 * o.batch) / batch.median });
      }
    } finally {
      peer.dispose();
    }
  }
  if (o.peers!.torch) {
    const lacks = pythonLacks(['torch', 'safetensors']);
    if (lacks) rows.push({ name: 'PyTorch CPU', validation: lacks, skipped: true });
    else {
      const extra = { x1: { shape: [1, 1, spec.input[1], spec.input[2]], data: one.slice() }, x64: { shape: [o.batch, 1, spec.input[1], spec.input[2]], data: xb } };
      const r = withTensorFile(weights, extra, (path) =>
        runPythonPeer<{ tool: string; logits: number[]; latency_ms: number; batch_ms: number; clips_per_s: number }>('torch_model.py', ['infer', '--tensors', path, '--repeats', o.repeats]));
      const validation = agree(r.logits);
      rows.push({ name: r.tool, validation, ...(validation === 'ok' && { latencyMs: r.latency_ms, ms: r.batch_ms, clipsPerSecond: r.clips_per_s }) });
    }
  }
  return rows;
}
