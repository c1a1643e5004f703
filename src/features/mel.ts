// Mel power spectrograms, as librosa.feature.melspectrogram: from a power spectrogram (S=) a matmul with the
// filterbank (the torchaudio way, src/ops/matmul.ts); from clips (y=) the STFT kernel applies the filterbank
// itself on WebGPU, so the [N, nFft/2 + 1, frames] spectrogram never reaches memory.
import type { Backend } from '../backend/types.js';
import { matmul, matmulReference } from '../ops/matmul.js';
import type { Tensor } from '../tensor.js';
import { batchShape, type ClipBatch, type FeatureBatch } from './batch.js';
import { constantTensor } from './constants.js';
import { melFilterbank, rowSupport, type MelOptions } from './filters.js';
import { stft, stftFiltered, type StftOptions } from './stft.js';

function melKey(o: MelOptions): string {
  return `mel.${o.sampleRate}.${o.nFft}.${o.nMels}.${o.fMin}.${o.fMax}.${o.htk}.${o.norm}`;
}

/** librosa.filters.mel as an f32 [nMels, nFft/2 + 1] tensor. */
export function melBank(backend: Backend, o: MelOptions): Tensor {
  return constantTensor(backend, melKey(o), () => ({ data: Float32Array.from(melFilterbank(o)), shape: [o.nMels, o.nFft / 2 + 1] }));
}

function melRanges(backend: Backend, o: MelOptions): Tensor {
  return constantTensor(backend, `${melKey(o)}.ranges`, () => ({
    // Support of the f32 weights, so that the sparse sum skips exactly the zeros of the dense product.
    data: rowSupport(Float32Array.from(melFilterbank(o)), o.nMels, o.nFft / 2 + 1),
    shape: [o.nMels, 2],
    dtype: 'u32',
  }));
}

export type MelSpectrogramOptions = MelOptions & Omit<StftOptions, 'power'>;

/** [N, nMels, maxFrames] mel power from clips (y=) or from a power spectrogram [N, nFft/2 + 1, maxFrames] (S=). */
export function melSpectrogram(backend: Backend, input: ClipBatch | FeatureBatch, o: MelSpectrogramOptions): FeatureBatch {
  const bank = melBank(backend, o);
  if ('features' in input) {
    const { bands } = batchShape(input);
    if (bands !== o.nFft / 2 + 1) throw new Error(`melSpectrogram: S has ${bands} bins, nFft ${o.nFft} needs ${o.nFft / 2 + 1}`);
    return { features: matmul(backend, bank, input.features), frames: input.frames };
  }
  if (backend.kind === 'webgpu') return stftFiltered(backend, input, o, { bank, ranges: melRanges(backend, o) });
  const S = stft(backend, input, { ...o, power: 2 });
  const mel = melSpectrogram(backend, S, o);
  S.features.dispose();
  return mel;
}

/** Float64 reference of one clip: filterbank · S, S [nFft/2 + 1, frames] → [nMels, frames]. */
export function melSpectrogramReference(S: ArrayLike<number>, frames: number, o: MelOptions): Float64Array {
  return matmulReference(melFilterbank(o), S, o.nMels, frames, o.nFft / 2 + 1);
}
