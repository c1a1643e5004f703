import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodePool } from '../../src/audio/decode-pool.js';
import { AudioDecodeError, readAudio, zipSource } from '../../src/audio/index.js';
import { hasSharedData, RAVDESS_FLAC, RAVDESS_ZIP_01, scratchFolder } from './fixtures.js';
import { buildWav, encodeFrames, testSignal } from './wav-builder.js';

const STEREO_24 = fileURLToPath(new URL('../fixtures/audio/stereo-24bit.flac', import.meta.url));

describe('DecodePool', () => {
  const folder = scratchFolder();
  const wavPath = join(folder, 'tone.wav');
  const wav = buildWav({ formatTag: 1, channels: 2, sampleRate: 8000, bitsPerSample: 16, data: encodeFrames(testSignal(700, 2), 'pcm16') });
  writeFileSync(wavPath, wav);
  const archive = join(folder, 'clips.zip');
  writeFileSync(archive, zipSync({ 'a/tone.wav': [wav, { level: 6 }] }));
  const truncated = join(folder, 'cut.wav');
  writeFileSync(truncated, wav.subarray(0, 300));
  const pool = new DecodePool(2);
  afterAll(() => pool.close());

  it('decodes WAV, FLAC and zip members exactly as readAudio does on the calling thread', async () => {
    const sources = [wavPath, STEREO_24, zipSource(archive, 'a/tone.wav')];
    // Several rounds at once, so both threads decode and replies arrive out of order.
    const pooled = await Promise.all([...sources, ...sources, ...sources].map((source) => pool.read(source)));
    for (const [i, clip] of pooled.entries()) {
      const direct = await readAudio(sources[i % sources.length]);
      expect(clip.source).toBe(direct.source);
      expect(clip.sampleRate).toBe(direct.sampleRate);
      expect(clip.samples).toEqual(direct.samples);
    }
  });

  it('rejects bad files with the AudioDecodeError readAudio throws, and keeps working', async () => {
    for (const path of [truncated, join(folder, 'missing.flac')]) {
      const direct = (await readAudio(path).then(
        () => undefined,
        (error: unknown) => error,
      )) as AudioDecodeError;
      expect(direct).toBeInstanceOf(AudioDecodeError);
      const pooled = pool.read(path);
      await expect(pooled).rejects.toBeInstanceOf(AudioDecodeError);
      await expect(pooled).rejects.toThrow(direct.message);
    }
    expect((await pool.read(wavPath)).samples.length).toBe(700);
  });

  it('rejects reads after close, and a thread count that is not a whole number', async () => {
    const closing = new DecodePool(1);
    await closing.close();
    await expect(closing.read(wavPath)).rejects.toThrow('decode pool closed');
    expect(() => new DecodePool(0)).toThrow('decode threads must be a whole number >= 1, got 0');
  });
});

describe.skipIf(!hasSharedData)('DecodePool on real RAVDESS files (needs ../shared/data)', () => {
  it('decodes 16 kHz FLACs and 48 kHz zip members exactly as readAudio does', async () => {
    const pool = new DecodePool(2);
    try {
      const sources = [
        join(RAVDESS_FLAC, 'Actor_01', '03-01-01-01-01-02-01.flac'),
        join(RAVDESS_FLAC, 'Actor_01', '03-01-05-02-01-01-01.flac'),
        zipSource(RAVDESS_ZIP_01, 'Actor_01/03-01-01-01-01-02-01.wav'),
      ];
      const pooled = await Promise.all(sources.map((source) => pool.read(source)));
      for (const [i, clip] of pooled.entries()) expect(clip.samples).toEqual((await readAudio(sources[i])).samples);
    } finally {
      await pool.close();
    }
  });
});
