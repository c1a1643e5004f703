// Shared by the feature tests: golden inputs as clip batches, per-clip slices of batch tensors, dB masks.
import type { Backend } from '../../src/backend/types.js';
import { packClips, type ClipBatch, type FeatureBatch } from '../../src/features/batch.js';
import { loadGolden } from '../helpers/golden.js';

export const golden = loadGolden('features');

export function input(name: string): Float32Array {
  return golden.get(`input.${name}`).data;
}

/** The inputs named by a golden's suffix ("….sine+chirp" → sine, chirp) packed as one batch. */
export function clipsOf(backend: Backend, goldenName: string): ClipBatch {
  return packClips(backend, inputNames(goldenName).map(input));
}

export function inputNames(goldenName: string): string[] {
  return goldenName.slice(goldenName.lastIndexOf('.') + 1).split('+');
}

/** Golden batch tensors keep their own (librosa) frame counts; ours must match them. */
export function expectShape(batch: FeatureBatch, shape: readonly number[]): void {
  if (batch.features.shape.join() !== shape.join()) throw new Error(`shape [${batch.features.shape}], golden [${shape}]`);
}

/** Row-major [bands, frames] of clip c of a [N, bands, maxFrames] batch, its padding frames dropped. */
export function clipSlice(values: ArrayLike<number>, shape: readonly number[], c: number, frames: number): Float64Array {
  const [, bands, maxFrames] = shape;
  const out = new Float64Array(bands * frames);
  for (let b = 0; b < bands; b++) for (let t = 0; t < frames; t++) out[b * frames + t] = values[(c * bands + b) * maxFrames + t];
  return out;
}

/** True for the bins of a [N, bands, maxFrames] dB golden within `range` dB of their clip's maximum, false for padding. */
export function withinOfClipMax(db: ArrayLike<number>, shape: readonly number[], frames: readonly number[], range: number): boolean[] {
  const [n, bands, maxFrames] = shape;
  const mask = new Array<boolean>(db.length).fill(false);
  for (let c = 0; c < n; c++) {
    let max = -Infinity;
    for (let b = 0; b < bands; b++) for (let t = 0; t < frames[c]; t++) max = Math.max(max, db[(c * bands + b) * maxFrames + t]);
    for (let b = 0; b < bands; b++) for (let t = 0; t < frames[c]; t++) mask[(c * bands + b) * maxFrames + t] = db[(c * bands + b) * maxFrames + t] >= max - range;
  }
  return mask;
}

/** The padding frames of a batch hold exactly 0. */
export function paddingIsZero(values: ArrayLike<number>, shape: readonly number[], frames: readonly number[]): boolean {
  const [n, bands, maxFrames] = shape;
  for (let c = 0; c < n; c++) for (let b = 0; b < bands; b++) for (let t = frames[c]; t < maxFrames; t++) if (values[(c * bands + b) * maxFrames + t] !== 0) return false;
  return true;
}
