import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../../src/audio/index.js';
import { loadCorpus, scanCorpus, type CorpusItem, type LoadedClip, type LoadFailure } from '../../src/data/index.js';
import { hasSharedData, RAVDESS_FLAC, RAVDESS_ZIP_02, scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames, testSignal } from '../audio/wav-builder.js';

async function loadAll(items: readonly CorpusItem[], threads?: number): Promise<{ clips: LoadedClip[]; errors: LoadFailure[] }> {
  const clips: LoadedClip[] = [];
  const errors: LoadFailure[] = [];
  for await (const loaded of loadCorpus(items, { onError: (failure) => errors.push(failure), threads })) clips.push(loaded);
  return { clips, errors };
}

const wavOf = (frames: number) =>
  buildWav({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: encodeFrames(testSignal(frames, 1), 'pcm16') });

describe.each([0, 2])('loadCorpus with %i decoding threads', (threads) => {
  const root = scratchFolder();
  const angry = join(root, 'angry');
  mkdirSync(angry);
  for (const [name, frames] of [['a.wav', 100], ['b.wav', 200], ['d.wav', 400]] as const) writeFileSync(join(angry, name), wavOf(frames));
  const corrupt = join(angry, 'c.wav');
  writeFileSync(corrupt, wavOf(300).subarray(0, 200)); // truncated

  it('yields N-1 clips in scan order and lists the one corrupt file, without stopping', async () => {
    const items = await scanCorpus([root]);
    expect(items).toHaveLength(4);
    const { clips, errors } = await loadAll(items, threads);
    expect(clips.map(({ item, clip }) => [item.source, clip.source, clip.samples.length])).toEqual([
      [join(angry, 'a.wav'), join(angry, 'a.wav'), 100],
      [join(angry, 'b.wav'), join(angry, 'b.wav'), 200],
      [join(angry, 'd.wav'), join(angry, 'd.wav'), 400],
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0].source).toBe(corrupt);
    expect(errors[0].error).toBeInstanceOf(AudioDecodeError);
    expect(errors[0].error.message).toBe(`${corrupt}: truncated WAV: data chunk says 600 bytes, only 156 present`);
  });

  it('reports files that vanished after the scan as errors too', async () => {
    const items = await scanCorpus([root]);
    const { clips, errors } = await loadAll([...items, { source: join(root, 'gone.wav'), label: -1, actor: -1 }], threads);
    expect(clips).toHaveLength(3);
    expect(errors.map((failure) => failure.error.problem)).toEqual([
      'truncated WAV: data chunk says 600 bytes, only 156 present',
      'cannot read file: ENOENT',
    ]);
  });

  it('can be abandoned early while the next (failing) read is in flight', async () => {
    const items = await scanCorpus([root]);
    const errors: LoadFailure[] = [];
    for await (const loaded of loadCorpus(items.slice(1), { onError: (failure) => errors.push(failure), threads })) {
      expect(loaded.item.source).toBe(join(angry, 'b.wav'));
      break; // c.wav, which fails, is being read ahead at this point
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]); // abandoned: never reported, and no unhandled rejection either
  });

  it('reports a decoded clip that the caller\'s check refuses like a decoding failure, and yields the rest', async () => {
    const items = await scanCorpus([root]);
    const errors: LoadFailure[] = [];
    const kept: string[] = [];
    const check = (clip: { samples: Float32Array }) => (clip.samples.length < 150 ? `only ${clip.samples.length} samples` : null);
    for await (const { item } of loadCorpus(items, { onError: (failure) => errors.push(failure), threads, check })) kept.push(item.source);
    expect(kept).toEqual([join(angry, 'b.wav'), join(angry, 'd.wav')]);
    expect(errors.map(({ source, error }) => [source, error instanceof AudioDecodeError, error.message])).toEqual([
      [join(angry, 'a.wav'), true, `${join(angry, 'a.wav')}: only 100 samples`],
      [corrupt, true, `${corrupt}: truncated WAV: data chunk says 600 bytes, only 156 present`],
    ]);
  });

  it('yields nothing for no items', async () => {
    expect(await loadAll([], threads)).toEqual({ clips: [], errors: [] });
  });
});

describe.skipIf(!hasSharedData)('loadCorpus on real RAVDESS inputs (needs ../shared/data)', () => {
  it('decodes FLAC files and zip members alike', async () => {
    const flac = (await scanCorpus([join(RAVDESS_FLAC, 'Actor_02')])).slice(0, 5);
    const zipped = (await scanCorpus([RAVDESS_ZIP_02])).slice(0, 5);
    const { clips, errors } = await loadAll([...flac, ...zipped], 2);
    expect(errors).toEqual([]);
    expect(clips.map(({ clip }) => clip.sampleRate)).toEqual([...Array(5).fill(16000), ...Array(5).fill(48000)]);
    // The same five clips in both forms, so the same durations to within 5 ms.
    for (let i = 0; i < 5; i++) {
      const seconds = (loaded: LoadedClip) => loaded.clip.samples.length / loaded.clip.sampleRate;
      expect(Math.abs(seconds(clips[i]) - seconds(clips[i + 5]))).toBeLessThan(0.005);
      expect(clips[i].item.label).toBe(clips[i + 5].item.label);
    }
  });
});
