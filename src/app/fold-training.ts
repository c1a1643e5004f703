// Trains one model on one split: epochs of seeded shuffles and random windows, validation after each epoch,
// early stopping on validation UA, `best` and `last` model folders, and a final evaluation of the best model.
// The last folder holds the optimizer state and the run state too, so an interrupted run resumes exactly:
// every batch is a pure function of (seed, fold, epoch, step), and the trainer restores bit for bit.
// A step whose loss or gradient is not finite changes nothing (the trainer skips it on the device); by default
// the run then stops, naming the step, before anything is saved over `last`; with onNonFinite 'skip' it goes on
// and the skipped steps are reported. A device loss or GPU error propagates from the step that met it: `last`
// is only written after an epoch (or an interrupt) whose every step came back, so it is the last good state.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../backend/types.js';
import { bandStatistics, classWeights, shuffled, trainingBatch, type FeatureSet, type TrainingBatch } from '../data/dataset.js';
import { EmotionClassifier } from '../infer/classifier.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelMeta, type Normalization } from '../infer/model-meta.js';
import { writeFileAtomic } from '../io/atomic.js';
import { mixSeed } from '../nn/init.js';
import { Model } from '../nn/model.js';
import { exportStateDict, loadStateDict } from '../nn/state-dict.js';
import { scheduledLr } from '../ops/optim.js';
import { checkpointContents, checkpointFrom, restoreTrainer } from '../train/checkpoint.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';
import { Interrupted, type TrainEvent } from './events.js';
import { readModelFolder, writeModelFolder } from './model-folder.js';
import { featureBands, FILTERS_OF_OLDER_RUNS, resolveModelSpec, type TrainSettings } from './recipe.js';
import { augmentFeatures, parseAugment } from '../augment/index.js';
import { reshape } from '../ops/reshape.js';
import type { EpochRecord, EvaluationRecord, SplitRecord } from './run-files.js';
import { waveformBatch, type WindowBatch } from './wave-batch.js';
import { scoreClips } from './scoring.js';

export interface FoldContext {
  backend: Backend;
  set: FeatureSet;
  settings: TrainSettings;
  /** 0-based; `folds` is 1 without --folds. */
  fold: number;
  folds: number;
  split: SplitRecord;
  /** The fold's directory: best/, last/ and result.json go here. */
  dir: string;
  /** What model.json's `training` records (command, versions, ...). */
  provenance: Record<string, unknown>;
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  /** The clips' waveforms at the feature rate, when the augmentations include waveform ones (see wave-batch.ts). */
  audio?: readonly Float32Array[];
  /** Fault injection (test/app/faults.test.ts): sees each feature batch's host arrays before they are uploaded. */
  onBatch?: (batch: TrainingBatch, at: { epoch: number; step: number }) => void;
}

export interface FoldResult {
  evaluation: EvaluationRecord;
  bestEpoch: number;
  records: EpochRecord[];
  /** Steps skipped because their loss or gradient was not finite (onNonFinite 'skip'). */
  skippedSteps: SkippedStep[];
}

/** A training step whose update was skipped: 1-based epoch and step within it, and the fold's step count before it. */
export interface SkippedStep {
  epoch: number;
  step: number;
  globalStep: number;
}

/** Thrown when a step's loss or gradient is not finite and onNonFinite is 'stop': nothing of it was saved. */
export class NonFiniteStep extends Error {
  override readonly name = 'NonFiniteStep';

  constructor(message: string, readonly at: SkippedStep) {
    super(message);
  }
}

/** Saved with `last`: where the run stands, so a resumed run continues mid-epoch if need be. */
interface FoldState {
  /** Epochs completed. */
  epoch: number;
  /** Steps done in the epoch under way. */
  stepInEpoch: number;
  /** That epoch's training loss and accuracy so far. */
  partial: { lossSum: number; losses: number; correct: number };
  best: { epoch: number; ua: number; loss: number } | null;
  sinceBest: number;
  stopped: boolean;
  records: EpochRecord[];
  /** Skipped steps so far (absent in states saved before skipping existed). */
  skipped?: SkippedStep[];
}

const RESULT_FILE = 'result.json';
/** Mixed into the augmentation seeds, so they are a stream apart from the batches' windows. */
const AUGMENT_STREAM = 0xa06;

