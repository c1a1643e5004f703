// The microphone → a live scrolling log-Mel spectrogram and emotion probabilities over time. An AudioWorklet
// (mic-worklet.ts) posts mono blocks; every TICK_SECONDS of new audio, the last WINDOW_SECONDS go through the
// same GPU feature code as a dropped file, and the frames covering the new audio are drawn at the right edge
// of the canvas; every PREDICT_SECONDS, the model's window of the newest audio goes through the model.
import { predictEmotion, type ModelInfo } from '../../src/browser/emotion.js';
import { melSpectrogram } from '../../src/browser/ser-gpu.js';
import type { EmotionPrediction } from '../../src/infer/classifier.js';
import { drawProbabilityColumn } from './emotion-view.js';
import type { LiveStats } from './live-stats.js';
import { maxOf, spectrogramImage } from './spectrogram-canvas.js';

const WINDOW_SECONDS = 1;
const TICK_SECONDS = 0.128;
/** Colours span this many dB below the loudest recent frame, as power_to_db's top_db does for a clip. */
const RANGE_DB = 80;
/** A prediction every half second, as `ser-gpu listen`'s default hop, or less often where the GPU is slow. */
const PREDICT_SECONDS = 0.5;
/** Predictions take at most this share of the time, so the spectrogram keeps its GPU time on slow adapters. */
const PREDICT_SHARE = 0.5;
/** Below this RMS (about -50 dBFS) the window is silence: no emotion is claimed for it. */
const SILENCE_RMS = 0.003;
/** Canvas pixels per second: one spectrogram column (hop 256 at 16 kHz) per pixel, the strip in step with it. */
const PIXELS_PER_SECOND = 16000 / 256;

