// What the live view reports (window.serGpu.live): for the page's status line and for tests. No DOM types,
// so the Node test program can import it.

export interface LiveStats {
  running: boolean;
  /** The capture rate (the AudioContext's). */
  sampleRate: number;
  samples: number;
  /** GPU analyses finished, spectrogram columns drawn, and the last analysis's wall time. */
  analyses: number;
  frames: number;
  lastLatencyMs: number;
  /** Columns of audio that left the analysis window before the GPU got to them (it was busy), not drawn. */
  dropped: number;
  /** The loudest value (dB) drawn so far. */
  maxDb: number;
  /** Model predictions made, how many of those windows were silence, and the latest emotion (null: silence). */
  predictions: number;
  silent: number;
  /** The last prediction's wall time. */
  lastPredictionMs: number;
  emotion: string | null;
  probabilities: Record<string, number> | null;
  error: string | null;
}
