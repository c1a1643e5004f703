// The train suite: one training step (forward, loss, backward, Adam) of the default model and one epoch of
// batches uploaded from the host, validated first: ser-gpu's first loss against the float64 reference forward
// of the same weights and batch, and, with peers, their first two losses from our weights against ours.
import type { Backend } from '../backend/types.js';
import { defaultModelSpec } from '../nn/default-model.js';
import { Model } from '../nn/model.js';
import { exportStateDict } from '../nn/state-dict.js';
import { Trainer } from '../train/trainer.js';
import { syntheticBatch, type BenchShape } from './batch.js';
import { timeRepeats, type Timing } from './measure.js';
import { isSkipped, pythonLacks, runPythonPeer, withTensorFile, type Skipped, type TfjsPeer, type TrainingPeer } from './peers.js';
import { referenceLoss } from './reference-forward.js';

export interface TrainSuiteOptions {
  /** Clips per step (on WebGPU the default recipe's, 16). */
  batch: number;
  /** Clips of the timed epoch, in batches of `batch` (960 on WebGPU). */
  epochClips: number;
  repeats: number;
  /** The TensorFlow.js peer (loaded once per run), and whether to run the PyTorch one. */
  peers?: { tfjs: TfjsPeer | Skipped; torch: boolean };
  /** Tests: perturbs the reference loss, to show that a failed validation is reported and not timed. */
  referenceOffset?: number;
}

export interface PeerRow {
  name: string;
  /** 'ok', why the peer's results disagreed with ours (then it was not timed), or why it was skipped. */
  validation: string;
  skipped?: boolean;
  /** Milliseconds of the peer's unit of work: a training step, a batch of inference, the corpus's features. */
  ms?: number;
  clipsPerSecond?: number;
  /** Inference peers: warm latency of one clip. */
  latencyMs?: number;
}

export interface TrainResult {
  shape: BenchShape;
  optimizer: string;
  validation: string;
  /** ms: one step waited for, over `repeats` steps; clipsPerSecond: `repeats` steps back to back. */
  step?: { ms: Timing; clipsPerSecond: number; peakBytes: number | null; dispatches: number | null };
  epoch?: { clips: number; steps: number; seconds: number; clipsPerSecond: number };
  peers: PeerRow[];
}

/** At most 4 clips: the float64 reference forward takes ~1 s per clip. */
const VALIDATION_CLIPS = 4;
/** f32 forward passes of ~600-term sums against float64: the loss agrees to ~1e-6; 1e-4 leaves room for the order. */
const REFERENCE_TOLERANCE = 1e-4;
/** Peers' first two losses (one Adam step between) in other summation orders. */
const PEER_TOLERANCE = 2e-3;
const SEED = 1;

