import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudio, readAudio } from '../../src/audio/index.js';
import { hasSharedData, RAVDESS_FLAC } from './fixtures.js';
import { constantFlac } from './flac-builder.js';
import { mixToMono, testSignal } from './wav-builder.js';

const STEREO_24 = fileURLToPath(new URL('../fixtures/audio/stereo-24bit.flac', import.meta.url));

describe('FLAC decoding (generated fixture)', () => {
  it('decodes 24-bit stereo to the mono mix within one 24-bit step', async () => {
    const clip = await readAudio(STEREO_24);
    const expected = mixToMono(testSignal(500, 2));
    expect(clip.sampleRate).toBe(8000);
    expect(clip.samples.length).toBe(expected.length);
    expect(clip.samples[0]).toBe(-1); // full-scale negative maps to exactly -1, as for WAV
    const worst = expected.reduce((max, x, i) => Math.max(max, Math.abs(clip.samples[i] - x)), 0);
    expect(worst).toBeLessThanOrEqual(2 ** -23);
  });

  it('decodes concurrent calls independently (the shared decoder is queued)', async () => {
    const bytes = new Uint8Array(readFileSync(STEREO_24));
    const clips = await Promise.all([1, 2, 3, 4].map((n) => decodeAudio(bytes, `copy${n}.flac`)));
    for (const clip of clips) expect(clip.samples).toEqual(clips[0].samples);
    expect(clips.map((clip) => clip.source)).toEqual(['copy1.flac', 'copy2.flac', 'copy3.flac', 'copy4.flac']);
  });

  it('rejects an empty file, garbage, a WAV named .flac and a header-only file, naming each', async () => {
    const bytes = new Uint8Array(readFileSync(STEREO_24));
    const cases: [Uint8Array, string, string][] = [
      [new Uint8Array(0), 'empty.flac', 'empty.flac: empty file (0 bytes)'],
      [new Uint8Array(3000).fill(0x5a), 'noise.flac', 'noise.flac: not a FLAC file: starts with "ZZZZ", expected "fLaC"'],
      [new TextEncoder().encode('RIFF....WAVEfmt '), 'wav.flac', 'wav.flac: not a FLAC file: starts with "RIFF", expected "fLaC"'],
      [bytes.subarray(0, 20), 'stub.flac', 'stub.flac: truncated or corrupt FLAC: no STREAMINFO block'],
      [bytes.subarray(0, 300), 'cut.flac', 'cut.flac: truncated or corrupt FLAC: decoded 0 of 500 samples'],
    ];
    for (const [data, name, message] of cases) {
      await expect(decodeAudio(data, name)).rejects.toThrow(message);
      await expect(decodeAudio(data, name)).rejects.toBeInstanceOf(AudioDecodeError);
    }
    // The decoder still works after those failures.
    expect((await decodeAudio(bytes, 'ok.flac')).samples.length).toBe(500);
  });
});

describe('FLAC sizes checked before decoding (constant-subframe streams from flac-builder.ts)', () => {
  it('decodes a generated stream: every sample is the constant, in the mono mix', async () => {
    const clip = await decodeAudio(constantFlac({ channels: 2, blockSize: 4096, frames: 200, sampleRate: 16000, value: 1000 }), 'const.flac');
    expect([clip.samples.length, clip.sampleRate]).toEqual([4096 * 200, 16000]);
    expect(clip.samples.every((x) => x === 1000 / 32768)).toBe(true);
  });

  it('refuses a STREAMINFO sample count over the limit without decoding', async () => {
    const bomb = constantFlac({ channels: 8, blockSize: 65536, frames: 2, sampleRate: 48000, value: 1, totalSamples: 2 ** 36 - 1 });
    await expect(decodeAudio(bomb, 'claims.flac')).rejects.toThrow(
      new AudioDecodeError('claims.flac', 'STREAMINFO declares 68719476735 samples × 8 channels, over the limit of 134217728 decoded values'),
    );
  });

  it('refuses a 10 KB stream whose frames hold 157 million samples (total unknown) without decoding', async () => {
    const bomb = constantFlac({ channels: 8, blockSize: 65536, frames: 300, sampleRate: 48000, value: 1, totalSamples: 0 });
    expect(bomb.length).toBeLessThan(11_000);
    await expect(decodeAudio(bomb, 'bomb.flac')).rejects.toThrow(
      new AudioDecodeError('bomb.flac', 'frames hold 157286400 samples in all channels, over the limit of 134217728 decoded values'),
    );
  });
});

describe.skipIf(!hasSharedData)('FLAC decoding (RAVDESS 16 kHz, needs ../shared/data)', () => {
  const actor01 = join(RAVDESS_FLAC, 'Actor_01');

  it('reads a real clip: 16 kHz, seconds long, audible, within [-1, 1]', async () => {
    const clip = await readAudio(join(actor01, '03-01-05-02-01-01-01.flac'));
    expect(clip.sampleRate).toBe(16000);
    expect(clip.samples.length).toBeGreaterThan(2 * 16000);
    const rms = Math.sqrt(clip.samples.reduce((sum, x) => sum + x * x, 0) / clip.samples.length);
    expect(rms).toBeGreaterThan(0.01);
    expect(clip.samples.every((x) => Math.abs(x) <= 1)).toBe(true);
  });

  it('keeps a final frame shorter than 13 bytes, which the bundled parser alone drops', async () => {
    // libsndfile decodes 53387 samples; without padding the decoder returns 53248.
    const clip = await readAudio(join(actor01, '03-01-01-01-01-02-01.flac'));
    expect(clip.samples.length).toBe(53387);
  });

  it('decodes all 60 clips of an actor to their full STREAMINFO length', async () => {
    const names = readdirSync(actor01).filter((name) => name.endsWith('.flac'));
    expect(names).toHaveLength(60);
    for (const name of names) {
      const clip = await readAudio(join(actor01, name));
      const header = readFileSync(join(actor01, name));
      const totalSamples = header.readUInt32BE(22) + (header[21] & 0x0f) * 2 ** 32;
      expect(clip.samples.length, name).toBe(totalSamples);
    }
  });

  it('reports a truncated real file with the decoded and promised sample counts', async () => {
    const path = join(actor01, '03-01-05-02-01-01-01.flac');
    const bytes = new Uint8Array(readFileSync(path));
    await expect(decodeAudio(bytes.subarray(0, bytes.length >> 1), 'half.flac')).rejects.toThrow(
      /^half\.flac: truncated or corrupt FLAC: decoded \d+ of \d+ samples$/,
    );
  });

  it('decodes a clip identically before and after other clips and failures (the decoder is reused)', async () => {
    const read = (name: string) => new Uint8Array(readFileSync(join(actor01, name)));
    const clip = read('03-01-01-01-01-02-01.flac');
    const other = read('03-01-05-02-01-01-01.flac');
    const withTag = new Uint8Array(other.length + 128);
    withTag.set(other);
    withTag.set(new TextEncoder().encode('TAG'.padEnd(128, 'x')), other.length);
    const first = await decodeAudio(clip, 'first.flac');
    const sequence = [
      decodeAudio(other, 'other.flac'),
      decodeAudio(withTag, 'tagged.flac'), // trailing bytes inside the last frame: reported as truncated
      decodeAudio(other.subarray(0, other.length >> 1), 'half.flac'),
      decodeAudio(clip, 'again.flac'),
    ];
    const settled = await Promise.allSettled(sequence);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const again = (settled[3] as PromiseFulfilledResult<Awaited<(typeof sequence)[0]>>).value;
    expect(again.samples).toEqual(first.samples);
  });
});
