// Reads single members of a .zip archive without unpacking it: the central directory at the end
// of the file lists every member's offset and sizes, so one member costs a positioned read and
// an inflate, and the rest of the archive is never loaded.
import { open, type FileHandle } from 'node:fs/promises';
import { inflateSync } from 'fflate';
import { crc32 } from './crc32.js';
import { AudioDecodeError, fileReadError } from './errors.js';

export interface ZipEntry {
  name: string;
  flags: number;
  /** 0 = stored, 8 = deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const END_RECORD_SIGNATURE = 0x06054b50;
const DIRECTORY_ENTRY_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT_SIZE = 0xffff;
const LOCAL_HEADER_SIZE = 30;
const ZIP64_MARKER = 0xffffffff;
const ENCRYPTED_FLAG = 0x0001;

// Zip bombs: a member is inflated into a buffer of its declared size, so that size is capped; a large member
// that claims more than 100 times its compressed size is refused (speech compresses to about 0.9 of its
// size); members may not overlap (the overlapping-entries bomb reuses one compressed kernel many times); and
// an archive's members may not declare more than 32 GiB in all.
export const MAX_MEMBER_BYTES = 2 ** 30;
export const MAX_COMPRESSION_RATIO = 100;
const RATIO_CHECKED_ABOVE = 2 ** 20;
export const MAX_ARCHIVE_BYTES = 2 ** 35;

interface Directory {
  /** The archive's size in bytes. */
  size: number;
  entries: Map<string, ZipEntry>;
}

// Parsed directories, so reading many members does not re-parse it; a changed size or mtime invalidates.
const directories = new Map<string, { stamp: string; directory: Directory }>();

/** All entries of the archive (folders included), by member name. */
export async function readZipDirectory(zipPath: string): Promise<Map<string, ZipEntry>> {
  return (await withFile(zipPath, (file) => directoryOf(file, zipPath))).entries;
}

/** How a clip inside an archive is named: "archive.zip:member". */
export function zipSource(zipPath: string, member: string): string {
  return `${zipPath}:${member}`;
}

/** Inverse of zipSource; null for a plain path. */
export function splitZipSource(source: string): { zipPath: string; member: string } | null {
  const at = source.toLowerCase().indexOf('.zip:');
  if (at < 0) return null;
  return { zipPath: source.slice(0, at + 4), member: source.slice(at + 5) };
}

/**
 * The uncompressed bytes of one member, CRC-checked. The member is read in place, into memory: its name is
 * only ever a key of the directory, never a path on disk.
 */
export function readZipEntry(zipPath: string, name: string): Promise<Uint8Array> {
  const source = zipSource(zipPath, name);
  const fail = (problem: string): never => {
    throw new AudioDecodeError(source, problem);
  };
  return withFile(zipPath, async (file) => {
    const { size, entries } = await directoryOf(file, zipPath);
    const entry = entries.get(name) ?? fail('no such member in the archive');
    if (entry.flags & ENCRYPTED_FLAG) fail('zip member is encrypted');
    if (entry.method !== 0 && entry.method !== 8) fail(`unsupported zip compression method ${entry.method}`);
    if (entry.method === 0 && entry.size !== entry.compressedSize) fail(`corrupt zip: stored member of ${entry.compressedSize} bytes says it holds ${entry.size}`);
    if (entry.size > MAX_MEMBER_BYTES) fail(`zip member is ${entry.size} bytes uncompressed, over the limit of ${MAX_MEMBER_BYTES}`);
    if (entry.size > RATIO_CHECKED_ABOVE && entry.size > MAX_COMPRESSION_RATIO * entry.compressedSize) {
      fail(`zip bomb? member inflates ${entry.compressedSize} bytes to ${entry.size}, over ${MAX_COMPRESSION_RATIO} times`);
    }

    const header = view(await readAt(file, entry.localHeaderOffset, LOCAL_HEADER_SIZE, source));
    if (header.getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) fail('corrupt zip: bad local header signature');
    const dataStart = entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.getUint16(26, true) + header.getUint16(28, true);
    if (dataStart + entry.compressedSize > size) {
      fail(`truncated zip: member data of ${entry.compressedSize} bytes at offset ${dataStart} runs past the end of the ${size}-byte file`);
    }
    const stored = await readAt(file, dataStart, entry.compressedSize, source);

    let content = stored;
    if (entry.method === 8) {
      try {
        content = inflateSync(stored, { out: new Uint8Array(entry.size) });
      } catch (error) {
        fail(`corrupt zip member: ${(error as Error).message}`);
      }
    }
    if (content.length !== entry.size) fail(`corrupt zip member: got ${content.length} bytes, directory says ${entry.size}`);
    if (crc32(content) !== entry.crc32) fail('corrupt zip member: CRC-32 mismatch');
    return content;
  });
}

