import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, listZipAudio, readAudio, readZipMember, zipSource } from '../../src/audio/index.js';
import { MAX_MEMBER_BYTES } from '../../src/audio/zip.js';
import { hasSharedData, RAVDESS_FLAC, RAVDESS_ZIP_01, scratchFolder } from './fixtures.js';
import { buildWav, encodeFrames, testSignal } from './wav-builder.js';
import { zipOf } from './zip-builder.js';

const signal = testSignal(400, 1);
const wav = buildWav({ formatTag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, data: encodeFrames(signal, 'pcm16') });

describe('zip archives (generated)', () => {
  const folder = scratchFolder();
  const archive = join(folder, 'clips.zip');
  writeFileSync(
    archive,
    zipSync({
      'set/stored.wav': [wav, { level: 0 }],
      'set/deflated.wav': [wav, { level: 9 }],
      'set/readme.txt': new TextEncoder().encode('not audio'),
      'set/sub/': new Uint8Array(0),
      '__MACOSX/set/._stored.wav': new Uint8Array(10),
    }),
  );

  it('lists only audio members, sorted, without macOS resource forks', async () => {
    expect(await listZipAudio(archive)).toEqual(['set/deflated.wav', 'set/stored.wav']);
  });

  it('reads stored and deflated members identically, named "archive.zip:member"', async () => {
    const stored = await readZipMember(archive, 'set/stored.wav');
    const deflated = await readZipMember(archive, 'set/deflated.wav');
    expect(stored.source).toBe(`${archive}:set/stored.wav`);
    expect(deflated.samples).toEqual(stored.samples);
    expect(stored.samples.length).toBe(400);
    expect(Math.abs(stored.samples[100] - signal[0][100])).toBeLessThanOrEqual(2 ** -15);
  });

  it('readAudio accepts a zip source string', async () => {
    const clip = await readAudio(zipSource(archive, 'set/deflated.wav'));
    expect(clip.samples.length).toBe(400);
  });

  it('names a missing member', async () => {
    await expect(readZipMember(archive, 'set/nope.wav')).rejects.toThrow(`${archive}:set/nope.wav: no such member in the archive`);
  });

  it('detects a corrupted member by its CRC', async () => {
    const bytes = zipSync({ 'a.wav': [wav, { level: 0 }] });
    bytes[30 + 'a.wav'.length + 200] ^= 0xff; // a byte of the stored WAV data
    const path = join(folder, 'flipped.zip');
    writeFileSync(path, bytes);
    await expect(readZipMember(path, 'a.wav')).rejects.toThrow(`${path}:a.wav: corrupt zip member: CRC-32 mismatch`);
  });

  it('rejects truncated, garbage and empty archives with the archive named', async () => {
    const whole = zipSync({ 'a.wav': wav });
    const cases: [string, Uint8Array, string][] = [
      ['cut.zip', whole.subarray(0, whole.length - 30), 'not a zip archive (or truncated): no end-of-central-directory record'],
      ['noise.zip', new Uint8Array(5000).fill(0x33), 'not a zip archive (or truncated): no end-of-central-directory record'],
      ['empty.zip', new Uint8Array(0), 'not a zip archive: only 0 bytes'],
    ];
    for (const [name, bytes, problem] of cases) {
      const path = join(folder, name);
      writeFileSync(path, bytes);
      await expect(listZipAudio(path)).rejects.toThrow(new AudioDecodeError(path, problem));
    }
  });

  it('names a missing archive', async () => {
    const path = join(folder, 'absent.zip');
    await expect(listZipAudio(path)).rejects.toThrow(`${path}: cannot read file: ENOENT`);
  });
});

/** The offset of the first central directory entry of an archive from fflate (found by its signature). */
function centralEntry(bytes: Uint8Array, index = 0): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  let at = view.getUint32(end + 16, true);
  for (let i = 0; i < index; i++) at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  return at;
}

