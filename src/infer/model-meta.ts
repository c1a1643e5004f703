// model.json: everything needed to use a trained model elsewhere besides its weights — the model spec, the
// feature settings, the label names, the input window and the normalisation statistics, and how it was
// trained. Checked against a schema on load, so a bad folder fails naming the file, the field and the problem.
//
// The schema is closed: an unknown field at the top level, in `features`, in `normalization` or in a layer of
// `spec` is an error (a misspelt optional field would otherwise be silently replaced by its default — a layer's
// "kernal" by a 1x1 kernel). New fields come with a new format version. `training` is free-form provenance.
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

/** A field's check: null when the value fits, else what it should be. */
type FieldCheck = (value: unknown) => string | null;

const is = (test: (v: unknown) => boolean, expected: string): FieldCheck => (v) => (test(v) ? null : expected);
const integer = (min: number) => is((v) => typeof v === 'number' && Number.isInteger(v) && v >= min, `an integer >= ${min}`);
const finiteNumber = is((v) => typeof v === 'number' && Number.isFinite(v), 'a finite number');
const boolean = is((v) => typeof v === 'boolean', 'true or false');
const string = is((v) => typeof v === 'string' && v.length > 0, 'a non-empty string');
const oneOf = (...values: unknown[]) => is((v) => values.includes(v), `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
const either = (a: FieldCheck, b: FieldCheck): FieldCheck => (v) => (a(v) === null || b(v) === null ? null : `${a(v)} or ${b(v)}`);
const pairOf = (min: number): FieldCheck => either(integer(min), is((v) => Array.isArray(v) && v.length === 2 && v.every((x) => integer(min)(x) === null), `[height, width] of integers >= ${min}`));

/** Every field of FeatureConfig: model.json stores the complete config, so no default can change a model's features. */
const FEATURE_FIELDS: Record<keyof FeatureConfig, FieldCheck> = {
  sampleRate: integer(1),
  nFft: integer(1),
  hop: integer(1),
  winLength: integer(1),
  window: oneOf('hann', 'hamming'),
  kind: oneOf('logmel', 'mfcc'),
  power: oneOf(1, 2),
  nMels: integer(1),
  fMin: finiteNumber,
  fMax: finiteNumber,
  htk: boolean,
  norm: oneOf('slaney', null),
  nMfcc: integer(1),
  ref: either(finiteNumber, oneOf('max')),
  amin: finiteNumber,
  topDb: either(finiteNumber, oneOf(null)),
  preEmphasis: finiteNumber,
  normalize: oneOf('peak', 'rms', null),
  deltas: oneOf(0, 1, 2),
  deltaWidth: integer(3),
};

/** Per layer type, its fields besides `type` and `name` (true: required); their ranges are inferShapes'. */
const LAYER_FIELDS: Record<string, Record<string, [FieldCheck, boolean]>> = {
  conv2d: { filters: [integer(1), true], kernel: [pairOf(1), true], stride: [pairOf(1), false], padding: [pairOf(0), false], dilation: [pairOf(1), false], bias: [boolean, false] },
  maxpool2d: { kernel: [pairOf(1), true], stride: [pairOf(1), false], padding: [pairOf(0), false] },
  avgpool2d: { kernel: [pairOf(1), true], stride: [pairOf(1), false], padding: [pairOf(0), false] },
  dense: { units: [integer(1), true], bias: [boolean, false] },
  relu: {},
  leaky_relu: { alpha: [finiteNumber, false] },
  elu: { alpha: [finiteNumber, false] },
  batchnorm2d: { momentum: [finiteNumber, false], eps: [finiteNumber, false] },
  batchnorm1d: { momentum: [finiteNumber, false], eps: [finiteNumber, false] },
  dropout: { rate: [finiteNumber, true] },
  globalavgpool: {},
  flatten: {},
};

const TOP_FIELDS = ['format', 'version', 'spec', 'features', 'labels', 'frames', 'normalization', 'weights', 'training'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks parsed model.json content; `source` names the file in every error. */
export function checkModelMeta(value: unknown, source: string): ModelMeta {
  const fail = (problem: string): never => {
    throw new Error(`${source}: not a valid ser-gpu model: ${problem}`);
  };
  if (!isObject(value)) return fail('expected a JSON object');
  const meta = value;
  if (meta.format !== MODEL_FORMAT) fail(`format is ${JSON.stringify(meta.format)}, expected "${MODEL_FORMAT}"`);
  if (meta.version !== MODEL_FORMAT_VERSION) fail(`version is ${JSON.stringify(meta.version)}, this ser-gpu reads version ${MODEL_FORMAT_VERSION}`);
  closedObject(meta, TOP_FIELDS, 'the top level', fail);
  for (const field of TOP_FIELDS) if (field !== 'training' && !(field in meta)) fail(`missing field "${field}"`);
  if (meta.training !== undefined && !isObject(meta.training)) fail('training must be a JSON object');

  const labels = meta.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string' && l.length > 0)) fail('labels must be at least two non-empty strings');
  if (new Set(labels as string[]).size !== (labels as string[]).length) fail('labels repeat a name');

  if (!isObject(meta.features)) fail('features must be a JSON object');
  const rawFeatures = meta.features as Record<string, unknown>;
  closedObject(rawFeatures, Object.keys(FEATURE_FIELDS), 'features', fail);
  for (const [field, check] of Object.entries(FEATURE_FIELDS)) {
    if (!(field in rawFeatures)) fail(`features.${field} is missing`);
    const problem = check(rawFeatures[field]);
    if (problem) fail(`features.${field} must be ${problem}, got ${JSON.stringify(rawFeatures[field])}`);
  }
  let features: FeatureConfig;
  try {
    features = featureConfig(rawFeatures as Partial<FeatureConfig>);
  } catch (error) {
    return fail(`features: ${(error as Error).message}`);
  }
  const bands = (features.kind === 'mfcc' ? features.nMfcc : features.nMels) * (1 + features.deltas);
  const frames = meta.frames;
  if (integer(1)(frames)) fail(`frames must be a positive integer, got ${JSON.stringify(frames)}`);

  const spec = checkSpecFields(meta.spec, fail);
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

  if (!isObject(meta.normalization)) fail('normalization must be a JSON object with mean and std');
  const norm = meta.normalization as Record<string, unknown>;
  closedObject(norm, ['mean', 'std'], 'normalization', fail);
  const isBandVector = (v: unknown, positive: boolean) =>
    Array.isArray(v) && v.length === bands && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!isBandVector(norm.mean, false) || !isBandVector(norm.std, true)) {
    fail(`normalization must hold mean and std (std > 0) of ${bands} finite numbers each`);
  }
  if (typeof meta.weights !== 'string' || !/^[\w.-]+\.safetensors$/.test(meta.weights) || meta.weights.startsWith('.')) {
    fail(`weights must name a .safetensors file beside model.json, got ${JSON.stringify(meta.weights)}`);
  }
  return { ...(meta as unknown as ModelMeta), features };
}

/** spec's JSON shape: input, and layers whose fields are known to their type and of the right JSON type. */
function checkSpecFields(value: unknown, fail: (problem: string) => never): ModelSpec {
  if (!isObject(value)) return fail('spec must be a JSON object with input and layers');
  closedObject(value, ['input', 'layers'], 'spec', fail);
  if (!Array.isArray(value.layers)) return fail('spec.layers must be an array of layers');
  value.layers.forEach((layer: unknown, i: number) => {
    const where = `spec.layers[${i}]`;
    if (!isObject(layer)) return fail(`${where} must be a JSON object`);
    const fields = typeof layer.type === 'string' ? LAYER_FIELDS[layer.type] : undefined;
    if (!fields) return fail(`${where}.type must be ${oneOf(...Object.keys(LAYER_FIELDS))(undefined)}, got ${JSON.stringify(layer.type)}`);
    closedObject(layer, ['type', 'name', ...Object.keys(fields)], `${where} (${layer.type})`, fail);
    if (layer.name !== undefined && string(layer.name)) fail(`${where}.name must be a non-empty string, got ${JSON.stringify(layer.name)}`);
    for (const [field, [check, required]] of Object.entries(fields)) {
      if (!(field in layer)) {
        if (required) fail(`${where} (${layer.type}) is missing "${field}"`);
        continue;
      }
      const problem = check(layer[field]);
      if (problem) fail(`${where}.${field} must be ${problem}, got ${JSON.stringify(layer[field])}`);
    }
  });
  return value as unknown as ModelSpec;
}

function closedObject(value: Record<string, unknown>, known: readonly string[], where: string, fail: (problem: string) => never): void {
  const unknown = Object.keys(value).find((k) => !known.includes(k));
  if (unknown !== undefined) fail(`unknown field "${unknown}" in ${where} (known: ${known.join(', ')})`);
}
