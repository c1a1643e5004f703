import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, listZipAudio, readAudio, readZipMember, zipSource } from '../../src/audio/index.js';
import { hasSharedData, RAVDESS_FLAC, RAVDESS_ZIP_01, scratchFolder } from './fixtures.js';
import { buildWav, encodeFrames, testSignal } from './wav-builder.js';

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
