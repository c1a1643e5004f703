// A training batch through the waveform augmentations: each clip's random window cut from its audio, packed,
// augmented (pitch, stretch, gain, noise), turned into features and standardised into the model's windows,
// all on the backend. Only the crop (a view) and the packing copy happen on the host.
import type { AugmentConfig } from '../augment/index.js';
import { augmentWaveforms } from '../augment/index.js';
import type { Backend } from '../backend/types.js';
import { trainingCrops, type FeatureSet } from '../data/dataset.js';
import { packClips } from '../features/batch.js';
import { computeFeatures } from '../features/index.js';
import type { EmotionClassifier } from '../infer/classifier.js';
import type { Tensor } from '../tensor.js';

/** A step's standardised windows, however they were made. */
export interface WindowBatch {
  /** [N, bands, width] standardised, zero after each window's valid frames. */
  x: Tensor;
  /** Valid frames per window (at most width). */
  lengths: number[];
  labels: Int32Array;
}

export function waveformBatch(
  backend: Backend,
  classifier: EmotionClassifier,
  set: FeatureSet,
  audio: readonly Float32Array[],
  clips: readonly number[],
  width: number,
  augment: AugmentConfig,
  augmentSeed: number,
  windowSeed: readonly number[],
): WindowBatch {
  const { crops, labels } = trainingCrops(set, audio, clips, width, ...windowSeed);
  const packed = packClips(backend, crops);
  const augmented = augmentWaveforms(backend, packed, augment, augmentSeed);
  // A clip stretched longer keeps its window's worth of samples: (width - 1) * hop gives `width` frames.
  const most = (width - 1) * set.config.hop;
  const features = computeFeatures(backend, { ...augmented, lengths: augmented.lengths.map((n) => Math.min(n, most)) }, set.config);
  if (augmented !== packed) augmented.samples.dispose();
  packed.samples.dispose();
  const lengths = features.frames.map((f) => Math.min(f, width));
  const valid = backend.upload(Int32Array.from(lengths), [lengths.length], 'i32');
  const x = classifier.standardize(features.features, valid, width);
  features.features.dispose();
  valid.dispose();
  return { x, lengths, labels };
}
