// The shortest clip the feature pipeline can compute, derived from the feature config, so that a clip too short
// is skipped and named like an undecodable file instead of stopping a corpus run. A clip needs 2 samples at the
// feature rate (packClips; pre-emphasis reads a neighbour), and with deltas `deltaWidth` frames, as librosa's
// delta(mode='interp') refuses fewer; with centred frames of `hop`, n samples make 1 + floor(n / hop) frames.
import type { FeatureConfig } from './config.js';

const MIN_SAMPLES = 2;

/** The fewest samples, at config.sampleRate, a clip may have. */
export function minClipSamples(config: FeatureConfig): number {
  return Math.max(MIN_SAMPLES, config.deltas > 0 ? (config.deltaWidth - 1) * config.hop : 0);
}

/** Why a clip of `length` samples at `sampleRate` is too short for these features, or null when it is not. */
export function clipTooShort(length: number, sampleRate: number, config: FeatureConfig): string | null {
  const least = minClipSamples(config);
  // The resampler's output length, ceil(n · up / down) (exact: integer products and a correctly rounded quotient).
  const resampled = Math.ceil((length * config.sampleRate) / sampleRate);
  if (resampled >= least) return null;
  const at = sampleRate === config.sampleRate ? '' : ` (${resampled} at the feature rate, ${config.sampleRate} Hz)`;
  const why = least === MIN_SAMPLES ? `${MIN_SAMPLES} samples for one frame` : `${config.deltaWidth} frames of hop ${config.hop} for deltas of width ${config.deltaWidth}`;
  return `too short for feature extraction: ${length} sample${length === 1 ? '' : 's'} at ${sampleRate} Hz${at}, fewer than ${least} (${why})`;
}
