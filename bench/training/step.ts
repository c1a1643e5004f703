// Training-step benchmark of the reference network (conv3x3 16/32/64/128 + ReLU + max pools, global average
// pool, dense, softmax cross-entropy, Adam) against TensorFlow.js on WebGPU (same adapter) and PyTorch on
// the CPU. Validates first (ser-gpu and tfjs from the same weights on the same batch must agree on their
// first losses), then times warm steps. Usage: npx tsx bench/training/step.ts [--batch 32] [--repeats 10]
// [--tfjs-repeats 3] [--torch-repeats 10] [--warmup 2] [--no-tfjs] [--no-torch]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '../../src/backend/create.js';
import type { WebGpuBackend } from '../../src/backend/types.js';
import { defaultModelSpec } from '../../src/nn/default-model.js';
import { exportStateDict } from '../../src/nn/state-dict.js';
import { syntheticBatch, type BenchShape } from './batch.js';
import type { StepTiming, TrainingPeer } from './peer.js';
import { createSerGpuPeer } from './sergpu-step.js';
import { createTfjsPeer } from './tfjs-step.js';
import { timeTorchStep } from './torch-step.js';

export interface TrainingBenchOptions {
  batch: number;
  mels: number;
  frames: number;
  classes: number;
  /** Steps before timing; the first two are the validation steps. */
  warmup: number;
  repeats: number;
  tfjsRepeats: number;
  torchRepeats: number;
  tfjs: boolean;
  torch: boolean;
  log: (line: string) => void;
}

export const TRAINING_BENCH_DEFAULTS: TrainingBenchOptions = {
  batch: 32,
  mels: 64,
  frames: 188,
  classes: 8,
  warmup: 2,
  repeats: 10,
  tfjsRepeats: 3,
  torchRepeats: 10,
  tfjs: true,
  torch: true,
  log: (line) => console.log(line),
};

export interface TrainingBenchReport {
  adapter: string;
  serGpu: StepTiming & { peakBytes: number; dispatchesPerStep: number };
  tfjs: (StepTiming & { adapter: string }) | null;
  torch: (StepTiming & { threads: number }) | null;
  /** Largest |Δ| between ser-gpu's and tfjs's validation losses; null when tfjs was not run. */
  validationError: number | null;
}

/** Validation losses are f32 forwards (and one Adam step) in different summation orders. */
const VALIDATION_TOLERANCE = 2e-3;

