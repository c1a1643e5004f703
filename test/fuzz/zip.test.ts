// Fuzzing the zip reader: a real RAVDESS archive (Actor_01.zip cut to its first three members, every byte of
// theirs and of their directory entries as shipped) and generated archives whose member names hold any Unicode,
// quotes, "../" and absolute paths, with byte mutations aimed at the end record, the central directory and the
// local headers (archives written by test/audio/zip-builder.ts). Each case lists the archive and reads one member
// through the decoder. See oracle.ts for counts.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAudioFileName, listZipAudio, readZipMember, zipSource } from '../../src/audio/index.js';
import { hasSharedData, RAVDESS_ZIP_01, scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames, testSignal } from '../audio/wav-builder.js';
import { zipOf } from '../audio/zip-builder.js';
import { mutate, mutations, type Target } from './mutate.js';
import { checkClip, fuzz, FUZZ_TIMEOUT_MS, logCaseCounts, validOrOwnError } from './oracle.js';

logCaseCounts('zip.test.ts');

const folder = scratchFolder();
let caseNumber = 0;

/** Writes the archive, lists it and reads the `pick`-th audio member; the archive is removed afterwards. */
async function listAndRead(bytes: Uint8Array, pick: number): Promise<{ outcome: 'valid' | 'rejected'; members: string[] | null }> {
  const path = join(folder, `case ${caseNumber++} "ü".zip`);
  writeFileSync(path, bytes);
  try {
    let members: string[] | null = null;
    const listed = await validOrOwnError(() => listZipAudio(path), [path], (names) => {
      if (!names.every((name) => typeof name === 'string' && isAudioFileName(name))) throw new Error(`listed ${JSON.stringify(names)}`);
      members = names;
    });
    if (listed === 'rejected' || members === null || (members as string[]).length === 0) return { outcome: listed, members };
    const member = (members as string[])[pick % (members as string[]).length];
    const source = zipSource(path, member);
    const outcome = await validOrOwnError(() => readZipMember(path, member), [path, source], (clip) => checkClip(clip, source));
    return { outcome, members };
  } finally {
    rmSync(path, { force: true });
  }
}

/** Offsets of the fields a zip reader trusts: the end record's, and each directory entry's and local header's. */
function zipTarget(bytes: Uint8Array): Target {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  const fields = [8, 10, 12, 16, 20].map((f) => end + f);
  const directory = view.getUint32(end + 16, true);
  for (let i = 0, at = directory; i < view.getUint16(end + 10, true); i++) {
    fields.push(...[0, 8, 10, 16, 20, 24, 28, 30, 32, 42].map((f) => at + f));
    const local = view.getUint32(at + 42, true);
    fields.push(...[0, 6, 8, 14, 18, 22, 26, 28].map((f) => local + f));
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return { regions: [[directory, bytes.length], [0, 128]], fields, ids: ['PK\x03\x04', 'PK\x01\x02', 'PK\x05\x06', 'PK\x06\x06'] };
}

/** The first `count` members of a real archive as shipped: their local headers and data, directory entries and an end record. */
function firstMembers(archive: Uint8Array, count: number): Uint8Array {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const end = archive.length - 22;
  if (view.getUint32(end, true) !== 0x06054b50) throw new Error('the archive has a comment: find its end record first');
  const entries: { at: number; length: number; local: number }[] = [];
  for (let i = 0, at = view.getUint32(end + 16, true); i < view.getUint16(end + 10, true); i++) {
    const length = 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    entries.push({ at, length, local: view.getUint32(at + 42, true) });
    at += length;
  }
  entries.sort((a, b) => a.local - b.local);
  const kept = entries.slice(0, count);
  const dataEnd = entries[count].local;
  const directory = kept.flatMap(({ at, length }) => [...archive.subarray(at, at + length)]);
  const out = new Uint8Array(dataEnd + directory.length + 22);
  out.set(archive.subarray(0, dataEnd));
  out.set(directory, dataEnd);
  out.set(archive.subarray(end, end + 22), dataEnd + directory.length);
  const endView = new DataView(out.buffer, dataEnd + directory.length);
  endView.setUint16(8, count, true);
  endView.setUint16(10, count, true);
  endView.setUint32(12, directory.length, true);
  endView.setUint32(16, dataEnd, true);
  return out;
}

describe.skipIf(!hasSharedData)('fuzz: zip reader on the real RAVDESS archive (needs ../shared/data)', () => {
  it('Actor_01.zip cut to its first three clips, mutated: each case lists it and decodes a member', async () => {
    const trimmed = firstMembers(new Uint8Array(readFileSync(RAVDESS_ZIP_01)), 4); // the Actor_01/ folder entry and three clips
    const unmutated = await listAndRead(trimmed, 0);
    expect(unmutated.outcome).toBe('valid');
    expect(unmutated.members).toHaveLength(3);
    const target = zipTarget(trimmed);
    await fuzz('zip from RAVDESS (trimmed), mutated', fc.tuple(mutations, fc.nat()), async ([list, pick]) => (await listAndRead(mutate(trimmed, target, list), pick)).outcome);
  }, FUZZ_TIMEOUT_MS);
});

describe('fuzz: zip reader on generated archives with hostile member names', () => {
  const wav = buildWav({ formatTag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, data: encodeFrames(testSignal(400, 1), 'pcm16') });
  const name = fc
    .tuple(
      fc.constantFrom('', '../', '../../', '/', 'C:\\', '__MACOSX/', 'a b/', '"q"/', "it's/", '情感/', '😀/', '__proto__', 'constructor/'),
      fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }),
      fc.constantFrom('.wav', '.WAV', '.wave', '.flac', '.txt', ''),
    )
    .map(([prefix, stem, extension]) => prefix + stem + extension);
  const archive = fc.record({
    names: fc.uniqueArray(name, { minLength: 1, maxLength: 5 }),
    method: fc.constantFrom(0 as const, 8 as const),
    mutated: fc.option(mutations, { freq: 2 }),
  });

  it('unmutated archives list exactly their audio members, each of which decodes; mutated ones fail cleanly', async () => {
    await fuzz('zip generated with hostile names, mutated', fc.tuple(archive, fc.nat()), async ([{ names, method, mutated }, pick]) => {
      const bytes = zipOf(names.map((n) => [n, wav] as const), method);
      if (!mutated) {
        // A FLAC-named WAV fails to decode as FLAC: an AudioDecodeError naming the member, which is fine.
        const { outcome, members } = await listAndRead(bytes, pick);
        expect(members).toEqual(names.filter(isAudioFileName).sort());
        const picked = members!.length > 0 ? members![pick % members!.length] : null;
        if (picked && !picked.toLowerCase().endsWith('.flac')) expect(outcome).toBe('valid');
        return outcome;
      }
      return (await listAndRead(mutate(bytes, zipTarget(bytes), mutated), pick)).outcome;
    });
  }, FUZZ_TIMEOUT_MS);
});
