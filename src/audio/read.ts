// The audio entry points: pick a decoder by file extension, and address clips inside zip
// archives as "archive.zip:member" so that such a source string can be read like a path.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { AudioClip } from './clip.js';
import { AudioDecodeError, fileReadError } from './errors.js';
import { decodeFlac } from './flac.js';
import { decodeWav } from './wav.js';
import { readZipDirectory, readZipEntry, splitZipSource, zipSource } from './zip.js';

export const AUDIO_EXTENSIONS: readonly string[] = ['.wav', '.wave', '.flac'];

/** True for names with an audio extension, except macOS "._" resource forks and __MACOSX folders. */
export function isAudioFileName(path: string): boolean {
  const segments = path.split(/[\\/]/);
  const base = segments[segments.length - 1];
  return AUDIO_EXTENSIONS.includes(extname(base).toLowerCase()) && !base.startsWith('._') && !segments.includes('__MACOSX');
}

/** Decodes WAV or FLAC bytes; `name` picks the decoder by extension and names the clip in errors. */
export async function decodeAudio(bytes: Uint8Array, name: string): Promise<AudioClip> {
  const extension = extname(name).toLowerCase();
  if (extension === '.wav' || extension === '.wave') return decodeWav(bytes, name);
  if (extension === '.flac') return decodeFlac(bytes, name);
  throw new AudioDecodeError(name, `unsupported file type ${JSON.stringify(extension)} (expected ${AUDIO_EXTENSIONS.join(', ')})`);
}

/** Reads a .wav/.wave/.flac file, or a member of a zip archive given as "archive.zip:member". */
export async function readAudio(path: string): Promise<AudioClip> {
  const zipMember = splitZipSource(path);
  if (zipMember) return readZipMember(zipMember.zipPath, zipMember.member);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileReadError(path, error);
  }
  return decodeAudio(bytes, path);
}

/** Audio members of a zip archive, sorted. */
export async function listZipAudio(zipPath: string): Promise<string[]> {
  const names = [...(await readZipDirectory(zipPath)).keys()];
  return names.filter(isAudioFileName).sort();
}

export async function readZipMember(zipPath: string, member: string): Promise<AudioClip> {
  const source = zipSource(zipPath, member);
  return decodeAudio(await readZipEntry(zipPath, member), source);
}
