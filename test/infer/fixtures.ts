// A small but complete model folder written without a backend: a conv-BatchNorm-ReLU-pool-dense spec, its
// state dict filled with seeded values from expectedStateDict, and a model.json as training writes it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeModelFolder } from '../../src/app/model-folder.js';
import { featureConfig } from '../../src/features/config.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelMeta } from '../../src/infer/model-meta.js';
import { expectedStateDict } from '../../src/infer/model-weights.js';
import type { SafeArray } from '../../src/io/safetensors.js';
import type { ModelSpec } from '../../src/nn/spec.js';

export const BANDS = 8;
export const FRAMES = 16;
export const LABELS = ['neutral', 'happy', 'sad'];

export function smallSpec(): ModelSpec {
  return {
    input: [1, BANDS, FRAMES],
    layers: [
      { type: 'conv2d', filters: 4, kernel: 3, padding: 1 },
      { type: 'batchnorm2d' },
      { type: 'relu' },
      { type: 'maxpool2d', kernel: 2 },
      { type: 'conv2d', filters: 6, kernel: [3, 1], bias: false },
      { type: 'relu' },
      { type: 'globalavgpool' },
      { type: 'dense', units: LABELS.length },
    ],
  };
}

export function smallMeta(): Omit<ModelMeta, 'weights'> {
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    spec: smallSpec(),
    features: featureConfig({ nMels: BANDS }),
    labels: LABELS,
    frames: FRAMES,
    normalization: { mean: Array.from({ length: BANDS }, (_, i) => -40 + i), std: Array.from({ length: BANDS }, (_, i) => 10 + i) },
    training: { command: 'test' },
  };
}

/** Seeded values for every tensor of the spec's state dict (running_var positive, the counter an I64). */
export function smallStateDict(spec = smallSpec()): Record<string, { shape: readonly number[]; data: SafeArray }> {
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const out: Record<string, { shape: readonly number[]; data: SafeArray }> = {};
  for (const [name, { shape, dtypes }] of expectedStateDict(spec)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (dtypes[0] === 'I64') out[name] = { shape, data: BigInt64Array.of(7n) };
    else out[name] = { shape, data: Float32Array.from({ length: size }, () => (name.endsWith('running_var') ? 1 + next() : next())) };
  }
  return out;
}

/** Writes the good folder into `dir`; returns the path of its weights file. */
export function writeSmallModel(dir: string, tensors = smallStateDict(), meta = smallMeta()): string {
  mkdirSync(dir, { recursive: true });
  writeModelFolder(dir, meta, tensors, 'test');
  return join(dir, 'weights-test.safetensors');
}

/** Rewrites model.json of a folder through `edit` (which mutates the parsed JSON). */
export function editModelJson(dir: string, edit: (json: Record<string, any>) => void): void {
  const path = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}
