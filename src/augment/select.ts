// Augmenting a random part of a batch: each clip is chosen with probability p (a pure function of the seed
// and the clip's index), the chosen clips are gathered into a smaller batch on the device, augmented, and
// put back among the others. Only buffer copies: nothing is read back, and unchosen clips cost nothing.
import type { Backend } from '../backend/types.js';
import type { ClipBatch } from '../features/batch.js';
import { drawUniform, streamKey } from '../ops/pcg-hash.js';
import type { Tensor } from '../tensor.js';

/** The stream of the choices, apart from the augmentation's own draws (streams 0 and 1). */
const CHOICE_STREAM = 7;

/** The indices of the clips chosen with probability p: u(seed, c) < p. */
export function chooseClips(seed: number, clips: number, p: number): number[] {
  if (!(p >= 0 && p <= 1)) throw new Error(`augment: p = ${p} is not in [0, 1]`);
  const key = streamKey(seed, CHOICE_STREAM);
  return Array.from({ length: clips }, (_, c) => c).filter((c) => drawUniform(key, c) < p);
}

function packedOffsets(lengths: readonly number[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const n of lengths) {
    offsets.push(total);
    total += n;
  }
  return { offsets, total };
}

/** Copies `count` f32 values from src[from] to dst[to], in stream order with the dispatches around it. */
function copyValues(backend: Backend, src: Tensor, from: number, dst: Tensor, to: number, count: number): void {
  if (count === 0) return;
  if (backend.kind === 'webgpu') backend.runtime.copy(src.buffer, dst.buffer, 4 * count, 4 * from, 4 * to);
  else (dst.host as Float32Array).set((src.host as Float32Array).subarray(from, from + count), to);
}

/** The chosen clips as a batch of their own. */
export function gatherClips(backend: Backend, batch: ClipBatch, indices: readonly number[]): ClipBatch {
  const lengths = indices.map((c) => batch.lengths[c]);
  const { offsets, total } = packedOffsets(lengths);
  const samples = backend.empty([total]);
  indices.forEach((c, j) => copyValues(backend, batch.samples, batch.offsets[c], samples, offsets[j], lengths[j]));
  return { samples, offsets, lengths };
}

/** The batch with clip indices[j] replaced by clip j of `chosen` (whose lengths may differ). */
export function scatterClips(backend: Backend, batch: ClipBatch, indices: readonly number[], chosen: ClipBatch): ClipBatch {
  const source = new Map(indices.map((c, j) => [c, j]));
  const lengths = batch.lengths.map((n, c) => (source.has(c) ? chosen.lengths[source.get(c)!] : n));
  const { offsets, total } = packedOffsets(lengths);
  const samples = backend.empty([total]);
  lengths.forEach((n, c) => {
    const j = source.get(c);
    if (j === undefined) copyValues(backend, batch.samples, batch.offsets[c], samples, offsets[c], n);
    else copyValues(backend, chosen.samples, chosen.offsets[j], samples, offsets[c], n);
  });
  return { samples, offsets, lengths };
}

/** Rows [indices.length, ...] of a [N, ...] tensor. */
export function gatherRows(backend: Backend, x: Tensor, indices: readonly number[]): Tensor {
  const row = x.size / x.shape[0];
  const out = backend.empty([indices.length, ...x.shape.slice(1)]);
  indices.forEach((c, j) => copyValues(backend, x, c * row, out, j * row, row));
  return out;
}

/** x with row indices[j] replaced by row j of `chosen`. */
export function scatterRows(backend: Backend, x: Tensor, indices: readonly number[], chosen: Tensor): Tensor {
  const row = x.size / x.shape[0];
  const out = backend.empty(x.shape);
  copyValues(backend, x, 0, out, 0, x.size);
  indices.forEach((c, j) => copyValues(backend, chosen, j * row, out, c * row, row));
  return out;
}
