// ser-gpu train: a model from a labelled corpus (the demo subset in data/ by default), into a run directory.
import type { Argv, CommandModule } from 'yargs';
import type { TrainEvent } from '../../app/events.js';
import { withBackend, type BackendArgs } from '../options.js';
import { holdsOutNoActor } from '../../app/run-files.js';
import { parseActorList, parseValActors } from '../../app/split-plan.js';
import { parseAugment } from '../../augment/index.js';
import { checkedText, existingInputs, integerFlag, numberFlag, parsedFlag, UsageError } from '../usage.js';
import { checkedFeatures, withFeatureOptions, type FeatureArgs } from './extract.js';

interface TrainArgs extends BackendArgs, FeatureArgs {
  data?: string[];
  model: string;
  filters?: string;
  features: 'logmel' | 'mfcc';
  'n-mfcc': number;
  deltas: 0 | 1 | 2;
  epochs?: number;
  'batch-size'?: number;
  lr?: number;
  optimizer?: 'adam' | 'adamw' | 'sgd';
  'weight-decay'?: number;
  schedule?: 'cosine' | 'constant';
  'label-smoothing'?: number;
  balance?: 'weights' | 'none';
  patience?: number;
  frames?: number;
  seed?: number;
  'on-nonfinite'?: 'stop' | 'skip';
  augment?: string;
  'val-actors'?: string;
  'test-actors'?: string;
  folds?: number;
  out?: string;
  resume?: string;
  'cache-dir'?: string;
  cache: boolean;
}

export function withTrainOptions<T>(yargs: Argv<T>): Argv<T & TrainArgs> {
  return withFeatureOptions(withBackend(yargs))
    .option('data', { type: 'string', array: true, describe: 'folders, .zip archives, label CSVs or audio files [default: the demo subset in data/]' })
    .option('model', { type: 'string', default: 'default', describe: 'default (conv-BatchNorm CNN), reference (the pinned reference network) or a model spec .json' })
    .option('filters', { type: 'string', describe: "the default model's filters per conv block, e.g. 16,48,96,192 [16,32,64,128]" })
    .option('features', { choices: ['logmel', 'mfcc'] as const, default: 'logmel' as const })
    .option('n-mfcc', { type: 'number', default: 40, describe: 'MFCC coefficients (with --features mfcc)' })
    .option('deltas', { choices: [0, 1, 2] as const, default: 0 as const, describe: 'append delta (1) or delta and delta-delta (2) rows' })
    .option('epochs', { type: 'number', describe: 'epochs at most [30]' })
    .option('batch-size', { type: 'number', describe: 'clips per step [16]' })
    .option('lr', { type: 'number', describe: 'learning rate [0.001]' })
    .option('optimizer', { choices: ['adam', 'adamw', 'sgd'] as const, describe: '[adam]' })
    .option('weight-decay', { type: 'number', describe: '[0]' })
    .option('schedule', { choices: ['cosine', 'constant'] as const, describe: 'learning-rate schedule [cosine]' })
    .option('label-smoothing', { type: 'number', describe: '[0]' })
    .option('balance', { choices: ['weights', 'none'] as const, describe: 'inverse-frequency class weights in the loss [weights]' })
    .option('patience', { type: 'number', describe: 'stop after this many epochs without a better validation UA; 0 = never [15]' })
    .option('frames', { type: 'number', describe: 'input window in frames (188 = 3 s at hop 256, 16 kHz) [188]' })
    .option('seed', { type: 'number', describe: '[1]' })
    .option('augment', { type: 'string', describe: 'augmentations per batch on the GPU, e.g. "noise:snr=10..30,gain,specaugment,mixup:alpha=0.4" (see README) [none]' })
    .option('on-nonfinite', { choices: ['stop', 'skip'] as const, describe: 'a step with a NaN/Inf loss or gradient: stop (keeping the last checkpoint) or skip its batch [stop]' })
    .option('val-actors', { type: 'string', describe: 'validation actors, which choose the epoch (best UA): e.g. 17-20, or auto (the last fifth; with --folds, 4 of each fold\'s own training actors); none: every non-test actor trains for all the epochs and the last is kept [none]' })
    .option('test-actors', { type: 'string', describe: 'test actors, e.g. 1,2 [none]' })
    .option('folds', { type: 'number', describe: 'K-fold cross-validation by actor (nested validation)' })
    .option('out', { type: 'string', describe: 'run directory [runs/<timestamp>]' })
    .option('resume', { type: 'string', describe: 'continue the interrupted run in this directory (its own settings)' })
    .option('cache-dir', { type: 'string', describe: 'feature cache [$SER_GPU_CACHE or ~/.cache/ser-gpu]' })
    .option('cache', { type: 'boolean', default: true, describe: 'cache features (--no-cache: always extract)' }) as Argv<T & TrainArgs>;
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'Train an emotion model on the GPU: progress per epoch, metrics, checkpoints, plots and a report',
  builder: withTrainOptions,
  handler: async (args) => {
    const options = trainOptions(args);
    const { train } = await import('../../app/train.js');
    const { formatFoldLine, trainProgress } = await import('../train-progress.js');
    const progress = trainProgress(process.stderr);
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      process.stderr.write('\nser-gpu: stopping after this step and saving (Ctrl-C again to quit at once)\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const result = await train({ ...options, signal: controller.signal, onEvent: (e: TrainEvent) => progress.update(e), command: `ser-gpu ${process.argv.slice(2).join(' ')}` });
      progress.stop();
      const lines = result.folds.map((f, i) => formatFoldLine(f.evaluation, result.folds.length > 1 ? i : null, f.bestEpoch));
      for (const [i, f] of result.folds.entries()) {
        if (f.skippedSteps?.length) lines.push(`${result.folds.length > 1 ? `fold ${i + 1}: ` : ''}skipped ${f.skippedSteps.length} step(s) with a non-finite loss or gradient: ${f.skippedSteps.map((s) => `epoch ${s.epoch} step ${s.step}`).join(', ')}`);
      }
      if (result.folds.length > 1) {
        const { wa, ua } = result.summary;
        lines.push(`mean +- std over ${result.folds.length} folds: WA ${(100 * wa.mean).toFixed(1)} +- ${(100 * wa.std).toFixed(1)}%, UA ${(100 * ua.mean).toFixed(1)} +- ${(100 * ua.std).toFixed(1)}%`);
      }
      if (holdsOutNoActor(result.info.splits)) {
        lines.push('no actor was held out, so that figure is on voices the model trained on: --folds 5 (or --test-actors) measures unseen speakers');
      }
      if (result.report && 'error' in result.report) process.stderr.write(`ser-gpu: the report could not be written: ${result.report.error}\n`);
      else if (result.report) lines.push(`report: ${result.report.path}`);
      lines.push(`run directory: ${result.dir} (best model: ${result.folds.length > 1 ? `${result.dir}/fold-N/best` : `${result.dir}/best`})`);
      process.stdout.write(lines.join('\n') + '\n');
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
    }
  },
};

