// Pitch shifting and time stretching of a clip batch, as librosa.effects.pitch_shift and time_stretch, with
// per-clip random amounts. The amounts are drawn on the host (one number per clip, from the seeded hash):
// they decide the output lengths, which the host must know to allocate the batch.
import type { Backend } from '../backend/types.js';
import type { ClipBatch } from '../features/batch.js';
import { resampleByRate, resampleByRateReference } from '../ops/augment-resample.js';
import { drawUniform, streamKey } from '../ops/pcg-hash.js';
import { RATE_ONE, quantizeRate, stretchedLength, timeStretch, timeStretchReference, type StretchOptions } from '../ops/phase-vocoder.js';

/** The vocoder's STFT for 16 kHz speech: 32 ms frames, 75% overlap (librosa's default ratio). */
export const DEFAULT_STRETCH_STFT: StretchOptions = { nFft: 512, hop: 128 };

/** A range drawn uniformly per clip. */
export interface Range {
  low: number;
  high: number;
}

/** Clip c's draw in [low, high]: low + (high - low) u(seed, c). */
export function drawPerClip(seed: number, clips: number, r: Range): number[] {
  if (!(Number.isFinite(r.low) && Number.isFinite(r.high) && r.low <= r.high)) throw new Error(`range [${r.low}, ${r.high}] is not low <= high`);
  const key = streamKey(seed, 0);
  return Array.from({ length: clips }, (_, c) => r.low + (r.high - r.low) * drawUniform(key, c));
}

/** The stretch rate of a pitch shift by `semitones`: 2^(-semitones / 12), as q / 2^16. */
export const pitchRate = (semitones: number) => quantizeRate(2 ** (-semitones / 12));

/**
 * Every clip shifted by its number of semitones, keeping its length: time-stretched by rate 2^(-n/12), then
 * resampled by the same rate (librosa.effects.pitch_shift, with its own band-limited resampler).
 */
export function pitchShift(backend: Backend, batch: ClipBatch, semitones: readonly number[], o: StretchOptions = DEFAULT_STRETCH_STFT): ClipBatch {
  const q = semitones.map(pitchRate);
  const stretched = timeStretch(backend, batch, q, o);
  const out = resampleByRate(backend, stretched, q, batch.lengths);
  stretched.samples.dispose();
  return out;
}

/** Time stretch by a rate drawn per clip from [low, high] (> 1 is faster and shorter). */
export function randomTimeStretch(backend: Backend, batch: ClipBatch, rates: Range, seed: number, o: StretchOptions = DEFAULT_STRETCH_STFT): ClipBatch {
  if (!(rates.low > 0)) throw new Error(`stretch: rates must be positive, got [${rates.low}, ${rates.high}]`);
  return timeStretch(backend, batch, drawPerClip(seed, batch.lengths.length, rates).map(quantizeRate), o);
}

/** Pitch shift by semitones drawn per clip from [low, high]. */
export function randomPitchShift(backend: Backend, batch: ClipBatch, semitones: Range, seed: number, o: StretchOptions = DEFAULT_STRETCH_STFT): ClipBatch {
  return pitchShift(backend, batch, drawPerClip(seed, batch.lengths.length, semitones), o);
}

/** Float64 reference of one clip: the time stretch and resampling references composed as pitch_shift does. */
export function pitchShiftReference(x: ArrayLike<number>, semitones: number, o: StretchOptions = DEFAULT_STRETCH_STFT): Float64Array {
  const q = pitchRate(semitones);
  const stretched = timeStretchReference(x, q / RATE_ONE, o);
  if (stretched.length !== stretchedLength(x.length, q)) throw new Error('pitch shift reference: stretched length mismatch');
  return resampleByRateReference(stretched, q, x.length);
}
