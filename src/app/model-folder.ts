// Model folders on disk: model.json (src/infer/model-meta.ts) and the weights file it names. The weights file
// has a new name for every save and model.json is written after it, both atomically, so a crash at any moment
// leaves model.json naming a complete weights file; stale weights files are removed last.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../gpu/shaders.js';
import { writeFileAtomic } from '../io/atomic.js';
import { serializeSafetensors, type SafeArray } from '../io/safetensors.js';
import { parseModelBundle, parseModelJson, type ModelBundle } from '../infer/bundle.js';
import type { ModelMeta } from '../infer/model-meta.js';

export const MODEL_JSON = 'model.json';

/** The pretrained model shipped in the package: used when no --model is given. */
export const DEFAULT_MODEL_DIR = join(PACKAGE_ROOT, 'models', 'ravdess-cnn');

/** Reads and checks a model folder (schema, weights against the spec) before any backend exists. */
export function readModelFolder(dir: string): ModelBundle {
  const jsonPath = join(dir, MODEL_JSON);
  if (!existsSync(jsonPath)) {
    throw new Error(existsSync(dir) ? `${dir}: not a model folder (no ${MODEL_JSON})` : `model folder not found: ${dir}`);
  }
  const text = readFileSync(jsonPath, 'utf8');
  // model.json first: its problems are reported before a missing or bad weights file.
  const { weights } = parseModelJson(text, dir);
  const weightsPath = join(dir, weights);
  if (!existsSync(weightsPath)) throw new Error(`${jsonPath}: its weights file ${weights} is missing`);
  return parseModelBundle(text, readFileSync(weightsPath), dir);
}

/**
 * Writes a model folder: `tensors` (state dict, plus optimizer slots in a training checkpoint) as
 * weights-<tag>.safetensors with `metadata`, then model.json naming it.
 */
export function writeModelFolder(
  dir: string,
  meta: Omit<ModelMeta, 'weights'>,
  tensors: Record<string, { shape: readonly number[]; data: SafeArray }>,
  tag: string,
  metadata: Record<string, string> = {},
): void {
  mkdirSync(dir, { recursive: true });
  const weights = `weights-${tag}.safetensors`;
  writeFileAtomic(join(dir, weights), serializeSafetensors(tensors, metadata));
  writeFileAtomic(join(dir, MODEL_JSON), `${JSON.stringify({ ...meta, weights }, null, 1)}\n`);
  for (const name of readdirSync(dir)) {
    if (name !== weights && /^weights-.*\.safetensors$/.test(name)) rmSync(join(dir, name), { force: true });
  }
}