export class LiveView {
  readonly stats: LiveStats = { running: false, sampleRate: 0, samples: 0, analyses: 0, frames: 0, lastLatencyMs: 0, dropped: 0, maxDb: -Infinity, predictions: 0, silent: 0, lastPredictionMs: 0, emotion: null, probabilities: null, error: null };
  private ring = new Float32Array(0);
  private sinceAnalysis = 0;
  /** Frames owed to the canvas, fractional: capture and feature rates need not divide. */
  private owedFrames = 0;
  private busy = false;
  private predicting = false;
  private sincePrediction = 0;
  private vmax = -Infinity;
  private context: AudioContext | null = null;
  private stream: MediaStream | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly status: HTMLElement,
    /** The emotion strip and line, when a model is served. */
    private readonly emotions: { model: ModelInfo; strip: HTMLCanvasElement; line: HTMLElement } | null,
  ) {}

  async start(): Promise<void> {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    this.context = new AudioContext();
    await this.context.audioWorklet.addModule(new URL('mic-worklet.js', import.meta.url));
    const tap = new AudioWorkletNode(this.context, 'ser-gpu-mic');
    tap.port.onmessage = (event: MessageEvent<Float32Array>) => this.push(event.data);
    this.context.createMediaStreamSource(this.stream).connect(tap);
    tap.connect(this.context.destination); // pulls the graph; the tap writes no output, so this is silent
    await this.context.resume();
    const seconds = Math.max(WINDOW_SECONDS, this.emotions?.model.windowSeconds ?? 0);
    this.ring = new Float32Array(Math.round(seconds * this.context.sampleRate));
    Object.assign(this.stats, { running: true, sampleRate: this.context.sampleRate, error: null });
    this.status.textContent = `listening at ${this.context.sampleRate} Hz`;
  }

  async stop(): Promise<void> {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    await this.context?.close();
    this.context = null;
    this.stats.running = false;
    this.status.textContent = 'stopped';
  }

  private push(block: Float32Array): void {
    // The ring holds the newest WINDOW_SECONDS, oldest first.
    const keep = this.ring.length - block.length;
    this.ring.copyWithin(0, block.length);
    this.ring.set(block, keep);
    this.stats.samples += block.length;
    this.sinceAnalysis += block.length;
    this.sincePrediction += block.length;
    if (!this.busy && this.sinceAnalysis >= TICK_SECONDS * this.stats.sampleRate) void this.analyse();
    const predictEvery = Math.max(PREDICT_SECONDS, this.stats.lastPredictionMs / 1000 / PREDICT_SHARE);
    if (this.emotions && !this.predicting && this.sincePrediction >= predictEvery * this.stats.sampleRate) void this.predict(this.emotions);
  }

  /** The newest `seconds` of audio (less while the capture is younger). */
  private newest(seconds: number): Float32Array {
    const wanted = Math.min(this.stats.samples, this.ring.length, Math.round(seconds * this.stats.sampleRate));
    return this.ring.slice(this.ring.length - wanted);
  }

  private async predict({ model, strip, line }: NonNullable<LiveView['emotions']>): Promise<void> {
    this.predicting = true;
    const elapsed = this.sincePrediction / this.stats.sampleRate;
    this.sincePrediction = 0;
    const samples = this.newest(model.windowSeconds);
    try {
      let rms = 0;
      for (const s of samples) rms += s * s;
      rms = Math.sqrt(rms / samples.length);
      const started = performance.now();
      const prediction: EmotionPrediction | null = rms < SILENCE_RMS ? null : await predictEmotion({ samples, sampleRate: this.stats.sampleRate });
      if (prediction) this.stats.lastPredictionMs = performance.now() - started;
      this.stats.predictions++;
      if (!prediction) this.stats.silent++;
      this.stats.emotion = prediction?.emotion ?? null;
      this.stats.probabilities = prediction?.probabilities ?? null;
      drawProbabilityColumn(strip, model.labels, prediction, Math.max(1, Math.round(elapsed * PIXELS_PER_SECOND)));
      line.textContent = prediction
        ? `${prediction.emotion} ${(100 * prediction.probabilities[prediction.emotion]).toFixed(0)}% (the last ${(samples.length / this.stats.sampleRate).toFixed(1)} s)`
        : 'silence: no emotion';
    } catch (error) {
      this.stats.error = (error as Error).message;
      this.status.textContent = this.stats.error;
    } finally {
      this.predicting = false;
    }
  }

  private async analyse(): Promise<void> {
    this.busy = true;
    const rate = this.stats.sampleRate;
    const fresh = this.sinceAnalysis;
    this.sinceAnalysis = 0;
    const started = performance.now();
    try {
      const samples = this.newest(WINDOW_SECONDS);
      const full = samples.length >= Math.round(WINDOW_SECONDS * rate);
      const mel = await melSpectrogram({ samples, sampleRate: rate });
      this.stats.lastLatencyMs = performance.now() - started;
      this.stats.analyses++;
      this.draw(mel.values, mel.bands, mel.frames, (fresh * mel.config.sampleRate) / rate / mel.config.hop, Math.ceil(mel.config.nFft / 2 / mel.config.hop), full);
      this.status.textContent = `listening at ${rate} Hz · ${this.stats.lastLatencyMs.toFixed(0)} ms per analysis of ${WINDOW_SECONDS} s`;
    } catch (error) {
      this.stats.error = (error as Error).message;
      this.status.textContent = this.stats.error;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Scrolls the canvas left and draws the frames not drawn yet, leaving out the last `guard` (the STFT's
   * zero-padded edge). Once the window is `full`, frames owed beyond it have left it: counted as dropped, the
   * canvas scrolls on; before, they are still to come out of the guard.
   */
  private draw(values: Float32Array, bands: number, frames: number, newFrames: number, guard: number, full: boolean): void {
    this.owedFrames += newFrames;
    const end = frames - guard;
    const lost = full ? Math.max(0, Math.floor(this.owedFrames) - end) : 0;
    this.owedFrames -= lost;
    this.stats.dropped += lost;
    const count = Math.min(Math.floor(this.owedFrames), end);
    if (count <= 0) return;
    this.owedFrames -= count;
    let loudest = -Infinity;
    for (let b = 0; b < bands; b++) loudest = Math.max(loudest, maxOf(values.subarray(b * frames + end - count, b * frames + end)));
    // The colour scale follows the loudest recent audio, falling back slowly after a loud moment.
    this.vmax = Math.max(loudest, this.vmax - 0.5);
    const g = this.canvas.getContext('2d')!;
    g.drawImage(this.canvas, -(count + lost), 0);
    if (lost > 0) g.clearRect(this.canvas.width - count - lost, 0, lost, this.canvas.height);
    g.putImageData(spectrogramImage(values, bands, frames, this.vmax - RANGE_DB, this.vmax, end - count, end), this.canvas.width - count, 0);
    this.stats.frames += count;
    this.stats.maxDb = Math.max(this.stats.maxDb, loudest);
  }
}
