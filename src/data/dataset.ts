// A corpus as training examples: features computed once on the backend and cached on disk (keyed by every
// feature parameter and the file list with sizes and modification times, so a re-run skips decoding),
// per-band statistics of the training part, seeded shuffles and random windows (the time-shift
// augmentation), and class weights for the unbalanced emotions (neutral has half the clips of the others).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { splitZipSource } from '../audio/index.js';
import type { Backend } from '../backend/types.js';
import { corpusItems, extractFeatures, type ExtractProgress, type SkippedFile } from '../extract.js';
import type { FeatureConfig } from '../features/config.js';
import type { ClipFeatureRows } from '../infer/classifier.js';
import type { Normalization } from '../infer/model-meta.js';
import { copyWindow } from '../infer/windows.js';
import { mixSeed, mulberry32 } from '../nn/init.js';
import { FEATURE_FILE_FORMAT, readFeatureFile, writeFeatureFile, type FeatureFile } from './feature-file.js';

export interface FeatureSet {
  clips: ClipFeatureRows[];
  labels: Int32Array;
  actors: Int32Array;
  sources: string[];
  labelNames: string[];
  bands: number;
  config: FeatureConfig;
}

export interface LoadFeatureSetOptions {
  backend: Backend;
  features: FeatureConfig;
  /** Where feature files are cached; null disables the cache. Default: $SER_GPU_CACHE or ~/.cache/ser-gpu. */
  cacheDir?: string | null;
  onProgress?: (progress: ExtractProgress) => void;
}

export interface LoadedFeatureSet {
  set: FeatureSet;
  /** The cache file read or written (undefined without a cache). */
  cachePath?: string;
  fromCache: boolean;
  skipped: SkippedFile[];
}

export function defaultCacheDir(): string {
  return process.env.SER_GPU_CACHE ?? join(homedir(), '.cache', 'ser-gpu');
}

/** The corpus's features, from the cache when an identical extraction was cached before. */
export async function loadFeatureSet(inputs: readonly string[], options: LoadFeatureSetOptions): Promise<LoadedFeatureSet> {
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const { items } = await corpusItems(inputs);
  const cachePath = cacheDir ? join(cacheDir, `features-${cacheKey(items.map((i) => i.source), options.features)}.safetensors`) : undefined;
  if (cachePath && existsSync(cachePath)) {
    const file = readFeatureFile(cachePath);
    return { set: featureSetOf(file), cachePath, fromCache: true, skipped: JSON.parse(file.skippedJson ?? '[]') as SkippedFile[] };
  }
  const extracted = await extractFeatures(inputs, { backend: options.backend, features: options.features, onProgress: options.onProgress });
  if (cachePath && cacheDir) {
    mkdirSync(cacheDir, { recursive: true });
    writeFeatureFile(cachePath, { ...extracted, skippedJson: JSON.stringify(extracted.skipped) });
  }
  return { set: featureSetOf(extracted), cachePath, fromCache: false, skipped: extracted.skipped };
}

/** Every feature parameter and every file's identity (path, size, modification time). */
function cacheKey(sources: readonly string[], config: FeatureConfig): string {
  const files = sources.map((source) => {
    const path = splitZipSource(source)?.zipPath ?? source;
    const { size, mtimeMs } = statSync(path);
    return [source, size, mtimeMs];
  });
  return createHash('sha256').update(JSON.stringify({ format: FEATURE_FILE_FORMAT, config, files })).digest('hex').slice(0, 32);
}

/** Per-clip rows of a (padded) feature file. */
export function featureSetOf(file: FeatureFile): FeatureSet {
  const [n, bands, padded] = file.shape;
  const clips = Array.from({ length: n }, (_, c) => {
    const frames = file.lengths[c];
    const values = new Float32Array(bands * frames);
    for (let b = 0; b < bands; b++) values.set(file.features.subarray((c * bands + b) * padded, (c * bands + b) * padded + frames), b * frames);
    return { values, frames };
  });
  return { clips, labels: file.labels, actors: file.actors, sources: file.sources, labelNames: file.labelNames, bands, config: file.config };
}

/** Per-band mean and standard deviation over the valid frames of the given clips, in float64. */
export function bandStatistics(set: FeatureSet, indices: readonly number[]): Normalization {
  const { bands } = set;
  const sum = new Float64Array(bands);
  const sumSquares = new Float64Array(bands);
  let count = 0;
  for (const c of indices) {
    const { values, frames } = set.clips[c];
    for (let b = 0; b < bands; b++) {
      for (let t = 0; t < frames; t++) {
        const v = values[b * frames + t];
        sum[b] += v;
        sumSquares[b] += v * v;
      }
    }
    count += frames;
  }
  if (count === 0) throw new Error('bandStatistics: no frames to measure');
  const mean = Array.from(sum, (s) => s / count);
  // A constant band (e.g. all at the dB floor) gets std 1, so standardising leaves it at 0.
  const std = Array.from(sumSquares, (s, b) => Math.sqrt(Math.max(0, s / count - mean[b] ** 2)) || 1);
  return { mean, std };
}

/** Inverse-frequency class weights over the given clips, normalised to mean 1 over the classes present. */
export function classWeights(labels: ArrayLike<number>, indices: readonly number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const i of indices) counts[labels[i]]++;
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? indices.length / (present * c) : 0));
}

/** A seeded Fisher-Yates shuffle: the same (seed, keys) give the same order. */
export function shuffled<T>(items: readonly T[], ...seedParts: number[]): T[] {
  const random = mulberry32(mixSeed(...seedParts));
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export interface TrainingBatch {
  /** [N, 1, bands, width] raw features (standardised on the backend), zero after each window's end. */
  x: Float32Array;
  lengths: Int32Array;
  labels: Int32Array;
}

/** One random window of `width` frames from each clip (clips shorter than it start at 0 and are padded). */
export function trainingBatch(set: FeatureSet, clips: readonly number[], width: number, ...seedParts: number[]): TrainingBatch {
  const random = mulberry32(mixSeed(...seedParts));
  const x = new Float32Array(clips.length * set.bands * width);
  const lengths = new Int32Array(clips.length);
  clips.forEach((c, n) => {
    const { values, frames } = set.clips[c];
    lengths[n] = copyWindow(values, set.bands, frames, windowStart(random, frames, width), width, x, n * set.bands * width);
  });
  return { x, lengths, labels: Int32Array.from(clips, (c) => set.labels[c]) };
}

/** A random window's start frame in a clip of `frames` frames: 0 when it is no longer than the window. */
function windowStart(random: () => number, frames: number, width: number): number {
  return Math.floor(random() * (Math.max(0, frames - width) + 1));
}

export interface TrainingCrops {
  /** Each clip's samples under its window: views into the audio, not copies. */
  crops: Float32Array[];
  labels: Int32Array;
}

/**
 * trainingBatch's windows cut from the waveforms instead (audio[c] at the feature rate): the same draws give
 * the same start frames, and (width - 1) * hop samples from start * hop give `width` centred frames.
 */
export function trainingCrops(set: FeatureSet, audio: readonly Float32Array[], clips: readonly number[], width: number, ...seedParts: number[]): TrainingCrops {
  const random = mulberry32(mixSeed(...seedParts));
  const { hop } = set.config;
  const crops = clips.map((c) => {
    const from = windowStart(random, set.clips[c].frames, width) * hop;
    return audio[c].subarray(from, Math.min(audio[c].length, from + (width - 1) * hop));
  });
  return { crops, labels: Int32Array.from(clips, (c) => set.labels[c]) };
}
