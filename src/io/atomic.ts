// Atomic file writes: write a sibling temporary file, fsync it, rename it over the target, fsync the folder.
// A crash (kill -9, power loss) at any point leaves the previous file or the new one, never a mix; a killed
// writer may leave its `.name.*.tmp` behind. The temporary name is unique per call, not per process: worker
// threads share a pid, and two writers of one target must never write into the same temporary file.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': fail rather than share a file should the name ever exist.
  const fd = openSync(temporary, 'wx');
  try {
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let written = 0;
      while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/** Makes the rename itself durable. Some platforms (Windows) cannot open a folder for fsync: the rename stands. */
function syncFolder(folder: string): void {
  let fd: number;
  try {
    fd = openSync(folder, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EPERM where folders cannot be synced
  } finally {
    closeSync(fd);
  }
}
