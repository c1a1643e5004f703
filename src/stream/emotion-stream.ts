// Emotion estimates over a stream of audio, one per hop, as the audio arrives. Browser-safe (no file system):
// `ser-gpu listen` (src/app/listen.ts) feeds it stdin; a web page can feed it a microphone.
//
// Per hop: the incremental front end computes the new mel power frames only (src/stream/front-end.ts) into a
// ring the window's length; a voice-activity gate on the hop's audio level decides whether there is speech;
// if so, the window's mel frames go through the model's remaining feature stages, the classifier's
// standardisation, the model and the softmax, as `predict` treats a clip.
//
// Streaming semantics: the mel power frames are those of the whole signal (librosa's centre padding at the
// start and at the end of the stream). Everything after the mel power (power_to_db with its ref and top_db
// floor, MFCC, deltas) runs on the window as on a clip of those frames: the top_db floor is the window's
// maximum minus top_db, not the whole stream's, which a stream cannot know. So an estimate whose window holds
// every frame of the audio equals `predict` on that audio.
import type { Backend } from '../backend/types.js';
import type { FeatureConfig } from '../features/config.js';
import { melToFeatures } from '../features/index.js';
import type { EmotionClassifier } from '../infer/classifier.js';
import { FrameRing } from './frame-ring.js';
import { StreamFrontEnd } from './front-end.js';

/** Default gate: RAVDESS speech hops measure -50 to -25 dBFS, its pauses and a quiet room below -60. */
export const DEFAULT_SPEECH_DB = -55;
/** Levels are reported down to this (digital silence has none). */
const LEVEL_FLOOR_DB = -120;

export interface StreamSettings {
  /** Seconds of audio each estimate looks at; default the model's input window. */
  window?: number;
  /** Seconds between estimates; default 0.5. */
  hop?: number;
  /** A hop is speech when the RMS level of its audio is at least this many dBFS. */
  speechDb?: number;
}

export interface StreamEstimate {
  /** Seconds from the start of the stream: the window's first frame and its end. */
  start: number;
  end: number;
  /** The voice-activity gate's verdict on this hop's audio. */
  speech: boolean;
  /** RMS level of this hop's audio in dBFS, to 0.01 dB (floored at -120). */
  level: number;
  /** null when there is no speech. */
  emotion: string | null;
  probabilities: Record<string, number> | null;
}

export interface HopTiming {
  /** Wall-clock milliseconds of this hop's work: features, then the model (0 when the gate said silence). */
  totalMs: number;
  featuresMs: number;
  modelMs: number;
  /** New frames this hop computed. */
  frames: number;
}

export interface StreamEvent {
  estimate: StreamEstimate;
  timing: HopTiming;
}

export class EmotionStream {
  readonly windowFrames: number;
  readonly speechDb: number;
  private readonly frontEnd: StreamFrontEnd;
  private readonly ring: FrameRing;
  private readonly config: FeatureConfig;
  private readonly hopFrames: number;
  /** Estimates made so far. */
  private hops = 0;

  constructor(
    private readonly classifier: EmotionClassifier,
    inputRate: number,
    settings: StreamSettings = {},
  ) {
    this.config = classifier.meta.features;
    const framesPerSecond = this.config.sampleRate / this.config.hop;
    this.windowFrames = settings.window === undefined ? classifier.meta.frames : Math.round(settings.window * framesPerSecond);
    this.hopFrames = (settings.hop ?? 0.5) * framesPerSecond;
    this.speechDb = settings.speechDb ?? DEFAULT_SPEECH_DB;
    const minFrames = this.config.deltas > 0 ? this.config.deltaWidth : 1;
    if (!(this.windowFrames >= minFrames)) throw new Error(`listen: the window must hold at least ${minFrames} frames of ${1 / framesPerSecond} s`);
    if (!(Math.round(this.hopFrames) >= minFrames)) throw new Error(`listen: the hop must hold at least ${minFrames} frames of ${1 / framesPerSecond} s`);
    if (this.hopFrames > this.windowFrames) throw new Error(`listen: the hop (${settings.hop} s) must not exceed the window (${this.windowFrames / framesPerSecond} s)`);
    this.frontEnd = new StreamFrontEnd(classifier.backend, this.config, inputRate);
    this.ring = new FrameRing(this.frontEnd.bands, this.windowFrames);
  }

  /** Model-rate samples of the stream so far. */
  get samples(): number {
    return this.frontEnd.samples;
  }

  get backend(): Backend {
    return this.classifier.backend;
  }

  /**
   * Runs every kernel of a hop once on silence, so that the first real hops do not pay for compiling the
   * pipelines (about 0.5 s on lavapipe). Optional; it changes no estimate.
   */
  async warmUp(): Promise<void> {
    const frontEnd = new StreamFrontEnd(this.backend, this.config, this.frontEnd.inputRate);
    frontEnd.push(new Float32Array(Math.ceil(frontEnd.inputRate / 2)));
    frontEnd.end();
    await frontEnd.next(frontEnd.readyFrames);
    await this.classify(new Float32Array(this.frontEnd.bands * this.windowFrames), this.windowFrames);
  }

  /** Mono samples at the input rate; yields an estimate for each hop they complete. */
  async *push(samples: Float32Array): AsyncGenerator<StreamEvent> {
    this.frontEnd.push(samples);
    yield* this.readyHops();
  }

  /** The end of the stream: the hops it completes, then one estimate of whatever audio is left. */
  async *end(): AsyncGenerator<StreamEvent> {
    this.frontEnd.end();
    yield* this.readyHops();
    const total = this.frontEnd.readyFrames;
    if (total > this.frontEnd.computedFrames) yield await this.estimate(total);
  }

  private async *readyHops(): AsyncGenerator<StreamEvent> {
    for (;;) {
      const end = this.hopEnd(this.hops + 1);
      if (end > this.frontEnd.readyFrames) return;
      this.hops++;
      yield await this.estimate(end);
    }
  }

  /** The frame hop k ends at: hops of a fractional number of frames keep to the clock on average. */
  private hopEnd(k: number): number {
    return Math.round(k * this.hopFrames);
  }

  private async estimate(end: number): Promise<StreamEvent> {
    const started = performance.now();
    const fresh = await this.frontEnd.next(end);
    this.ring.push(fresh.mel, fresh.count);
    const featured = performance.now();
    const level = Math.round(100 * Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(fresh.rms))) / 100;
    const speech = level >= this.speechDb;
    const { values, frames } = this.ring.window(this.windowFrames);
    const prediction = speech ? await this.classify(values, frames) : null;
    const finished = performance.now();
    const { hop, sampleRate } = this.config;
    const estimate: StreamEstimate = {
      start: ((end - frames) * hop) / sampleRate,
      end: Math.min(end * hop, this.frontEnd.samples) / sampleRate,
      speech,
      level,
      emotion: prediction?.emotion ?? null,
      probabilities: prediction?.probabilities ?? null,
    };
    const timing = { totalMs: finished - started, featuresMs: featured - started, modelMs: finished - featured, frames: fresh.count };
    return { estimate, timing };
  }

  /** The window's mel power [bands, frames] → the model's features → the classifier, as predict runs a clip. */
  private async classify(mel: Float32Array, frames: number) {
    const { backend } = this;
    const power = backend.upload(mel, [1, this.frontEnd.bands, frames]);
    const features = melToFeatures(backend, { features: power, frames: [frames] }, this.config);
    power.dispose();
    const values = (await features.features.read()) as Float32Array;
    features.features.dispose();
    const [probabilities] = await this.classifier.probabilities([{ values, frames }]);
    return this.classifier.describe(probabilities);
  }
}
