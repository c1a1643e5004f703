// How a batch of variable-length clips, and the features computed from it, live on a backend.
import type { Backend } from '../backend/types.js';
import type { Tensor } from '../tensor.js';

/** Clips packed one after another in one tensor: clip c is samples[offsets[c] .. offsets[c] + lengths[c]). */
export interface ClipBatch {
  samples: Tensor;
  offsets: number[];
  lengths: number[];
}

/**
 * Features of a batch: [N, bands, maxFrames] with clip c's frames 0 .. frames[c] - 1 and zeros after them,
 * as every stage writes them; maxFrames = max(frames).
 */
export interface FeatureBatch {
  features: Tensor;
  frames: number[];
}

export function packClips(backend: Backend, clips: readonly Float32Array[]): ClipBatch {
  if (clips.length === 0) throw new Error('features: no clips');
  const lengths = clips.map((c) => c.length);
  if (lengths.some((n) => n < 2)) throw new Error('features: every clip needs at least 2 samples');
  const offsets: number[] = [];
  let total = 0;
  for (const n of lengths) {
    offsets.push(total);
    total += n;
  }
  const packed = new Float32Array(total);
  clips.forEach((c, i) => packed.set(c, offsets[i]));
  return { samples: backend.upload(packed, [total]), offsets, lengths };
}

/** librosa.stft(center=True) frame count: 1 + floor(length / hop). */
export function frameCount(length: number, hop: number): number {
  return 1 + Math.floor(length / hop);
}

/** Per clip (offset, length, frames, 0): the table the feature kernels index by clip. */
export function clipTable(backend: Backend, batch: ClipBatch, hop: number): Tensor {
  const table = new Uint32Array(4 * batch.lengths.length);
  batch.lengths.forEach((n, c) => table.set([batch.offsets[c], n, frameCount(n, hop), 0], 4 * c));
  return backend.upload(table, [batch.lengths.length, 4], 'u32');
}

/** The frame counts as a u32 tensor, for the stages after the STFT. */
export function framesTable(backend: Backend, frames: readonly number[]): Tensor {
  return backend.upload(Uint32Array.from(frames), [frames.length], 'u32');
}

/** [N, bands, frames] of a feature tensor. */
export function batchShape(batch: FeatureBatch): { clips: number; bands: number; maxFrames: number } {
  const [clips, bands, maxFrames] = batch.features.shape;
  if (batch.features.shape.length !== 3 || clips !== batch.frames.length) {
    throw new Error(`features: expected [${batch.frames.length}, bands, frames], got [${batch.features.shape}]`);
  }
  return { clips, bands, maxFrames };
}