export async function trainFold(ctx: FoldContext): Promise<FoldResult> {
  const resultPath = join(ctx.dir, RESULT_FILE);
  if (existsSync(resultPath)) return JSON.parse(readFileSync(resultPath, 'utf8')) as FoldResult;
  const { backend, set, settings, fold, split } = ctx;
  const indicesOf = (actors: number[]) => [...set.actors.keys()].filter((i) => actors.includes(set.actors[i]));
  const trainIdx = indicesOf(split.train);
  const valIdx = indicesOf(split.val);
  const testIdx = indicesOf(split.test);
  const batchSize = Math.min(settings.batchSize, trainIdx.length);
  const steps = Math.floor(trainIdx.length / batchSize); // the last partial batch is dropped: shapes stay fixed
  const normalization = bandStatistics(set, trainIdx);
  const augment = parseAugment(settings.augment ?? '');
  const classes = set.labelNames.length;
  const meta = modelMeta(ctx, normalization);

  const { trainer, state } = startOrResume(ctx, meta, trainerOptions(settings, set, trainIdx, steps));
  const { model } = trainer;
  ctx.onEvent?.({ type: 'fold-start', fold, folds: ctx.folds, split, resumedAtEpoch: state.epoch });
  const classifier = new EmotionClassifier(backend, model, meta);
  const skipped = (state.skipped ??= []);
  let seenSkips = 0;
  /** Acts on the steps the trainer flagged since the last call (their flags arrive with their losses). */
  const onSkips = () => {
    for (; seenSkips < trainer.skippedSteps.length; seenSkips++) {
      const globalStep = trainer.skippedSteps[seenSkips];
      const at = { epoch: Math.floor(globalStep / steps) + 1, step: (globalStep % steps) + 1, globalStep };
      if ((settings.onNonFinite ?? 'stop') === 'stop') throw nonFiniteStop(ctx, at, steps, trainer.losses[globalStep]);
      skipped.push(at);
    }
  };
  const saveLast = async () => {
    const { tensors, metadata } = await checkpointContents(trainer);
    writeModelFolder(join(ctx.dir, 'last'), meta, tensors, `step-${trainer.step}`, { ...metadata, run_state: JSON.stringify(state) });
  };
  try {
    while (!state.stopped) {
      const epoch = state.epoch;
      const started = performance.now();
      const firstStep = trainer.step;
      const resumedAt = state.stepInEpoch; // this session's part of the epoch starts here
      const order = shuffled(trainIdx, settings.seed, fold, epoch);
      for (let s = state.stepInEpoch; s < steps; s++) {
        const clips = order.slice(s * batchSize, (s + 1) * batchSize);
        const augmentSeed = mixSeed(settings.seed, fold, epoch, s, AUGMENT_STREAM);
        const windows = ctx.audio
          ? waveformBatch(backend, classifier, set, ctx.audio, clips, settings.frames, augment, augmentSeed, [settings.seed, fold, epoch, s])
          : featureBatch(ctx, classifier, clips, { epoch, step: s });
        const labels = backend.upload(windows.labels, [batchSize], 'i32');
        const augmented = augmentFeatures(backend, windows.x, windows.lengths, augment, augmentSeed, { labels, classes });
        const input = reshape(backend, augmented.features, [batchSize, 1, set.bands, settings.frames]);
        await trainer.trainStep(input, labels, augmented.targets);
        for (const t of new Set([windows.x, labels, augmented.features, input, augmented.targets])) t?.dispose();
        onSkips();
        const seconds = (performance.now() - started) / 1000;
        const known = trainer.losses.length - 1;
        // Steps are recorded up to two loss rings ahead of the device: progress and rate count the steps whose loss is back.
        const completedHere = Math.max(0, known - firstStep + 1);
        ctx.onEvent?.({
          type: 'step', fold, epoch, epochs: settings.epochs, step: s + 1, completed: resumedAt + completedHere, steps,
          loss: completedHere > 0 ? trainer.losses[known] : null,
          accuracy: completedHere > 0 ? runningAccuracy(trainer, state, firstStep, known, batchSize) : null,
          clipsPerSecond: (completedHere * batchSize) / seconds,
          secondsLeft: completedHere > 0 ? ((steps - resumedAt - completedHere) * seconds) / completedHere : null,
        });
        if (ctx.signal?.aborted && s + 1 < steps) {
          await takePartial(trainer, state, firstStep);
          onSkips();
          state.stepInEpoch = s + 1;
          await saveLast();
          throw new Interrupted(ctx.dir);
        }
      }
      await takePartial(trainer, state, firstStep);
      onSkips(); // every flag of the epoch is in: a non-finite step stops the run before best or last is written
      const record: EpochRecord = {
        fold, epoch: epoch + 1, step: trainer.step,
        trainLoss: state.partial.lossSum / state.partial.losses,
        // Over the steps applied (skipped steps' counts were restored with them).
        trainWA: state.partial.correct / (state.partial.losses * batchSize),
        valLoss: null, valWA: null, valUA: null,
        lr: scheduledLr(trainer.options.schedule ?? { kind: 'constant' }, settings.lr, trainer.step - 1),
        seconds: 0,
      };
      let improved = valIdx.length === 0;
      if (valIdx.length > 0) {
        const val = await scoreClips(classifier, valIdx.map((i) => set.clips[i]), valIdx.map((i) => set.labels[i]), 'validation');
        Object.assign(record, { valLoss: val.loss, valWA: val.metrics.wa, valUA: val.metrics.ua });
        const best = state.best;
        improved = !best || val.metrics.ua > best.ua || (val.metrics.ua === best.ua && val.loss < best.loss);
        if (improved) state.best = { epoch: epoch + 1, ua: val.metrics.ua, loss: val.loss };
      }
      if (improved) await writeBest(ctx, meta, model, `epoch-${epoch + 1}`);
      state.sinceBest = improved ? 0 : state.sinceBest + 1;
      state.epoch = epoch + 1;
      state.stepInEpoch = 0;
      state.partial = { lossSum: 0, losses: 0, correct: 0 };
      state.stopped = state.epoch >= settings.epochs || (settings.patience > 0 && valIdx.length > 0 && state.sinceBest >= settings.patience);
      record.seconds = (performance.now() - started) / 1000;
      state.records.push(record);
      await saveLast();
      ctx.onEvent?.({ type: 'epoch', record, records: state.records, improved, stopping: state.stopped });
      if (ctx.signal?.aborted && !state.stopped) throw new Interrupted(ctx.dir);
    }
    // The final evaluation is of the best model: on the test actors, else on the validation actors that chose it.
    loadStateDict(model, readModelFolder(join(ctx.dir, 'best')).tensors);
    const evalIdx = testIdx.length > 0 ? testIdx : valIdx.length > 0 ? valIdx : trainIdx;
    const partName = testIdx.length > 0 ? 'test' : valIdx.length > 0 ? 'validation (chose the model: optimistic)' : 'training (no held-out actors)';
    const actors = testIdx.length > 0 ? split.test : valIdx.length > 0 ? split.val : split.train;
    const name = `${ctx.folds > 1 ? `fold ${fold + 1} ` : ''}${partName}, actors ${actors.join(', ')}`;
    const { probabilities: _probabilities, ...evaluation } = await scoreClips(classifier, evalIdx.map((i) => set.clips[i]), evalIdx.map((i) => set.labels[i]), name);
    const result: FoldResult = { evaluation, bestEpoch: state.best?.epoch ?? state.epoch, records: state.records, skippedSteps: skipped };
    writeFileAtomic(resultPath, `${JSON.stringify(result, null, 1)}\n`);
    ctx.onEvent?.({ type: 'fold-end', fold, folds: ctx.folds, evaluation, bestEpoch: result.bestEpoch });
    return result;
  } finally {
    classifier.dispose();
    trainer.dispose();
    model.dispose();
  }
}

