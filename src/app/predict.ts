// `ser-gpu predict`, and the library's loadModel() and predictEmotion(): the emotion and the probabilities of
// each file (or of samples in memory), with an optional timeline of fixed-length segments for long recordings.
import { readAudio } from '../audio/index.js';
import type { Backend, BackendChoice } from '../backend/types.js';
import type { SkippedFile } from '../extract.js';
import { createClassifier } from '../infer/bundle.js';
import type { ClipFeatureRows, EmotionClassifier, EmotionPrediction, Samples } from '../infer/classifier.js';
import { withCorpusClassifier } from './corpus-classifier.js';
import { DEFAULT_MODEL_DIR, readModelFolder } from './model-folder.js';

export interface SegmentPrediction extends EmotionPrediction {
  /** Seconds from the start of the file. */
  start: number;
  end: number;
}

export interface FilePrediction extends EmotionPrediction {
  file: string;
  segments?: SegmentPrediction[];
}

export interface PredictOptions {
  /** A model folder; default the shipped pretrained model. */
  model?: string;
  /** Files, folders or zips. */
  inputs: readonly string[];
  /** Also classify consecutive segments of this many seconds. */
  segments?: number;
  backend?: Backend | BackendChoice;
}

export interface PredictResult {
  predictions: FilePrediction[];
  skipped: SkippedFile[];
}

export async function predictFiles(options: PredictOptions): Promise<PredictResult> {
  if (options.segments !== undefined && !(options.segments > 0)) throw new Error(`segments must be a positive number of seconds, got ${options.segments}`);
  const bundle = readModelFolder(options.model ?? DEFAULT_MODEL_DIR);
  return withCorpusClassifier(bundle, options.inputs, options.backend, async ({ classifier, set: { clips, sources }, skipped }) => {
    const whole = await classifier.probabilities(clips);
    const predictions: FilePrediction[] = whole.map((p, i) => ({ file: sources[i], ...classifier.describe(p) }));
    if (options.segments !== undefined) {
      const { sampleRate, hop } = bundle.meta.features;
      const framesPerSegment = Math.max(1, Math.round((options.segments * sampleRate) / hop));
      for (const [i, clip] of clips.entries()) predictions[i].segments = await segmentTimeline(classifier, clip, framesPerSegment, hop / sampleRate);
    }
    return { predictions, skipped };
  });
}

/** Consecutive segments of a clip's features, each classified alone. */
async function segmentTimeline(classifier: EmotionClassifier, clip: ClipFeatureRows, framesPerSegment: number, secondsPerFrame: number): Promise<SegmentPrediction[]> {
  const bands = clip.values.length / clip.frames;
  const parts: ClipFeatureRows[] = [];
  const starts: number[] = [];
  for (let start = 0; start < clip.frames; start += framesPerSegment) {
    const frames = Math.min(framesPerSegment, clip.frames - start);
    const values = new Float32Array(bands * frames);
    for (let b = 0; b < bands; b++) values.set(clip.values.subarray(b * clip.frames + start, b * clip.frames + start + frames), b * frames);
    parts.push({ values, frames });
    starts.push(start);
  }
  const probabilities = await classifier.probabilities(parts);
  return probabilities.map((p, i) => ({
    start: starts[i] * secondsPerFrame,
    end: (starts[i] + parts[i].frames) * secondsPerFrame,
    ...classifier.describe(p),
  }));
}

/** A model loaded on a backend, for many predictions; close() frees it (and the backend it created). */
export class LoadedModel {
  private constructor(
    readonly classifier: EmotionClassifier,
    readonly backend: Backend,
    private readonly ownsBackend: boolean,
    readonly path: string,
  ) {}

  /** The model folder at `path` (default: the shipped pretrained model) on `backend` (default: created, 'auto'). */
  static async load(path = DEFAULT_MODEL_DIR, backend: Backend | BackendChoice = 'auto'): Promise<LoadedModel> {
    const bundle = readModelFolder(path);
    const owns = typeof backend === 'string';
    const live = typeof backend === 'string' ? await (await import('../backend/create.js')).createBackend(backend) : backend;
    try {
      return new LoadedModel(createClassifier(live, bundle), live, owns, path);
    } catch (error) {
      if (owns) await live.destroy();
      throw error;
    }
  }

  get labels(): readonly string[] {
    return this.classifier.labels;
  }

  /** A file path (or "archive.zip:member") or samples in memory; an array gives an array. */
  predict(input: string | Samples): Promise<EmotionPrediction>;
  predict(inputs: readonly (string | Samples)[]): Promise<EmotionPrediction[]>;
  async predict(input: string | Samples | readonly (string | Samples)[]): Promise<EmotionPrediction | EmotionPrediction[]> {
    const many = Array.isArray(input);
    const items = (many ? input : [input]) as readonly (string | Samples)[];
    const clips = await Promise.all(items.map((item) => (typeof item === 'string' ? readAudio(item) : item)));
    const predictions = await this.classifier.predict(clips);
    return many ? predictions : predictions[0];
  }

  async close(): Promise<void> {
    this.classifier.dispose();
    if (this.ownsBackend) await this.backend.destroy();
  }
}

/** The classic loadModel(path?): the shipped model by default. */
export function loadModel(path?: string, options: { backend?: Backend | BackendChoice } = {}): Promise<LoadedModel> {
  return LoadedModel.load(path, options.backend);
}

/**
 * The classic predictEmotion(path): the emotion and probabilities of a file, samples in memory, or an array
 * of either. Without `model`, the shipped model is loaded for this call and freed after it.
 */
export function predictEmotion(input: string | Samples, options?: { model?: LoadedModel | string }): Promise<EmotionPrediction>;
export function predictEmotion(inputs: readonly (string | Samples)[], options?: { model?: LoadedModel | string }): Promise<EmotionPrediction[]>;
export async function predictEmotion(
  input: string | Samples | readonly (string | Samples)[],
  options: { model?: LoadedModel | string } = {},
): Promise<EmotionPrediction | EmotionPrediction[]> {
  if (options.model instanceof LoadedModel) return options.model.predict(input as never);
  const model = await LoadedModel.load(options.model);
  try {
    return await model.predict(input as never);
  } finally {
    await model.close();
  }
}
