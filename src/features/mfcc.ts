// MFCCs as librosa.feature.mfcc(S=S_db): the orthonormal DCT-II of the dB mel spectrogram along bands, its first
// nMfcc rows, as one matmul with a host-built [nMfcc, nMels] DCT matrix (src/ops/matmul.ts).
import type { Backend } from '../backend/types.js';
import { matmul } from '../ops/matmul.js';
import { batchShape, type FeatureBatch } from './batch.js';
import { constantTensor } from './constants.js';
import { dctMatrix } from './filters.js';

/** [N, nMfcc, maxFrames] from S_db [N, nMels, maxFrames]; padding frames stay 0. */
export function mfcc(backend: Backend, Sdb: FeatureBatch, nMfcc: number): FeatureBatch {
  const { bands } = batchShape(Sdb);
  if (!(nMfcc >= 1 && nMfcc <= bands)) throw new Error(`mfcc: nMfcc ${nMfcc} is not in 1..${bands}`);
  const dct = constantTensor(backend, `dct.${nMfcc}.${bands}`, () => ({ data: Float32Array.from(dctMatrix(nMfcc, bands)), shape: [nMfcc, bands] }));
  return { features: matmul(backend, dct, Sdb.features), frames: Sdb.frames };
}

/** Float64 reference of one clip: S_db [nMels, frames] → [nMfcc, frames], the DCT-II sum written out. */
export function mfccReference(Sdb: ArrayLike<number>, nMels: number, frames: number, nMfcc: number): Float64Array {
  const out = new Float64Array(nMfcc * frames);
  for (let k = 0; k < nMfcc; k++) {
    for (let t = 0; t < frames; t++) {
      let sum = 0;
      for (let n = 0; n < nMels; n++) sum += Sdb[n * frames + t] * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nMels));
      out[k * frames + t] = sum * Math.sqrt((k === 0 ? 1 : 2) / nMels);
    }
  }
  return out;
}
