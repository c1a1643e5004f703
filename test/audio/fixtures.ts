// Paths to the real RAVDESS data shared with the project (read-only, never copied), and scratch
// folders for generated files.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const RAVDESS_FLAC = join(SHARED_DATA, 'ravdess');
export const RAVDESS_ZIP_01 = join(SHARED_DATA, 'ravdess-original', 'Actor_01.zip');
export const RAVDESS_ZIP_02 = join(SHARED_DATA, 'ravdess-original', 'Actor_02.zip');
/** Real-data tests are skipped, visibly, on machines without ../shared/data. */
export const hasSharedData = existsSync(RAVDESS_FLAC) && existsSync(RAVDESS_ZIP_01);

/** A fresh temporary folder, removed after the calling test file. */
export function scratchFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ser-gpu-test-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}