export async function runTrainSuite(backend: Backend, o: TrainSuiteOptions): Promise<TrainResult> {
  const spec = defaultModelSpec();
  const [, mels, frames] = spec.input;
  const shape: BenchShape = { batch: o.batch, mels, frames, classes: 8 };
  const result: TrainResult = { shape, optimizer: 'Adam lr 1e-3', validation: '', peers: [] };

  // Validation: a fresh model of the same seed at a small batch, its first loss against float64.
  {
    const VALIDATION_BATCH = Math.min(VALIDATION_CLIPS, o.batch);
    const small = syntheticBatch({ ...shape, batch: VALIDATION_BATCH }, 7);
    const model = new Model(backend, spec, { seed: SEED });
    const weights = await exportStateDict(model);
    const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 1e-3 } });
    const x = backend.upload(small.x, [VALIDATION_BATCH, 1, mels, frames]);
    const labels = backend.upload(small.labels, [VALIDATION_BATCH], 'i32');
    await trainer.trainStep(x, labels);
    const ours = (await trainer.flushLosses())[0];
    const want = referenceLoss(spec, weights, small.x, small.labels, VALIDATION_BATCH) + (o.referenceOffset ?? 0);
    for (const t of [x, labels]) t.dispose();
    trainer.dispose();
    model.dispose();
    const error = Math.abs(ours - want);
    result.validation = error <= REFERENCE_TOLERANCE * Math.max(1, Math.abs(want))
      ? 'ok'
      : `first loss ${ours} at batch ${VALIDATION_BATCH}, float64 reference ${want}: |Δ| ${error.toExponential(2)} > ${REFERENCE_TOLERANCE}`;
    if (result.validation !== 'ok') return result;
  }

  const batch = syntheticBatch(shape);
  const model = new Model(backend, spec, { seed: SEED });
  const weights = await exportStateDict(model);
  const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 1e-3 } });
  const x = backend.upload(batch.x, [o.batch, 1, mels, frames]);
  const labels = backend.upload(batch.labels, [o.batch], 'i32');
  const ourLosses: number[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      await trainer.trainStep(x, labels);
      ourLosses.push((await trainer.flushLosses())[i]);
    }
    // Steps are timed as a run of `repeats` steps back to back (as training runs them), per step.
    const before = backend.kind === 'webgpu' ? backend.runtime.dispatches : 0;
    const stepMs = await timeRepeats(async () => {
      const start = performance.now();
      await trainer.trainStep(x, labels);
      await trainer.flushLosses();
      return performance.now() - start;
    }, o.repeats);
    const dispatches = backend.kind === 'webgpu' ? (backend.runtime.dispatches - before) / (o.repeats + 1) : null;
    // Throughput as peers are timed: `repeats` steps back to back, waiting for the last.
    const start = performance.now();
    for (let i = 0; i < o.repeats; i++) await trainer.trainStep(x, labels);
    await trainer.flushLosses();
    result.step = {
      ms: stepMs,
      clipsPerSecond: (1000 * o.batch * o.repeats) / (performance.now() - start),
      peakBytes: backend.kind === 'webgpu' ? trainer.lastStepPeakBytes : null,
      dispatches,
    };

    // One epoch: each batch uploaded from the host, as a training loop feeds it; the losses read every 10 steps.
    const steps = Math.max(1, Math.round(o.epochClips / o.batch));
    const hosts = Array.from({ length: steps }, (_, i) => syntheticBatch(shape, 100 + i));
    const epochStart = performance.now();
    for (const h of hosts) {
      const xs = backend.upload(h.x, [o.batch, 1, mels, frames]);
      const ys = backend.upload(h.labels, [o.batch], 'i32');
      await trainer.trainStep(xs, ys);
      xs.dispose();
      ys.dispose();
    }
    await trainer.flushLosses();
    const seconds = (performance.now() - epochStart) / 1000;
    result.epoch = { clips: steps * o.batch, steps, seconds, clipsPerSecond: (steps * o.batch) / seconds };
  } finally {
    for (const t of [x, labels]) t.dispose();
    trainer.dispose();
    model.dispose();
  }

  if (o.peers) result.peers = await trainPeers(o, shape, weights, batch, ourLosses);
  return result;
}

async function trainPeers(o: TrainSuiteOptions, shape: BenchShape, weights: Awaited<ReturnType<typeof exportStateDict>>, batch: ReturnType<typeof syntheticBatch>, ours: number[]): Promise<PeerRow[]> {
  const rows: PeerRow[] = [];
  const agree = (theirs: number[]) => {
    const error = Math.max(...ours.map((l, i) => Math.abs(l - theirs[i])));
    return error <= PEER_TOLERANCE ? 'ok' : `first losses [${theirs.map((l) => l.toFixed(5))}] vs ours [${ours.map((l) => l.toFixed(5))}]: |Δ| ${error.toExponential(2)} > ${PEER_TOLERANCE}`;
  };
  const tfjs = o.peers!.tfjs;
  if (isSkipped(tfjs)) rows.push({ name: 'TensorFlow.js WebGPU', validation: tfjs.skipped, skipped: true });
  else {
    const peer: TrainingPeer = await tfjs.trainer(defaultModelSpec(), weights, batch.x, batch.labels);
    try {
      const validation = agree([await peer.stepWithLoss(), await peer.stepWithLoss()]);
      // tfjs is ~10x slower: a third of the repeats bounds the run's length.
      const timing = validation === 'ok' ? await peer.time(Math.max(2, Math.ceil(o.repeats / 3))) : undefined;
      rows.push({ name: `${tfjs.name} (${tfjs.adapter})`, validation, ...(timing && { ms: timing.msPerStep, clipsPerSecond: timing.clipsPerSecond }) });
    } finally {
      peer.dispose();
    }
  }
  if (o.peers!.torch) {
    const lacks = pythonLacks(['torch', 'safetensors']);
    if (lacks) rows.push({ name: 'PyTorch CPU', validation: lacks, skipped: true });
    else {
      const r = withTensorFile(weights, { x: { shape: [shape.batch, 1, shape.mels, shape.frames], data: batch.x }, labels: { shape: [shape.batch], data: batch.labels } }, (path) =>
        runPythonPeer<{ tool: string; losses: number[]; ms_per_step: number; clips_per_s: number }>('torch_model.py', ['train', '--tensors', path, '--repeats', o.repeats]));
      const validation = agree(r.losses);
      rows.push({ name: r.tool, validation, ...(validation === 'ok' && { ms: r.ms_per_step, clipsPerSecond: r.clips_per_s }) });
    }
  }
  return rows;
}