/** The batch's windows from the cached features: cut on the host, standardised on the backend. */
function featureBatch(ctx: FoldContext, classifier: EmotionClassifier, clips: readonly number[], at: { epoch: number; step: number }): WindowBatch {
  const { backend, set, settings } = ctx;
  const batch = trainingBatch(set, clips, settings.frames, settings.seed, ctx.fold, at.epoch, at.step);
  ctx.onBatch?.(batch, at);
  const x = backend.upload(batch.x, [clips.length, set.bands, settings.frames]);
  const lengths = backend.upload(batch.lengths, [clips.length], 'i32');
  const standardized = classifier.standardize(x, lengths);
  x.dispose();
  lengths.dispose();
  return { x: standardized, lengths: [...batch.lengths], labels: batch.labels };
}

function modelMeta(ctx: FoldContext, normalization: Normalization): Omit<ModelMeta, 'weights'> {
  const { settings, set } = ctx;
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    spec: resolveModelSpec(settings.model, featureBands(settings.features), settings.frames, set.labelNames.length, settings.filters ?? FILTERS_OF_OLDER_RUNS),
    features: set.config,
    labels: set.labelNames,
    frames: settings.frames,
    normalization,
    training: { ...ctx.provenance, fold: ctx.fold + 1, folds: ctx.folds, split: ctx.split, seed: settings.seed },
  };
}