/** "16,48,96,192": one positive integer of filters per conv block. */
export function parseFilters(text: string): number[] {
  const filters = text.split(',').map((part) => Number(part.trim()));
  if (filters.some((f) => !Number.isInteger(f) || f < 1)) throw new Error(`expected filters per block such as 16,32,64,128, got "${text}"`);
  return filters;
}

/** The library's train() options from the flags, every one checked before any GPU work. */
export function trainOptions(args: TrainArgs) {
  integerFlag('epochs', args.epochs);
  integerFlag('batch-size', args['batch-size']);
  integerFlag('patience', args.patience, 0);
  integerFlag('frames', args.frames, 8);
  integerFlag('seed', args.seed, 0);
  integerFlag('folds', args.folds, 2);
  integerFlag('n-mfcc', args['n-mfcc']);
  numberFlag('lr', args.lr, 0);
  numberFlag('weight-decay', args['weight-decay'], 0, true);
  numberFlag('label-smoothing', args['label-smoothing'], 0, true);
  if (args['label-smoothing'] !== undefined && args['label-smoothing'] >= 1) throw new UsageError(`--label-smoothing must be below 1, got ${args['label-smoothing']}`);
  existingInputs('--data', args.data);
  if (args.model !== 'default' && args.model !== 'reference') existingInputs('--model', [args.model]);
  if (args.filters !== undefined && args.model !== 'default') throw new UsageError(`--filters shapes the default model; --model ${args.model} has its own`);
  if (args.resume !== undefined) existingInputs('--resume', [args.resume]);
  const valActors = args['val-actors'] === undefined ? undefined : parsedFlag('val-actors', args['val-actors'], parseValActors);
  if (args.patience !== undefined && args.patience > 0 && (valActors === undefined || (Array.isArray(valActors) && valActors.length === 0)) && args.resume === undefined) {
    throw new UsageError('--patience stops on validation UA, and this run has no validation actors: add --val-actors auto (or a list), or drop --patience');
  }
  if (args.folds !== undefined && ((Array.isArray(valActors) && valActors.length > 0) || args['test-actors'])) {
    throw new UsageError('--folds chooses the test and validation actors itself: drop --test-actors, and give --val-actors only as none or auto');
  }
  const features = checkedFeatures(args, { kind: args.features, nMfcc: args['n-mfcc'], deltas: args.deltas });
  return {
    ...(args.data && { data: args.data }),
    model: args.model,
    ...(args.filters !== undefined && { filters: parsedFlag('filters', args.filters, parseFilters) }),
    features,
    ...(args.epochs !== undefined && { epochs: args.epochs }),
    ...(args['batch-size'] !== undefined && { batchSize: args['batch-size'] }),
    ...(args.lr !== undefined && { lr: args.lr }),
    ...(args.optimizer && { optimizer: args.optimizer }),
    ...(args['weight-decay'] !== undefined && { weightDecay: args['weight-decay'] }),
    ...(args.schedule && { schedule: args.schedule }),
    ...(args['label-smoothing'] !== undefined && { labelSmoothing: args['label-smoothing'] }),
    ...(args.balance && { balance: args.balance }),
    ...(args.patience !== undefined && { patience: args.patience }),
    ...(args.frames !== undefined && { frames: args.frames }),
    ...(args.seed !== undefined && { seed: args.seed }),
    ...(args['on-nonfinite'] && { onNonFinite: args['on-nonfinite'] }),
    ...(args.augment !== undefined && { augment: checkedText('augment', args.augment, parseAugment) }),
    ...(valActors !== undefined && { valActors }),
    ...(args['test-actors'] !== undefined && { testActors: parsedFlag('test-actors', args['test-actors'], parseActorList) }),
    ...(args.folds !== undefined && { folds: args.folds }),
    ...(args.out !== undefined && { out: args.out }),
    ...(args.resume !== undefined && { resume: args.resume }),
    backend: args.backend,
    cacheDir: args.cache ? args['cache-dir'] : null,
  };
}
