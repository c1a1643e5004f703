// What the browser API accepts as audio, turned into a decoded clip: a URL to fetch, the bytes of a WAV or
// FLAC file, or samples already decoded. Browser-safe: the same decoders as Node (src/audio/wav.ts, flac.ts),
// without src/audio/read.ts, which reads files from disk.
import { checkedClip, type AudioClip } from '../audio/clip.js';
import { AudioDecodeError } from '../audio/errors.js';
import { decodeFlac } from '../audio/flac.js';
import { decodeWav } from '../audio/wav.js';

export interface DecodedSamples {
  /** Mono samples, nominally in [-1, 1]. */
  samples: Float32Array | readonly number[];
  sampleRate: number;
}

export type AudioInput = string | URL | ArrayBuffer | Uint8Array | DecodedSamples;

/** A clip from any AudioInput; `name` names byte inputs in errors (a URL names itself). */
export async function audioClip(input: AudioInput, name = 'audio bytes'): Promise<AudioClip> {
  if (typeof input === 'string' || input instanceof URL) return fetchAudio(String(input));
  if (input instanceof ArrayBuffer) return decodeAudioBytes(new Uint8Array(input), name);
  if (input instanceof Uint8Array) return decodeAudioBytes(input, name);
  if (input && typeof input === 'object' && 'samples' in input && 'sampleRate' in input) {
    const samples = input.samples instanceof Float32Array ? input.samples : Float32Array.from(input.samples);
    return checkedClip(samples, input.sampleRate, name);
  }
  throw new TypeError('ser-gpu: audio input must be a URL, an ArrayBuffer or Uint8Array of a WAV/FLAC file, or { samples, sampleRate }');
}

async function fetchAudio(url: string): Promise<AudioClip> {
  const response = await fetch(url);
  if (!response.ok) throw new AudioDecodeError(url, `cannot fetch: HTTP ${response.status} ${response.statusText}`);
  return decodeAudioBytes(new Uint8Array(await response.arrayBuffer()), url);
}

/** WAV or FLAC bytes, told apart by their first four bytes (a dropped file's or URL's name may not say). */
export function decodeAudioBytes(bytes: Uint8Array, name: string): Promise<AudioClip> {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic === 'fLaC') return decodeFlac(bytes, name);
  if (magic === 'RIFF' || magic === 'RIFX' || magic === 'RF64') return Promise.resolve(decodeWav(bytes, name));
  return Promise.reject(new AudioDecodeError(name, `not a WAV or FLAC file: starts with ${JSON.stringify(magic)}`));
}
