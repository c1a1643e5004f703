// The default training recipe and how a run's settings are resolved: every setting that decides accuracy
// lives here, so `ser-gpu train` with no flags, the shipped model and the README name the same recipe.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureConfig, type FeatureConfig } from '../features/config.js';
import { PACKAGE_ROOT } from '../gpu/shaders.js';
import { defaultModelSpec } from '../nn/default-model.js';
import type { LayerSpec, ModelSpec } from '../nn/spec.js';

export interface TrainSettings {
  /** Folders, zips, label CSVs or audio files. */
  data: string[];
  /** 'default' (the recipe below), 'reference' (the pinned reference network) or a spec JSON file. */
  model: string;
  /** The default network's filters per conv block (a 2x2 max pool between blocks); other models ignore it. */
  filters: number[];
  features: FeatureConfig;
  /** Input window in frames (188 frames of hop 256 at 16 kHz = 3 s). */
  frames: number;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'adam' | 'adamw' | 'sgd';
  weightDecay: number;
  schedule: 'cosine' | 'constant';
  labelSmoothing: number;
  /** 'weights': inverse-frequency class weights in the loss; 'none'. */
  balance: 'weights' | 'none';
  /** Stop after this many epochs without a better validation UA; 0 trains every epoch. */
  patience: number;
  seed: number;
  /** A step whose loss or gradient is not finite: 'stop' the run (keeping the last finite checkpoint) or 'skip' its batch. */
  onNonFinite: 'stop' | 'skip';
  /**
   * Training-time augmentations in src/augment's syntax (pitch, stretch, gain, noise on each batch's waveforms,
   * specaugment, mixup on its standardised features), applied on the device; '' for none. The random window
   * is always on.
   */
  augment: string;
  /**
   * [] (the default): no validation actors, so every actor that does not test trains for all the epochs and
   * the last is kept; a list; or 'auto' (the last fifth, or with folds 4 of each fold's own training actors),
   * which chooses the epoch with the best validation UA. See src/app/split-plan.ts.
   */
  valActors: number[] | 'auto';
  testActors?: number[];
  folds?: number;
}

/** What a run saved before the `filters` setting existed trained: its default network's filters per block. */
export const FILTERS_OF_OLDER_RUNS: readonly number[] = [16, 32, 64, 128];

/** The classic layout at the repository root: data/Actor_NN/*.flac (the demo subset shipped with the package). */
export const DEFAULT_DATA = join(PACKAGE_ROOT, 'data');

export function defaultSettings(overrides: Partial<TrainSettings> = {}): TrainSettings {
  const { features, ...rest } = overrides;
  return {
    data: [DEFAULT_DATA],
    model: 'default',
    filters: [16, 32, 64, 128],
    frames: 188,
    epochs: 30,
    // 16 rather than 32: twice the steps for the same clips, which this under-fitted network needs (README's ablation).
    batchSize: 16,
    lr: 1e-3,
    optimizer: 'adam',
    weightDecay: 0,
    schedule: 'cosine',
    labelSmoothing: 0,
    balance: 'weights',
    patience: 15,
    seed: 1,
    onNonFinite: 'stop',
    augment: '',
    // Selecting an epoch on 4 of a fold's 16 training actors cost more than it gained: training on all 16
    // for the fixed schedule gained about 3 points on unseen speakers (README's ablation).
    valActors: [],
    ...rest,
    features: featureConfig({ kind: 'logmel', nMels: 64, ...features }),
  };
}

/** Bands per frame of a feature config: Mel bands or MFCCs, times 1 + deltas. */
export function featureBands(c: FeatureConfig): number {
  return (c.kind === 'mfcc' ? c.nMfcc : c.nMels) * (1 + c.deltas);
}

/**
 * The default network: conv3x3-BatchNorm-ReLU blocks (`filters` each; the recipe's are in defaultSettings) with 2x2 max
 * pools between them, global average pooling, dropout and the class scores. BatchNorm and dropout are what
 * the reference network lacks for unseen speakers.
 */
export function recipeModelSpec(bands: number, frames: number, classes: number, filters: readonly number[]): ModelSpec {
  const block = (filters: number): LayerSpec[] => [
    { type: 'conv2d', filters, kernel: 3, padding: 1 },
    { type: 'batchnorm2d' },
    { type: 'relu' },
  ];
  const pool: LayerSpec = { type: 'maxpool2d', kernel: 2 };
  return {
    input: [1, bands, frames],
    layers: [...filters.flatMap((f, i) => [...(i > 0 ? [pool] : []), ...block(f)]), { type: 'globalavgpool' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: classes }],
  };
}

/** The model spec a run trains: its input is always [1, bands, frames] of the run's features. */
export function resolveModelSpec(model: string, bands: number, frames: number, classes: number, filters: readonly number[]): ModelSpec {
  if (model === 'default') return recipeModelSpec(bands, frames, classes, filters);
  if (model === 'reference') return defaultModelSpec(bands, frames, classes);
  let spec: Partial<ModelSpec>;
  try {
    spec = JSON.parse(readFileSync(model, 'utf8')) as Partial<ModelSpec>;
  } catch (error) {
    throw new Error(`--model ${model}: not a readable JSON model spec (${(error as Error).message})`);
  }
  const input = [1, bands, frames];
  if (spec.input && JSON.stringify(spec.input) !== JSON.stringify(input)) {
    throw new Error(`--model ${model}: input ${JSON.stringify(spec.input)} does not match the features, which give ${JSON.stringify(input)} (omit "input" to take it from the features)`);
  }
  return { input, layers: spec.layers ?? [] };
}
