import { AudioDecodeError } from './errors.js';

export interface AudioClip {
  /** Mono samples, nominally in [-1, 1] (float WAVs may exceed it; they are not clipped). */
  samples: Float32Array;
  sampleRate: number;
  /** The file path, or "archive.zip:member". */
  source: string;
}

// Rates outside these are not audio anyone records, and resampling them to the feature rate would cost a
// filter or an output sized from an untrusted header (1 Hz up to 16 kHz multiplies a clip's length by 16,000).
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 384_000;
// Decoded samples (all channels) one file may produce, 512 MiB as f32: 46 minutes of 48 kHz mono. Compressed
// formats are checked against it before decoding (a FLAC frame of constant samples takes a few bytes).
export const MAX_DECODED_VALUES = 2 ** 27;
// Float samples beyond 80 dB above full scale are not audio, and their squares overflow the f32 spectrogram.
export const MAX_SAMPLE_MAGNITUDE = 1e4;

/** Checks shared by every decoder, so that no caller ever receives an empty, rate-less or non-finite clip. */
export function checkedClip(samples: Float32Array, sampleRate: number, source: string): AudioClip {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new AudioDecodeError(source, `invalid sample rate ${sampleRate} Hz (expected ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE})`);
  }
  if (samples.length === 0) throw new AudioDecodeError(source, 'no audio: zero samples');
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i];
    if (x >= -MAX_SAMPLE_MAGNITUDE && x <= MAX_SAMPLE_MAGNITUDE) continue; // false for NaN too
    const problem = Number.isFinite(x) ? `sample ${x} beyond ±${MAX_SAMPLE_MAGNITUDE} (80 dB above full scale)` : 'NaN or infinite samples';
    throw new AudioDecodeError(source, `audio contains ${problem} (first at frame ${i})`);
  }
  return { samples, sampleRate, source };
}