export async function runTrainingBench(overrides: Partial<TrainingBenchOptions> = {}): Promise<TrainingBenchReport> {
  const o = { ...TRAINING_BENCH_DEFAULTS, ...overrides };
  const shape: BenchShape = { batch: o.batch, mels: o.mels, frames: o.frames, classes: o.classes };
  const spec = defaultModelSpec(o.mels, o.frames, o.classes);
  const batch = syntheticBatch(shape);
  const backend = (await createBackend('webgpu')) as WebGpuBackend;
  try {
    const ours = createSerGpuPeer(backend, spec, shape, batch);
    const tfjs = o.tfjs ? await createTfjsPeer(spec, await exportStateDict(ours.model), shape, batch) : null;
    o.log(`adapter: ${ours.adapter}${tfjs ? ` (tfjs: ${tfjs.adapter})` : ''}; input [${o.batch}, 1, ${o.mels}, ${o.frames}], ${o.classes} classes, Adam lr 1e-3`);

    const validationSteps = Math.min(2, o.warmup);
    const ourLosses = await lossesOf(ours, validationSteps);
    let validationError: number | null = null;
    if (tfjs) {
      const theirLosses = await lossesOf(tfjs, validationSteps);
      validationError = Math.max(...ourLosses.map((l, i) => Math.abs(l - theirLosses[i])));
      const verdict = validationError <= VALIDATION_TOLERANCE ? 'agree' : 'DISAGREE';
      o.log(`validation: first losses ser-gpu [${fmt(ourLosses)}] tfjs [${fmt(theirLosses)}]: ${verdict} (max |Δ| ${validationError.toExponential(2)})`);
      if (verdict !== 'agree') throw new Error(`ser-gpu and tfjs disagree on the first losses by ${validationError} > ${VALIDATION_TOLERANCE}`);
    } else o.log(`validation: skipped with tfjs (ser-gpu's first losses [${fmt(ourLosses)}])`);

    await lossesOf(ours, o.warmup - validationSteps);
    const serGpu = { ...(await ours.time(o.repeats)), peakBytes: ours.peakBytes(), dispatchesPerStep: ours.dispatchesPerStep() };
    o.log(`ser-gpu:  ${row(serGpu)}, peak GPU ${serGpu.peakBytes} bytes (${(serGpu.peakBytes / 2 ** 20).toFixed(1)} MiB) per step, ${serGpu.dispatchesPerStep} dispatches/step (${o.repeats} steps)`);

    let tfjsResult: TrainingBenchReport['tfjs'] = null;
    if (tfjs) {
      await lossesOf(tfjs, o.warmup - validationSteps);
      tfjsResult = { ...(await tfjs.time(o.tfjsRepeats)), adapter: tfjs.adapter };
      o.log(`tfjs:     ${row(tfjsResult)} (${o.tfjsRepeats} steps)   ser-gpu ÷ tfjs = ${(serGpu.clipsPerSecond / tfjsResult.clipsPerSecond).toFixed(2)}×`);
    }

    let torchResult: TrainingBenchReport['torch'] = null;
    if (o.torch) {
      const torch = timeTorchStep(shape, o.warmup, o.torchRepeats);
      if ('missing' in torch) o.log(`torch:    skipped: ${torch.missing}`);
      else {
        torchResult = { ...torch.timing, threads: torch.threads };
        o.log(`torch:    ${row(torchResult)} (CPU, ${torch.threads} threads, torch ${torch.version}, ${o.torchRepeats} steps)   ser-gpu ÷ torch = ${(serGpu.clipsPerSecond / torchResult.clipsPerSecond).toFixed(2)}×`);
      }
    }
    return { adapter: ours.adapter, serGpu, tfjs: tfjsResult, torch: torchResult, validationError };
  } finally {
    await backend.destroy();
  }
}

async function lossesOf(peer: TrainingPeer, steps: number): Promise<number[]> {
  const losses = [];
  for (let i = 0; i < steps; i++) losses.push(await peer.stepWithLoss());
  return losses;
}

const fmt = (values: number[]) => values.map((v) => v.toFixed(5)).join(', ');
const row = (t: StepTiming) => `${t.msPerStep.toFixed(1)} ms/step, ${t.clipsPerSecond.toFixed(1)} clips/s`;

function parseCommandLine(argv: string[]): Partial<TrainingBenchOptions> {
  const { values } = parseArgs({
    args: argv,
    options: {
      batch: { type: 'string' },
      mels: { type: 'string' },
      frames: { type: 'string' },
      classes: { type: 'string' },
      warmup: { type: 'string' },
      repeats: { type: 'string' },
      'tfjs-repeats': { type: 'string' },
      'torch-repeats': { type: 'string' },
      'no-tfjs': { type: 'boolean' },
      'no-torch': { type: 'boolean' },
    },
  });
  const int = (name: keyof typeof values) => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
    return n;
  };
  const options: Partial<TrainingBenchOptions> = {
    batch: int('batch'),
    mels: int('mels'),
    frames: int('frames'),
    classes: int('classes'),
    warmup: int('warmup'),
    repeats: int('repeats'),
    tfjsRepeats: int('tfjs-repeats'),
    torchRepeats: int('torch-repeats'),
    tfjs: values['no-tfjs'] ? false : undefined,
    torch: values['no-torch'] ? false : undefined,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTrainingBench(parseCommandLine(process.argv.slice(2))).then(
    // tfjs keeps its Dawn device open, which would keep Node alive.
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
