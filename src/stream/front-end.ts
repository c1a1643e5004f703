// The incremental front end of a stream: audio at any rate arrives in pieces; each call computes only the
// new mel power frames, resampled and transformed on the backend with the existing ops (resample, STFT with
// the filterbank), and they equal the frames of the whole signal (test/app/listen.test.ts).
//
// Overlap-discard: the ops treat their input as a clip, with zeros outside it. A segment that starts far
// enough before the first new frame (the STFT's n_fft/2, the resampler's filter half-length) gives those
// frames exactly as the whole signal would; the frames at its edges, which saw the zeros, are dropped. At the
// start of the stream and at its end the zeros are librosa's centre padding and scipy's edges, so the first
// and the last frames need no special case. Segments start on a multiple of lcm(hop, up) so that the
// segment's frames and resampled samples fall on the whole signal's grid.
import type { Backend } from '../backend/types.js';
import { frameCount, type ClipBatch } from '../features/batch.js';
import type { FeatureConfig } from '../features/config.js';
import { resamplePlan, resampledLength, type ResamplePlan } from '../features/fir.js';
import { melSpectrogram } from '../features/mel.js';
import { clipReduce } from '../features/reduce.js';
import { resampleClips } from '../features/resample.js';

export interface StreamFrames {
  /** The first new frame's index in the stream. */
  first: number;
  /** New frames: row-major [bands, count] mel power. */
  mel: Float32Array;
  count: number;
  /** RMS of the model-rate samples the new frames' centres step over ([first·hop, (first + count)·hop)). */
  rms: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export class StreamFrontEnd {
  readonly bands: number;
  private readonly plan: ResamplePlan;
  private readonly resampled: boolean;
  /** Segment starts (model-rate samples) are multiples of this. */
  private readonly align: number;
  /** Model-rate samples at a segment's start that the resampler's zero padding reaches. */
  private readonly resampleMargin: number;
  /** Input samples kept: absolute input indices [inputStart, inputStart + input.length). */
  private input = new Float32Array(0);
  private inputStart = 0;
  private inputTotal = 0;
  private ended = false;
  /** Frames already returned. */
  private done = 0;

  constructor(
    private readonly backend: Backend,
    private readonly config: FeatureConfig,
    readonly inputRate: number,
  ) {
    if (config.normalize !== null) {
      throw new Error(`listen: the model's features normalise each clip by its ${config.normalize} (features.normalize), which a stream cannot know in advance`);
    }
    this.bands = config.nMels;
    this.plan = resamplePlan(inputRate, config.sampleRate);
    this.resampled = inputRate !== config.sampleRate;
    this.align = (config.hop * this.plan.up) / gcd(config.hop, this.plan.up);
    this.resampleMargin = this.resampled ? Math.ceil(this.plan.halfLen / this.plan.down) : 0;
  }

  /** Appends mono samples at the input rate. */
  push(samples: Float32Array): void {
    if (this.ended) throw new Error('StreamFrontEnd: push after end');
    if (samples.length === 0) return;
    const joined = new Float32Array(this.input.length + samples.length);
    joined.set(this.input);
    joined.set(samples, this.input.length);
    this.input = joined;
    this.inputTotal += samples.length;
  }

  /** No more input: the last frames become ready, with the whole signal's zero padding after the end. */
  end(): void {
    this.ended = true;
  }

  /** Model-rate samples of the stream so far (all of them once ended). */
  get samples(): number {
    return resampledLength(this.inputTotal, this.plan);
  }

  /** Frames that can be computed exactly now: all of the signal's once ended. */
  get readyFrames(): number {
    if (this.inputTotal === 0) return 0;
    if (this.ended) return frameCount(this.samples, this.config.hop);
    const M = this.config.nFft / 2;
    const valid = this.validSamples();
    return valid >= M ? Math.floor((valid - M) / this.config.hop) + 1 : 0;
  }

  get computedFrames(): number {
    return this.done;
  }

  /** Computes frames [computedFrames, upTo) (upTo <= readyFrames) on the backend and reads them back. */
  async next(upTo: number): Promise<StreamFrames> {
    const first = this.done;
    if (!(upTo > first && upTo <= this.readyFrames)) throw new Error(`StreamFrontEnd: frames ${first}..${upTo} are not ready (ready: ${this.readyFrames})`);
    const { hop } = this.config;
    const { up, down, halfLen } = this.plan;
    // Model-rate samples [start, end): the last kept frame ends at (upTo - 1)·hop + nFft/2; past the stream's
    // end the ops' zero padding is the whole signal's.
    const start = this.segmentStart(first);
    const end = Math.min(this.samples, (upTo - 1) * hop + this.config.nFft / 2);
    // The inputs they read: from start·down/up (an integer: start is a multiple of up) to the filter's reach.
    const inputFrom = (start * down) / up;
    const inputTo = Math.min(this.inputTotal, Math.floor(((end - 1) * down + halfLen) / up) + 1);
    const input = this.input.subarray(inputFrom - this.inputStart, inputTo - this.inputStart);
    const packed = this.backend.upload(input, [input.length]);
    const segment: ClipBatch = this.resampled
      ? resampleClips(this.backend, { samples: packed, offsets: [0], lengths: [input.length] }, this.inputRate, this.config.sampleRate)
      : { samples: packed, offsets: [0], lengths: [input.length] };
    if (segment.samples !== packed) packed.dispose();
    const clip: ClipBatch = { samples: segment.samples, offsets: [0], lengths: [end - start] };
    const mel = melSpectrogram(this.backend, clip, this.config);
    const hopFrom = first * hop - start;
    const hopCols = Math.min(upTo * hop, end) - first * hop;
    const rms = clipReduce(this.backend, segment.samples, [{ base: hopFrom, rows: 1, cols: hopCols }], 0, 'rms');
    segment.samples.dispose();
    const [values, level] = await Promise.all([mel.features.read(), rms.read()]);
    mel.features.dispose();
    rms.dispose();
    const segmentFrames = mel.frames[0];
    const skip = first - start / hop;
    const count = upTo - first;
    const out = new Float32Array(this.bands * count);
    for (let b = 0; b < this.bands; b++) out.set(values.subarray(b * segmentFrames + skip, b * segmentFrames + skip + count), b * count);
    this.done = upTo;
    this.dropInputBefore((this.segmentStart(upTo) * this.plan.down) / this.plan.up);
    return { first, mel: out, count, rms: level[0] };
  }

  /** Model-rate samples [0, n) that no longer depend on input yet to come. */
  private validSamples(): number {
    if (!this.resampled) return this.inputTotal;
    // Output m reads inputs up to floor((m·down + halfLen) / up).
    const { up, down, halfLen } = this.plan;
    return Math.max(0, Math.ceil((this.inputTotal * up - halfLen) / down));
  }

  /** The segment start for frames from `frame` on: aligned, and early enough that no kept frame sees its edge. */
  private segmentStart(frame: number): number {
    // Frame t reads samples from t·hop - nFft/2, and pre-emphasis one before it.
    const earliest = frame * this.config.hop - this.config.nFft / 2 - 1 - this.resampleMargin;
    return earliest <= 0 ? 0 : Math.floor(earliest / this.align) * this.align;
  }

  private dropInputBefore(index: number): void {
    const drop = Math.min(this.input.length, index - this.inputStart);
    if (drop <= 0) return;
    this.input = this.input.slice(drop);
    this.inputStart += drop;
  }
}
