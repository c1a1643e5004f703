// The feature file `ser-gpu extract` writes (safetensors): features [N, bands, frames] zero-padded after each
// clip's valid frames, lengths, labels and actors [N], and in the metadata the file list, the label names
// and every feature parameter.
import type { FeatureConfig } from '../features/config.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';

export interface FeatureFile {
  /** Row-major [N, bands, frames], zero-padded after each clip's `lengths[i]` valid frames. */
  features: Float32Array;
  shape: [number, number, number];
  lengths: Int32Array;
  /** Index into labelNames (RAVDESS order for RAVDESS corpora); -1 when unknown. */
  labels: Int32Array;
  /** -1 when unknown. */
  actors: Int32Array;
  sources: string[];
  labelNames: string[];
  config: FeatureConfig;
  /** JSON of the files that could not be decoded, kept by feature caches (optional). */
  skippedJson?: string;
}

/** The `format` entry of a feature file's metadata: bump it when the layout changes. */
export const FEATURE_FILE_FORMAT = 'ser-gpu-features/1';

/** Writes features, lengths, labels, actors and the metadata another tool needs, atomically. */
export function writeFeatureFile(path: string, extracted: FeatureFile & { stats?: { backend: string } }): void {
  writeSafetensors(
    path,
    {
      features: { shape: extracted.shape, data: extracted.features },
      lengths: { shape: [extracted.shape[0]], data: extracted.lengths },
      labels: { shape: [extracted.shape[0]], data: extracted.labels },
      actors: { shape: [extracted.shape[0]], data: extracted.actors },
    },
    {
      format: FEATURE_FILE_FORMAT,
      files: JSON.stringify(extracted.sources),
      label_names: JSON.stringify(extracted.labelNames),
      feature_config: JSON.stringify(extracted.config),
      ...(extracted.skippedJson !== undefined && { skipped: extracted.skippedJson }),
      ...(extracted.stats && { backend: extracted.stats.backend }),
    },
  );
}

/** Reads a file written by writeFeatureFile, checking that its tensors agree with each other. */
export function readFeatureFile(path: string): FeatureFile {
  const { tensors, metadata } = readSafetensors(path);
  const fail = (problem: string): never => {
    throw new Error(`${path}: not a ser-gpu feature file: ${problem}`);
  };
  if (metadata.format !== FEATURE_FILE_FORMAT) fail(`format is ${JSON.stringify(metadata.format)}, expected ${FEATURE_FILE_FORMAT}`);
  const tensor = (name: string, dtype: 'F32' | 'I32') => {
    const t = tensors.get(name) ?? fail(`no tensor "${name}"`);
    if (t.dtype !== dtype) fail(`${name} is ${t.dtype}, expected ${dtype}`);
    return t;
  };
  const features = tensor('features', 'F32');
  if (features.shape.length !== 3) fail(`features has shape [${features.shape}], expected [N, bands, frames]`);
  const n = features.shape[0];
  const perClip = ['lengths', 'labels', 'actors'].map((name) => {
    const t = tensor(name, 'I32');
    if (t.shape.length !== 1 || t.shape[0] !== n) fail(`${name} has shape [${t.shape}], expected [${n}]`);
    return t.data as Int32Array;
  });
  const sources = JSON.parse(metadata.files ?? '[]') as string[];
  if (sources.length !== n) fail(`metadata lists ${sources.length} files for ${n} clips`);
  return {
    features: features.data as Float32Array,
    shape: features.shape as [number, number, number],
    lengths: perClip[0],
    labels: perClip[1],
    actors: perClip[2],
    sources,
    labelNames: JSON.parse(metadata.label_names ?? '[]') as string[],
    config: JSON.parse(metadata.feature_config ?? 'null') as FeatureConfig,
    ...(metadata.skipped !== undefined && { skippedJson: metadata.skipped }),
  };
}

