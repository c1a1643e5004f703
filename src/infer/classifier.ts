// The inference core: clips → features on the backend → windows → per-band standardisation → the model in
// eval mode → softmax, probabilities averaged over each clip's windows. Browser-safe (no file system), so
// the CLI, the library API and the web app run the same code.
import type { Backend } from '../backend/types.js';
import { clipFeatures } from '../features/clip-features.js';
import type { ModelMeta } from './model-meta.js';
import { Model } from '../nn/model.js';
import { softmax } from '../ops/scores.js';
import { standardize } from '../ops/standardize.js';
import type { Tensor } from '../tensor.js';
import { copyWindow, windowStarts } from './windows.js';

/** Audio for inference: mono samples at any rate (resampled to the model's on the backend). */
export interface Samples {
  samples: Float32Array;
  sampleRate: number;
}

export interface EmotionPrediction {
  emotion: string;
  probabilities: Record<string, number>;
}

/** Features of one clip as the model's front end computes them: row-major [bands, frames]. */
export interface ClipFeatureRows {
  values: Float32Array;
  frames: number;
}

/** Windows per batch at most; fewer where the largest activation of a batch would not fit one binding. */
const MAX_BATCH = 64;

export class EmotionClassifier {
  readonly labels: readonly string[];
  private readonly mean: Tensor;
  private readonly invStd: Tensor;

  constructor(
    readonly backend: Backend,
    readonly model: Model,
    readonly meta: Pick<ModelMeta, 'features' | 'labels' | 'frames' | 'normalization'>,
    private readonly options: { batchSize?: number; ownsModel?: boolean } = {},
  ) {
    this.labels = meta.labels;
    this.mean = backend.upload(meta.normalization.mean, [meta.normalization.mean.length]);
    this.invStd = backend.upload(Float32Array.from(meta.normalization.std, (s) => 1 / s), [meta.normalization.std.length]);
  }

  get bands(): number {
    return this.meta.normalization.mean.length;
  }

  /** Probabilities and the most likely emotion of each clip. */
  async predict(clips: readonly Samples[]): Promise<EmotionPrediction[]> {
    return (await this.probabilities(await this.features(clips))).map((p) => this.describe(p));
  }

  /** The model's front end on a batch of clips. */
  async features(clips: readonly Samples[]): Promise<ClipFeatureRows[]> {
    if (clips.length === 0) return [];
    const withSources = clips.map((c, i) => ({ samples: c.samples, sampleRate: c.sampleRate, source: `clip ${i}` }));
    const { perClip, frames } = await clipFeatures(this.backend, withSources, this.meta.features);
    return perClip.map((values, i) => ({ values, frames: frames[i] }));
  }

  /** [classes] probabilities per clip: the mean over its windows of the softmax of the logits. */
  async probabilities(clips: readonly ClipFeatureRows[]): Promise<Float32Array[]> {
    const width = this.meta.frames;
    const windows = clips.flatMap((clip, c) => windowStarts(clip.frames, width).map((start) => ({ c, start })));
    const K = this.labels.length;
    const sums = clips.map(() => new Float64Array(K));
    const counts = new Array<number>(clips.length).fill(0);
    const batchSize = this.options.batchSize ?? this.batchLimit();
    for (let first = 0; first < windows.length; first += batchSize) {
      const batch = windows.slice(first, first + batchSize);
      const probs = await this.windowProbabilities(batch.map(({ c, start }) => ({ clip: clips[c], start })));
      batch.forEach(({ c }, n) => {
        for (let k = 0; k < K; k++) sums[c][k] += probs[n * K + k];
        counts[c]++;
      });
    }
    return sums.map((sum, c) => Float32Array.from(sum, (s) => s / counts[c]));
  }

  /** Windows per batch such that every layer's output for the batch fits the backend's largest binding. */
  private batchLimit(): number {
    const largest = Math.max(...this.model.shapes.map((s) => s.output.reduce((a, b) => a * b, 4)), this.bands * this.meta.frames * 4);
    return Math.max(1, Math.min(MAX_BATCH, Math.floor(this.backend.maxBindingBytes / largest)));
  }

  describe(probabilities: Float32Array): EmotionPrediction {
    let best = 0;
    probabilities.forEach((p, k) => {
      if (p > probabilities[best]) best = k;
    });
    return { emotion: this.labels[best], probabilities: Object.fromEntries(this.labels.map((label, k) => [label, probabilities[k]])) };
  }

  /**
   * Windows x [N, (1,) bands, frames] standardised with the model's statistics, zero after lengths (i32 [N]);
   * with `width`, into windows of that many frames instead (cropped or zero-padded).
   */
  standardize(x: Tensor, lengths: Tensor, width?: number): Tensor {
    return standardize(this.backend, x, lengths, this.mean, this.invStd, width);
  }

  /** Frees the statistics, and the model when the classifier was given it to own. */
  dispose(): void {
    this.mean.dispose();
    this.invStd.dispose();
    if (this.options.ownsModel) this.model.dispose();
  }

  /** Softmax [N, classes] of one batch of windows. */
  private async windowProbabilities(windows: readonly { clip: ClipFeatureRows; start: number }[]): Promise<Float32Array> {
    const { bands } = this;
    const width = this.meta.frames;
    const host = new Float32Array(windows.length * bands * width);
    const lengths = Int32Array.from(windows, ({ clip, start }, n) => copyWindow(clip.values, bands, clip.frames, start, width, host, n * bands * width));
    const x = this.backend.upload(host, [windows.length, 1, bands, width]);
    const valid = this.backend.upload(lengths, [windows.length], 'i32');
    const input = this.standardize(x, valid);
    x.dispose();
    valid.dispose();
    const logits = this.model.predictLogits(input);
    input.dispose();
    const probs = softmax(this.backend, logits);
    logits.dispose();
    const values = (await probs.read()) as Float32Array;
    probs.dispose();
    return values;
  }
}
