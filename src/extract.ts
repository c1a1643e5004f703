// The corpus → features pipeline behind `ser-gpu extract` and extractFeatures(): scan the inputs,
// decode clips on the CPU, resample and compute features on the backend in batches (decoding the
// next batch while the backend works), pad to one length, and write a safetensors file.
import { existsSync } from 'node:fs';
import { AUDIO_EXTENSIONS, splitZipSource } from './audio/index.js';
import type { Backend, BackendChoice } from './backend/types.js';
import { withBackend } from './backend/lifecycle.js';
import { loadCorpus, scanCorpus, labelVocabulary, type CorpusItem, type LoadedClip } from './data/index.js';
import { clipTooShort, featureConfig, type FeatureConfig } from './features/index.js';
import { clipFeatures, type ClipFeatures } from './features/clip-features.js';
import type { FeatureFile } from './data/feature-file.js';

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
    if (!existsSync(splitZipSource(input)?.zipPath ?? input)) throw new Error(`input not found: ${input}`);
  }
  const all = await scanCorpus(inputs);
  if (all.length === 0) throw new Error(`no audio files (${AUDIO_EXTENSIONS.join(', ')}) found in ${inputs.join(', ')}`);
  const labelNames = labelVocabulary(all.map((item) => item.labelName));
  if (limit === undefined || limit >= all.length) return { items: all, labelNames };
  if (!(limit >= 1)) throw new Error(`limit must be at least 1, got ${limit}`);
  return { items: Array.from({ length: limit }, (_, i) => all[Math.floor((i * all.length) / limit)]), labelNames };
}

/** The classic `extractFeatures(dir)`: one input or several (folders, zips, label CSVs, audio files). */
export async function extractFeatures(input: string | readonly string[], options: ExtractOptions = {}): Promise<ExtractedFeatures> {
  const inputs = typeof input === 'string' ? [input] : input;
  return withBackend(options.backend, (backend) => extractWith(backend, inputs, options));
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
