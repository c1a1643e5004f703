// The corpus → features pipeline behind `ser-gpu extract` and extractFeatures(): scan the inputs,
// decode clips on the CPU, resample and compute features on the backend in batches (decoding the
// next batch while the backend works), pad to one length, and write a safetensors file.
import { existsSync } from 'node:fs';
import { AUDIO_EXTENSIONS, type AudioClip } from './audio/index.js';
import type { Backend, BackendChoice } from './backend/types.js';
import type { HostArray } from './tensor.js';
import { loadCorpus, scanCorpus, labelVocabulary, type CorpusItem, type LoadedClip } from './data/index.js';
import { clipTooShort, computeFeatures, featureConfig, packClips, resampleClips, type FeatureConfig } from './features/index.js';
import { readSafetensors, writeSafetensors } from './io/safetensors.js';

export interface ExtractOptions {
  /** Feature parameters; unset fields take the defaults of featureConfig(). */
  features?: Partial<FeatureConfig>;
  /** A backend to use (left open), or which one to create (and destroy afterwards). Default 'auto'. */
  backend?: Backend | BackendChoice;
  /** Clips per backend batch. */
  batchSize?: number;
  /** Only this many clips, spread evenly over the sorted corpus (a quick, representative run). */
  limit?: number;
  /** Called once the corpus is scanned, then after every batch. */
  onProgress?: (progress: ExtractProgress) => void;
}

export interface ExtractProgress {
  /** Files handled so far: decoded or skipped. */
  done: number;
  total: number;
  skipped: number;
  audioSeconds: number;
  elapsedSeconds: number;
}

export interface SkippedFile {
  source: string;
  error: string;
}

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
}

/** What an extraction run produced: the feature file's contents, the files skipped and the timings. */
export interface ExtractedFeatures extends FeatureFile {
  skipped: SkippedFile[];
  stats: { clips: number; audioSeconds: number; seconds: number; backend: string };
}

const DEFAULT_BATCH_SIZE = 32;

/**
 * Scans, checks and (with `limit`) thins out the inputs; errors name the offending path. The label
 * names are those of the whole corpus, so a limited run numbers its labels as a full one does.
 */
export async function corpusItems(inputs: readonly string[], limit?: number): Promise<{ items: CorpusItem[]; labelNames: string[] }> {
  if (inputs.length === 0) throw new Error('no input given: name a folder, .zip archive, label CSV or audio file');
  for (const input of inputs) {
    if (!existsSync(input)) throw new Error(`input not found: ${input}`);
  }
  const all = await scanCorpus(inputs);
  if (all.length === 0) throw new Error(`no audio files (${AUDIO_EXTENSIONS.join(', ')}) found in ${inputs.join(', ')}`);
  const labelNames = labelVocabulary(all.map((item) => item.labelName));
  if (limit === undefined || limit >= all.length) return { items: all, labelNames };
  if (!(limit >= 1)) throw new Error(`limit must be at least 1, got ${limit}`);
  return { items: Array.from({ length: limit }, (_, i) => all[Math.floor((i * all.length) / limit)]), labelNames };
}

export async function extractFeatures(inputs: readonly string[], options: ExtractOptions = {}): Promise<ExtractedFeatures> {
  const choice = options.backend ?? 'auto';
  if (typeof choice !== 'string') return extractWith(choice, inputs, options);
  const { createBackend } = await import('./backend/create.js');
  const backend = await createBackend(choice);
  try {
    return await extractWith(backend, inputs, options);
  } finally {
    await backend.destroy();
  }
}

