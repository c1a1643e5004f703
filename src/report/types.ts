// What the run report is made of. The report module draws and writes; it never trains or touches a GPU,
// so `ser-gpu report DIR` rebuilds it from the run directory's files alone.
import type { EpochRecord, EvaluationRecord, RunInfo } from '../app/run-files.js';
import type { FeatureConfig } from '../features/config.js';

/** One example log-Mel spectrogram per emotion, in dB. */
export interface ExampleSpectrogram {
  label: string;
  source: string;
  /** Row-major [bands, frames]. */
  values: Float32Array;
  frames: number;
  config: FeatureConfig;
}

export interface RunReportInput {
  info: RunInfo;
  epochs: EpochRecord[];
  evaluations: EvaluationRecord[];
  examples: ExampleSpectrogram[];
  /** Shown at the top of the report: what is missing from the run directory, and why. */
  notes?: string[];
}
