import { AudioDecodeError } from './errors.js';

export interface AudioClip {
  /** Mono samples, nominally in [-1, 1] (float WAVs may exceed it; they are not clipped). */
  samples: Float32Array;
  sampleRate: number;
  /** The file path, or "archive.zip:member". */
  source: string;
}

/** Checks shared by every decoder, so that no caller ever receives an empty or rate-less clip. */
export function checkedClip(samples: Float32Array, sampleRate: number, source: string): AudioClip {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new AudioDecodeError(source, `invalid sample rate ${sampleRate}`);
  }
  if (samples.length === 0) throw new AudioDecodeError(source, 'no audio: zero samples');
  return { samples, sampleRate, source };
}