describe('zip archives that lie about their members', () => {
  const folder = scratchFolder();
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(folder, name);
    writeFileSync(path, bytes);
    return path;
  };
  const patched = (patch: (view: DataView, entry: number) => void) => {
    const bytes = zipSync({ 'a.wav': [wav, { level: 9 }] });
    patch(new DataView(bytes.buffer), centralEntry(bytes));
    return bytes;
  };

  it('refuses a real zip bomb (8 MiB of zeros in 8 KB) before inflating it', async () => {
    const bytes = zipSync({ 'bomb.wav': [new Uint8Array(8 * 2 ** 20), { level: 9 }] });
    expect(bytes.length).toBeLessThan(10_000);
    const path = write('bomb.zip', bytes);
    await expect(readZipMember(path, 'bomb.wav')).rejects.toThrow(/^.*bomb\.zip:bomb\.wav: zip bomb\? member inflates \d+ bytes to 8388608, over 100 times$/);
  });

  it('refuses a declared uncompressed size over the limit, and one the data cannot hold', async () => {
    const huge = write('huge.zip', patched((view, entry) => view.setUint32(entry + 24, MAX_MEMBER_BYTES + 1, true)));
    await expect(readZipMember(huge, 'a.wav')).rejects.toThrow(new AudioDecodeError(`${huge}:a.wav`, `zip member is ${MAX_MEMBER_BYTES + 1} bytes uncompressed, over the limit of ${MAX_MEMBER_BYTES}`));
    const stored = zipSync({ 'a.wav': [wav, { level: 0 }] });
    new DataView(stored.buffer).setUint32(centralEntry(stored) + 24, wav.length + 1, true);
    const lying = write('lying.zip', stored);
    await expect(readZipMember(lying, 'a.wav')).rejects.toThrow(`stored member of ${wav.length} bytes says it holds ${wav.length + 1}`);
  });

  it('refuses members whose data would overlap another member or the directory (overlapping-entry bombs)', async () => {
    const grown = write('grown.zip', patched((view, entry) => view.setUint32(entry + 20, 0x7ffffff0, true)));
    await expect(listZipAudio(grown)).rejects.toThrow(new AudioDecodeError(grown, 'corrupt zip: member "a.wav" overlaps the central directory'));
    const two = zipSync({ 'a.wav': [wav, { level: 0 }], 'b.wav': [wav, { level: 0 }] });
    const view = new DataView(two.buffer);
    view.setUint32(centralEntry(two, 1) + 42, 0, true); // b.wav's entry points at a.wav's local header
    const shared = write('shared.zip', two);
    await expect(listZipAudio(shared)).rejects.toThrow(/^.*shared\.zip: corrupt zip: member "(a|b)\.wav" overlaps "(a|b)\.wav"$/);
  });

  it('refuses an entry count the central directory cannot hold', async () => {
    const bytes = zipSync({ 'a.wav': wav });
    new DataView(bytes.buffer).setUint16(bytes.length - 22 + 10, 5000, true);
    const path = write('count.zip', bytes);
    await expect(listZipAudio(path)).rejects.toThrow(/corrupt zip: 5000 entries cannot fit a \d+-byte central directory/);
  });
});

describe('zip member names: any Unicode, spaces, quotes, and paths that climb out', () => {
  const folder = scratchFolder();
  const names = ['Actor 01/ça va "quoted".wav', '情感/快乐 😀.wav', "it's/a b.wav", '../../escape.wav', '/absolute/x.wav', 'C:\\windows\\y.wav', '__proto__.wav', 'constructor/toString.wav'];
  const archive = join(folder, 'names "and" ünïcode.zip');

  it('lists and reads every member in place, without writing anything to disk', async () => {
    // zipOf, not fflate's zipSync, which keeps members in a plain object and cannot hold "__proto__".
    writeFileSync(archive, zipOf(names.map((name) => [name, wav] as const)));
    const before = readdirSync(folder);
    expect(await listZipAudio(archive)).toEqual([...names].sort());
    for (const name of names) {
      const clip = await readAudio(zipSource(archive, name));
      expect([clip.source, clip.samples.length]).toEqual([`${archive}:${name}`, 400]);
    }
    expect(readdirSync(folder)).toEqual(before);
    expect(existsSync(join(folder, '..', 'escape.wav'))).toBe(false);
  });
});

describe.skipIf(!hasSharedData)('RAVDESS original zip (48 kHz WAV with FLLR chunk, needs ../shared/data)', () => {
  it('lists the 60 speech clips of Actor_01 inside its Actor_01/ folder', async () => {
    const members = await listZipAudio(RAVDESS_ZIP_01);
    expect(members).toHaveLength(60);
    expect(members.every((member) => /^Actor_01\/03-01-0[1-8]-0[12]-0[12]-0[12]-01\.wav$/.test(member))).toBe(true);
  });

  it('decodes a member at 48 kHz with the same duration as the 16 kHz FLAC of the same clip', async () => {
    const name = '03-01-05-02-01-01-01';
    const original = await readZipMember(RAVDESS_ZIP_01, `Actor_01/${name}.wav`);
    const converted = await readAudio(join(RAVDESS_FLAC, 'Actor_01', `${name}.flac`));
    expect(original.sampleRate).toBe(48000);
    expect(original.samples.length).toBeGreaterThan(3 * 48000);
    const seconds = (clip: { samples: Float32Array; sampleRate: number }) => clip.samples.length / clip.sampleRate;
    expect(Math.abs(seconds(original) - seconds(converted))).toBeLessThan(0.005);
  });

  it('reads every member of the archive', async () => {
    for (const member of await listZipAudio(RAVDESS_ZIP_01)) {
      const clip = await readZipMember(RAVDESS_ZIP_01, member);
      expect(clip.sampleRate, member).toBe(48000);
      expect(clip.samples.length, member).toBeGreaterThan(48000);
    }
  });
});