function trainerOptions(settings: TrainSettings, set: FeatureSet, trainIdx: number[], steps: number): TrainerOptions {
  const optimizer =
    settings.optimizer === 'sgd'
      ? { kind: 'sgd' as const, lr: settings.lr, momentum: 0.9, nesterov: true, weightDecay: settings.weightDecay }
      : { kind: settings.optimizer, lr: settings.lr, weightDecay: settings.weightDecay };
  return {
    optimizer,
    ...(settings.schedule === 'cosine' && { schedule: { kind: 'cosine' as const, totalSteps: settings.epochs * steps, minLr: settings.lr / 20 } }),
    loss: {
      ...(settings.balance === 'weights' && { classWeights: classWeights(set.labels, trainIdx, set.labelNames.length) }),
      ...(settings.labelSmoothing > 0 && { labelSmoothing: settings.labelSmoothing }),
    },
    lossEvery: Math.max(1, Math.min(10, steps)),
  };
}

function startOrResume(ctx: FoldContext, meta: Omit<ModelMeta, 'weights'>, options: TrainerOptions): { trainer: Trainer; state: FoldState } {
  const lastDir = join(ctx.dir, 'last');
  if (existsSync(join(lastDir, 'model.json'))) {
    const bundle = readModelFolder(lastDir);
    if (JSON.stringify(bundle.meta.spec) !== JSON.stringify(meta.spec)) throw new Error(`${lastDir}: its model differs from this run's settings; resume with the run's own settings`);
    const checkpoint = checkpointFrom({ tensors: bundle.tensors, metadata: bundle.weightsMetadata }, join(lastDir, bundle.meta.weights));
    const state = JSON.parse(bundle.weightsMetadata.run_state ?? 'null') as FoldState | null;
    if (!state) throw new Error(`${lastDir}/${bundle.meta.weights}: no run state to resume from`);
    return { trainer: restoreTrainer(ctx.backend, checkpoint), state };
  }
  const model = new Model(ctx.backend, meta.spec, { seed: mixSeed(ctx.settings.seed, ctx.fold) });
  const state: FoldState = { epoch: 0, stepInEpoch: 0, partial: { lossSum: 0, losses: 0, correct: 0 }, best: null, sinceBest: 0, stopped: false, records: [] };
  return { trainer: new Trainer(ctx.backend, model, options), state };
}

/** The epoch's training accuracy up to step `known` (read back): over the steps applied, as the epoch record's trainWA. */
function runningAccuracy(trainer: Trainer, state: FoldState, firstStep: number, known: number, batchSize: number): number {
  const skipped = trainer.skippedSteps.filter((step) => step >= firstStep && step <= known).length;
  const applied = state.partial.losses + known - firstStep + 1 - skipped;
  return applied > 0 ? (state.partial.correct + trainer.correctCounts[known]) / (applied * batchSize) : 0;
}

/** Adds the losses (of the steps applied) and correct count since `firstStep` (this session's part of the epoch) to the state. */
async function takePartial(trainer: Trainer, state: FoldState, firstStep: number): Promise<void> {
  const all = await trainer.flushLosses();
  const skipped = new Set(trainer.skippedSteps); // complete only once every flag is back
  const losses = all.slice(firstStep).filter((_, i) => !skipped.has(firstStep + i));
  state.partial.lossSum += losses.reduce((a, b) => a + b, 0);
  state.partial.losses += losses.length;
  state.partial.correct += await trainer.takeCorrect();
}

function nonFiniteStop(ctx: FoldContext, at: SkippedStep, steps: number, loss: number): NonFiniteStep {
  const fold = ctx.folds > 1 ? `, fold ${ctx.fold + 1} of ${ctx.folds}` : '';
  const last = join(ctx.dir, 'last');
  const kept = existsSync(join(last, 'model.json')) ? `the last finite checkpoint ${last} is kept` : 'no checkpoint had been written yet';
  return new NonFiniteStep(
    `training step ${at.globalStep + 1} (epoch ${at.epoch}, step ${at.step} of ${steps}${fold}) had a non-finite ${Number.isFinite(loss) ? 'gradient' : `loss (${loss})`}; ` +
      `stopped without applying it: ${kept}. --on-nonfinite skip skips such batches instead`,
    at,
  );
}

async function writeBest(ctx: FoldContext, meta: Omit<ModelMeta, 'weights'>, model: Model, tag: string): Promise<void> {
  writeModelFolder(join(ctx.dir, 'best'), meta, await exportStateDict(model), tag);
}
