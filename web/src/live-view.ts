// The microphone → a live scrolling log-Mel spectrogram. An AudioWorklet (mic-worklet.ts) posts mono blocks;
// every TICK_SECONDS of new audio, the last WINDOW_SECONDS go through the same GPU feature code as a dropped
// file, and the frames covering the new audio are drawn at the right edge of the canvas.
import { melSpectrogram } from '../../src/browser/ser-gpu.js';
import { maxOf, spectrogramImage } from './spectrogram-canvas.js';

const WINDOW_SECONDS = 1;
const TICK_SECONDS = 0.128;
/** Colours span this many dB below the loudest recent frame, as power_to_db's top_db does for a clip. */
const RANGE_DB = 80;

export interface LiveStats {
  running: boolean;
  /** The capture rate (the AudioContext's). */
  sampleRate: number;
  samples: number;
  /** GPU analyses finished, spectrogram columns drawn, and the last analysis's wall time. */
  analyses: number;
  frames: number;
  lastLatencyMs: number;
  /** The loudest value (dB) drawn so far. */
  maxDb: number;
  error: string | null;
}

export class LiveView {
  readonly stats: LiveStats = { running: false, sampleRate: 0, samples: 0, analyses: 0, frames: 0, lastLatencyMs: 0, maxDb: -Infinity, error: null };
  private ring = new Float32Array(0);
  private sinceAnalysis = 0;
  /** Frames owed to the canvas, fractional: capture and feature rates need not divide. */
  private owedFrames = 0;
  private busy = false;
  private vmax = -Infinity;
  private context: AudioContext | null = null;
  private stream: MediaStream | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly status: HTMLElement,
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
    this.ring = new Float32Array(Math.round(WINDOW_SECONDS * this.context.sampleRate));
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
    if (!this.busy && this.sinceAnalysis >= TICK_SECONDS * this.stats.sampleRate) void this.analyse();
  }

  private async analyse(): Promise<void> {
    this.busy = true;
    const rate = this.stats.sampleRate;
    const fresh = this.sinceAnalysis;
    this.sinceAnalysis = 0;
    const filled = Math.min(this.stats.samples, this.ring.length);
    const started = performance.now();
    try {
      const mel = await melSpectrogram({ samples: this.ring.slice(this.ring.length - filled), sampleRate: rate });
      this.stats.lastLatencyMs = performance.now() - started;
      this.stats.analyses++;
      this.draw(mel.values, mel.bands, mel.frames, (fresh * mel.config.sampleRate) / rate / mel.config.hop, Math.ceil(mel.config.nFft / 2 / mel.config.hop));
      this.status.textContent = `listening at ${rate} Hz · ${this.stats.lastLatencyMs.toFixed(0)} ms per analysis of ${WINDOW_SECONDS} s`;
    } catch (error) {
      this.stats.error = (error as Error).message;
      this.status.textContent = this.stats.error;
    } finally {
      this.busy = false;
    }
  }

  /** Scrolls the canvas left and draws the newest frames, leaving out the last `guard` (the STFT's zero-padded edge). */
  private draw(values: Float32Array, bands: number, frames: number, newFrames: number, guard: number): void {
    this.owedFrames += newFrames;
    const end = frames - guard;
    const count = Math.min(Math.floor(this.owedFrames), end);
    if (count <= 0) return;
    this.owedFrames -= count;
    let loudest = -Infinity;
    for (let b = 0; b < bands; b++) loudest = Math.max(loudest, maxOf(values.subarray(b * frames + end - count, b * frames + end)));
    // The colour scale follows the loudest recent audio, falling back slowly after a loud moment.
    this.vmax = Math.max(loudest, this.vmax - 0.5);
    const g = this.canvas.getContext('2d')!;
    g.drawImage(this.canvas, -count, 0);
    g.putImageData(spectrogramImage(values, bands, frames, this.vmax - RANGE_DB, this.vmax, end - count, end), this.canvas.width - count, 0);
    this.stats.frames += count;
    this.stats.maxDb = Math.max(this.stats.maxDb, loudest);
  }
}