async function withFile<T>(path: string, use: (file: FileHandle) => Promise<T>): Promise<T> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw fileReadError(path, error);
  }
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

async function directoryOf(file: FileHandle, zipPath: string): Promise<Directory> {
  const { size, mtimeMs } = await file.stat();
  const stamp = `${size}:${mtimeMs}`;
  const cached = directories.get(zipPath);
  if (cached?.stamp === stamp) return cached.directory;
  const directory = { size, entries: await readDirectory(file, size, zipPath) };
  directories.set(zipPath, { stamp, directory });
  return directory;
}

async function readDirectory(file: FileHandle, size: number, zipPath: string): Promise<Map<string, ZipEntry>> {
  const fail = (problem: string): never => {
    throw new AudioDecodeError(zipPath, problem);
  };
  if (size < END_RECORD_SIZE) fail(`not a zip archive: only ${size} bytes`);
  // The end record sits at the very end, followed only by an archive comment of up to 64 KiB.
  const tailStart = Math.max(0, size - END_RECORD_SIZE - MAX_COMMENT_SIZE);
  const tail = await readAt(file, tailStart, size - tailStart, zipPath);
  const tailView = view(tail);
  let end = tail.length - END_RECORD_SIZE;
  while (end >= 0 && tailView.getUint32(end, true) !== END_RECORD_SIGNATURE) end--;
  if (end < 0) fail('not a zip archive (or truncated): no end-of-central-directory record');

  const count = tailView.getUint16(end + 10, true);
  const directorySize = tailView.getUint32(end + 12, true);
  const directoryOffset = tailView.getUint32(end + 16, true);
  if (count === 0xffff || directoryOffset === ZIP64_MARKER) fail('ZIP64 archives are not supported');
  if (directoryOffset + directorySize > tailStart + end) fail('corrupt zip: central directory lies outside the file');
  if (count * 46 > directorySize) fail(`corrupt zip: ${count} entries cannot fit a ${directorySize}-byte central directory`);

  const directory = view(await readAt(file, directoryOffset, directorySize, zipPath));
  const names = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  for (let i = 0, at = 0; i < count; i++) {
    const nameLength = at + 46 <= directory.byteLength ? directory.getUint16(at + 28, true) : 0;
    if (at + 46 + nameLength > directory.byteLength || directory.getUint32(at, true) !== DIRECTORY_ENTRY_SIGNATURE) {
      fail(`corrupt zip: central directory entry ${i + 1} of ${count} is damaged`);
    }
    const entry: ZipEntry = {
      name: names.decode(new Uint8Array(directory.buffer, directory.byteOffset + at + 46, nameLength)),
      flags: directory.getUint16(at + 8, true),
      method: directory.getUint16(at + 10, true),
      crc32: directory.getUint32(at + 16, true),
      compressedSize: directory.getUint32(at + 20, true),
      size: directory.getUint32(at + 24, true),
      localHeaderOffset: directory.getUint32(at + 42, true),
    };
    if (entry.size === ZIP64_MARKER || entry.compressedSize === ZIP64_MARKER) fail('ZIP64 archives are not supported');
    entries.set(entry.name, entry);
    at += 46 + nameLength + directory.getUint16(at + 30, true) + directory.getUint16(at + 32, true);
  }
  checkLayout([...entries.values()], directoryOffset, fail);
  return entries;
}

/** Members lie before the central directory, one after another, and declare at most MAX_ARCHIVE_BYTES in all. */
function checkLayout(entries: ZipEntry[], directoryOffset: number, fail: (problem: string) => never): void {
  const byOffset = entries.slice().sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let total = 0;
  byOffset.forEach((entry, i) => {
    // The local header repeats the name and may carry a different extra field: 30 bytes plus the data is a lower bound.
    const end = entry.localHeaderOffset + LOCAL_HEADER_SIZE + entry.compressedSize;
    const next = byOffset[i + 1];
    if (end > (next?.localHeaderOffset ?? directoryOffset)) {
      fail(`corrupt zip: member ${JSON.stringify(entry.name)} overlaps ${next ? JSON.stringify(next.name) : 'the central directory'}`);
    }
    total += entry.size;
  });
  if (total > MAX_ARCHIVE_BYTES) fail(`zip members declare ${total} bytes uncompressed in all, over the limit of ${MAX_ARCHIVE_BYTES}`);
}

async function readAt(file: FileHandle, position: number, length: number, source: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  const { bytesRead } = await file.read(bytes, 0, length, position);
  if (bytesRead < length) {
    throw new AudioDecodeError(source, `truncated zip: needs ${length} bytes at offset ${position}, file ends after ${bytesRead}`);
  }
  return bytes;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
