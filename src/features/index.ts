// The feature pipeline: clips at the feature rate → STFT / mel / log-mel / MFCC (+ deltas) for a whole batch,
// every numeric step on the backend, the result left there as one [N, bands, maxFrames] tensor.
import type { Backend } from '../backend/types.js';
import { packClips, type ClipBatch, type FeatureBatch } from './batch.js';
import { featureConfig, type FeatureConfig } from './config.js';
import { powerToDb } from './db.js';
import { stackDeltas } from './delta.js';
import { melSpectrogram } from './mel.js';
import { mfcc } from './mfcc.js';
import { stft } from './stft.js';

export { featureConfig, type FeatureConfig, type FeatureKind, type WindowName } from './config.js';
export { packClips, frameCount, type ClipBatch, type FeatureBatch } from './batch.js';
export { stft, stftReference, type StftOptions } from './stft.js';
export { melSpectrogram, melBank, melSpectrogramReference, type MelSpectrogramOptions } from './mel.js';
export { powerToDb, powerToDbReference, type DbOptions } from './db.js';
export { mfcc, mfccReference } from './mfcc.js';
export { delta, stackDeltas, deltaReference } from './delta.js';
export { resample, resampleClips, resampleReference } from './resample.js';
export { melFilterbank, analysisWindow, dctMatrix, hzToMel, melToHz } from './filters.js';
export { resamplePlan } from './fir.js';
export { clipTooShort, minClipSamples } from './min-length.js';

/**
 * Features of a batch of clips (already at config.sampleRate): [N, bands, maxFrames] with frames[c] =
 * 1 + floor(length / hop) valid frames per clip and zeros after them. bands: nFft/2 + 1 ('stft'), nMels
 * ('mel', 'logmel') or nMfcc ('mfcc'), times 1 + deltas. Recorded without reading back; a packed batch is
 * left to its owner, arrays are uploaded and freed here.
 */
export function computeFeatures(backend: Backend, clips: readonly Float32Array[] | ClipBatch, config: Partial<FeatureConfig> = {}): FeatureBatch {
  const c = featureConfig(config);
  const batch = 'samples' in clips ? clips : packClips(backend, clips);
  const spectral = c.kind === 'stft' ? stft(backend, batch, c) : melSpectrogram(backend, batch, c);
  if (batch !== clips) batch.samples.dispose();
  if (c.kind === 'logmel' || c.kind === 'mfcc') {
    const out = melToFeatures(backend, spectral, c);
    spectral.features.dispose();
    return out;
  }
  if (c.deltas === 0) return spectral;
  const stacked = stackDeltas(backend, spectral, c.deltas as 1 | 2, c.deltaWidth);
  spectral.features.dispose();
  return stacked;
}

/**
 * The stages after the mel power spectrogram of a 'logmel' or 'mfcc' config: power_to_db (each clip's own
 * maximum for ref='max' and the top_db floor), MFCC and deltas. The streaming front end (src/stream/) runs
 * them on each window's mel frames, so a window is treated as a clip from the mel power on. `mel` is left
 * to its owner.
 */
export function melToFeatures(backend: Backend, mel: FeatureBatch, config: FeatureConfig): FeatureBatch {
  if (config.kind !== 'logmel' && config.kind !== 'mfcc') throw new Error(`melToFeatures: kind ${config.kind} has no stages after the mel power`);
  let out = powerToDb(backend, mel, config);
  if (config.kind === 'mfcc') {
    const coefficients = mfcc(backend, out, config.nMfcc);
    out.features.dispose();
    out = coefficients;
  }
  if (config.deltas > 0) {
    const stacked = stackDeltas(backend, out, config.deltas as 1 | 2, config.deltaWidth);
    out.features.dispose();
    out = stacked;
  }
  return out;
}