async function extractWith(backend: Backend, inputs: readonly string[], options: ExtractOptions): Promise<ExtractedFeatures> {
  const config = featureConfig(options.features);
  const { items, labelNames } = await corpusItems(inputs, options.limit);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a whole number of clips >= 1, got ${batchSize}`);
  const started = performance.now();
  const skipped: SkippedFile[] = [];
  const clips: { item: CorpusItem; values: Float32Array; frames: number }[] = [];
  let bands = 0;
  let audioSeconds = 0;
  const report = () =>
    options.onProgress?.({
      done: clips.length + skipped.length,
      total: items.length,
      skipped: skipped.length,
      audioSeconds,
      elapsedSeconds: (performance.now() - started) / 1000,
    });
  report();

  const loader = loadCorpus(items, {
    onError: ({ source, error }) => skipped.push({ source, error: error.problem }),
    check: (clip) => clipTooShort(clip.samples.length, clip.sampleRate, config),
  });
  const collect = (batch: LoadedClip[], result: ClipFeatures) => {
    bands = result.bands;
    batch.forEach(({ item, clip }, i) => {
      audioSeconds += clip.samples.length / clip.sampleRate;
      clips.push({ item, values: result.perClip[i], frames: result.frames[i] });
    });
    report();
  };
  // Two batches in flight: the GPU computes one while this thread packs and submits the next, and the
  // decoding threads fill the one after.
  let pending = nextBatch(loader, batchSize);
  let computing: { batch: LoadedClip[]; result: Promise<ClipFeatures> } | null = null;
  for (;;) {
    const batch = await pending;
    if (batch.length > 0) pending = nextBatch(loader, batchSize);
    // If the backend fails below, these promises are abandoned: keep their rejections from going unhandled.
    pending.catch(() => undefined);
    const started = batch.length > 0 ? { batch, result: clipFeatures(backend, batch.map(({ clip }) => clip), config) } : null;
    started?.result.catch(() => undefined);
    if (computing) collect(computing.batch, await computing.result);
    computing = started;
    if (!computing) break;
  }
  if (clips.length === 0) {
    throw new Error(`none of the ${items.length} audio files could be decoded:\n${skipped.map((s) => `  ${s.source}: ${s.error}`).join('\n')}`);
  }

  const maxFrames = clips.reduce((most, c) => Math.max(most, c.frames), 0);
  const features = new Float32Array(clips.length * bands * maxFrames);
  clips.forEach(({ values, frames }, n) => {
    for (let b = 0; b < bands; b++) features.set(values.subarray(b * frames, (b + 1) * frames), (n * bands + b) * maxFrames);
  });
  const kept = clips.map((c) => c.item);
  return {
    features,
    shape: [clips.length, bands, maxFrames],
    lengths: Int32Array.from(clips, (c) => c.frames),
    labels: Int32Array.from(kept, (item) => item.label),
    actors: Int32Array.from(kept, (item) => item.actor),
    sources: kept.map((item) => item.source),
    labelNames,
    config,
    skipped,
    stats: { clips: clips.length, audioSeconds, seconds: (performance.now() - started) / 1000, backend: backend.name },
  };
}

async function nextBatch(loader: AsyncGenerator<LoadedClip>, size: number): Promise<LoadedClip[]> {
  const batch: LoadedClip[] = [];
  while (batch.length < size) {
    const next = await loader.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}

export interface ClipFeatures {
  bands: number;
  /** Valid frames of each clip. */
  frames: number[];
  /** Each clip's [bands, frames[i]] features, row-major. */
  perClip: Float32Array[];
}

/**
 * Decoded clips through the backend: pack, resample to the feature rate, features, read back. One pass
 * per sample rate present (usually one), as the resampler takes a batch of one rate. Everything is recorded
 * and submitted before the returned promise first waits, so a caller may start the next batch while the
 * GPU works on this one.
 */
export function clipFeatures(backend: Backend, clips: readonly AudioClip[], config: FeatureConfig): Promise<ClipFeatures> {
  const passes = [...groupByRate(clips)].map(([rate, indices]) => {
    const packed = packClips(backend, indices.map((i) => clips[i].samples));
    const input = rate === config.sampleRate ? packed : resampleClips(backend, packed, rate, config.sampleRate);
    if (input !== packed) packed.samples.dispose();
    const out = computeFeatures(backend, input, config);
    input.samples.dispose();
    const values = out.features.read();
    out.features.dispose(); // its buffer returns to the pool only after the read's copy, in stream order
    return { indices, frames: out.frames, shape: out.features.shape, values };
  });
  return gatherClipFeatures(passes, clips.length);
}

async function gatherClipFeatures(
  passes: { indices: number[]; frames: number[]; shape: readonly number[]; values: Promise<HostArray> }[],
  clipCount: number,
): Promise<ClipFeatures> {
  const perClip: Float32Array[] = new Array(clipCount);
  const frames: number[] = new Array(clipCount);
  let bands = 0;
  // Every pass's read has started; wait for all, so that none is left to reject unobserved.
  const values = await Promise.all(passes.map((pass) => pass.values));
  passes.forEach((pass, p) => {
    const [, passBands, padded] = pass.shape;
    bands = passBands;
    const data = values[p] as Float32Array;
    pass.indices.forEach((clipIndex, n) => {
      const valid = pass.frames[n];
      const clip = new Float32Array(bands * valid);
      for (let b = 0; b < bands; b++) clip.set(data.subarray((n * bands + b) * padded, (n * bands + b) * padded + valid), b * valid);
      perClip[clipIndex] = clip;
      frames[clipIndex] = valid;
    });
  });
  return { bands, frames, perClip };
}

function groupByRate(clips: readonly AudioClip[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  clips.forEach((clip, i) => groups.set(clip.sampleRate, [...(groups.get(clip.sampleRate) ?? []), i]));
  return groups;
}

/** The `format` entry of a feature file's metadata: bump it when the layout changes. */
export const FEATURE_FILE_FORMAT = 'ser-gpu-features/1';

/** Writes features, lengths, labels, actors and the metadata another tool needs, atomically. */
export function writeFeatureFile(path: string, extracted: ExtractedFeatures): void {
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
      backend: extracted.stats.backend,
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
  };
}

export function formatExtractSummary(extracted: ExtractedFeatures, outPath: string): string {
  const { clips, audioSeconds, seconds, backend } = extracted.stats;
  const [, bands, frames] = extracted.shape;
  const lines = [
    `wrote ${outPath}: ${clips} clips x ${bands} ${extracted.config.kind} bands x ${frames} frames (${backend})`,
    `  ${audioSeconds.toFixed(1)} s of audio in ${seconds.toFixed(1)} s: ${(clips / seconds).toFixed(1)} clips/s, ${(audioSeconds / seconds).toFixed(0)}x real time`,
  ];
  if (extracted.skipped.length > 0) {
    lines.push(`  skipped ${extracted.skipped.length} file${extracted.skipped.length === 1 ? '' : 's'} that could not be decoded:`);
    lines.push(...extracted.skipped.map((s) => `    ${s.source}: ${s.error}`));
  }
  return lines.join('\n') + '\n';
}
