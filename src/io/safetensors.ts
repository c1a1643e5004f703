// safetensors files (the format: safetensors-format.ts). Used for golden tensors, extracted features,
// checkpoints and model folders. The web bundle takes safetensors-format.ts in place of this module.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import { fileReadProblem, InvalidFileError } from './errors.js';
import { parseSafetensors, serializeSafetensors, type SafeArray, type SafetensorsFile } from './safetensors-format.js';

export * from './safetensors-format.js';

export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InvalidFileError(path, fileReadProblem(error));
  }
  return parseSafetensors(bytes, path);
}

/** Written atomically: a crash never leaves a half-written file in place of a good one. */
export function writeSafetensors(
  path: string,
  tensors: Record<string, { shape: readonly number[]; data: SafeArray }>,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}
