// model.json: everything needed to use a trained model elsewhere besides its weights — the model spec, the
// feature settings, the label names, the input window and the normalisation statistics, and how it was
// trained. Validated on load, so a bad folder fails naming the file and the first problem.
import { featureConfig, type FeatureConfig } from '../features/config.js';
import { inferShapes, type ModelSpec } from '../nn/spec.js';

export const MODEL_FORMAT = 'ser-gpu-model';
export const MODEL_FORMAT_VERSION = 1;

export interface Normalization {
  /** Per-band mean and standard deviation of the training actors' features (valid frames only). */
  mean: number[];
  std: number[];
}

export interface ModelMeta {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  spec: ModelSpec;
  features: FeatureConfig;
  labels: string[];
  /** Frames per input window (the model's input width); longer clips are averaged over windows. */
  frames: number;
  normalization: Normalization;
  /** The weights file beside model.json (safetensors, PyTorch state-dict names). */
  weights: string;
  /** How it was trained: command, seed, split, epochs, metrics, versions. Informational. */
  training?: Record<string, unknown>;
}

/** Checks parsed model.json content; `source` names the file in every error. */
export function checkModelMeta(value: unknown, source: string): ModelMeta {
  const fail = (problem: string): never => {
    throw new Error(`${source}: not a valid ser-gpu model: ${problem}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  const meta = value as Record<string, unknown>;
  if (meta.format !== MODEL_FORMAT) fail(`format is ${JSON.stringify(meta.format)}, expected "${MODEL_FORMAT}"`);
  if (meta.version !== MODEL_FORMAT_VERSION) fail(`version is ${JSON.stringify(meta.version)}, this ser-gpu reads version ${MODEL_FORMAT_VERSION}`);
  const labels = meta.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string' && l.length > 0)) fail('labels must be at least two non-empty strings');
  if (new Set(labels as string[]).size !== (labels as string[]).length) fail('labels repeat a name');
  let features: FeatureConfig;
  try {
    features = featureConfig(meta.features as Partial<FeatureConfig>);
  } catch (error) {
    return fail(`features: ${(error as Error).message}`);
  }
  if (features.kind !== 'logmel' && features.kind !== 'mfcc') fail(`features.kind must be logmel or mfcc, got ${JSON.stringify(features.kind)}`);
  const bands = (features.kind === 'mfcc' ? features.nMfcc : features.nMels) * (1 + features.deltas);
  const frames = meta.frames;
  if (!(typeof frames === 'number' && Number.isInteger(frames) && frames >= 1)) fail(`frames must be a positive integer, got ${JSON.stringify(frames)}`);
  const spec = meta.spec as ModelSpec;
  let shapes;
  try {
    shapes = inferShapes(spec);
  } catch (error) {
    return fail(`spec: ${(error as Error).message}`);
  }
  const input = JSON.stringify(spec.input);
  if (input !== JSON.stringify([1, bands, frames])) fail(`spec.input is ${input}, but the features give [1, ${bands}, ${frames}]`);
  const classes = shapes[shapes.length - 1].output[0];
  if (classes !== (labels as string[]).length) fail(`the model has ${classes} outputs for ${(labels as string[]).length} labels`);
  const norm = meta.normalization as Normalization | undefined;
  const isBandVector = (v: unknown, positive: boolean) =>
    Array.isArray(v) && v.length === bands && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!norm || !isBandVector(norm.mean, false) || !isBandVector(norm.std, true)) {
    fail(`normalization must hold mean and std (std > 0) of ${bands} finite numbers each`);
  }
  if (typeof meta.weights !== 'string' || !/^[\w.-]+\.safetensors$/.test(meta.weights) || meta.weights.startsWith('.')) {
    fail(`weights must name a .safetensors file beside model.json, got ${JSON.stringify(meta.weights)}`);
  }
  return { ...(meta as unknown as ModelMeta), features };
}
