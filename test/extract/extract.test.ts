import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusItems, extractFeatures } from '../../src/extract.js';
import { readFeatureFile, writeFeatureFile } from '../../src/data/feature-file.js';
import { computeFeatures, featureConfig } from '../../src/features/index.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames } from '../audio/wav-builder.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

/** A decaying chirp: different clips get different spectra, so a mix-up between clips shows. */
function chirp(seconds: number, rate: number, f0: number): number[] {
  return Array.from({ length: Math.round(seconds * rate) }, (_, i) => {
    const t = i / rate;
    return 0.5 * Math.exp(-t) * Math.sin(2 * Math.PI * (f0 + 400 * t) * t);
  });
}

const wavOf = (samples: number[], rate: number) =>
  buildWav({ formatTag: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, data: encodeFrames([samples], 'pcm16') });

// RAVDESS names: emotion is the 3rd field (01 neutral .. 08 surprised), actor the 7th.
const CLIPS = [
  { name: '03-01-03-01-01-01-01.wav', seconds: 0.5, rate: 16000, f0: 300, emotion: 2, actor: 1 },
  { name: '03-01-05-01-01-01-02.wav', seconds: 0.9, rate: 16000, f0: 900, emotion: 4, actor: 2 },
  // 22.05 kHz: goes through the resampler.
  { name: '03-01-08-02-02-02-02.wav', seconds: 0.7, rate: 22050, f0: 1500, emotion: 7, actor: 2 },
];
const CORRUPT = '03-01-01-01-01-01-01.wav';

function makeCorpus(): string {
  const root = scratchFolder();
  const folder = join(root, 'Actor_mixed');
  mkdirSync(folder);
  for (const clip of CLIPS) writeFileSync(join(folder, clip.name), wavOf(chirp(clip.seconds, clip.rate, clip.f0), clip.rate));
  writeFileSync(join(folder, CORRUPT), Buffer.from('RIFF this is not a wave file'));
  return root;
}

describeBackends('extractFeatures', (backend) => {
  const root = makeCorpus();
  const config = featureConfig({ kind: 'logmel', nMels: 32, nFft: 512, hop: 160 });

  it('computes every good clip, zero-pads, labels and skips the corrupt file with its error', async () => {
    const progress: number[] = [];
    const out = await extractFeatures([root], { backend, features: config, batchSize: 2, onProgress: (p) => progress.push(p.done) });
    // Sources sort by name: the corrupt 03-01-01 file comes first and is skipped.
    const expected = [...CLIPS].sort((a, b) => a.name.localeCompare(b.name));
    expect(out.sources.map((s) => s.slice(s.lastIndexOf('/') + 1))).toEqual(expected.map((c) => c.name));
    expect(Array.from(out.labels)).toEqual(expected.map((c) => c.emotion));
    expect(Array.from(out.actors)).toEqual(expected.map((c) => c.actor));
    expect(out.labelNames[out.labels[0]]).toBe('happy');
    expect(out.skipped).toHaveLength(1);
    expect(out.skipped[0].source).toBe(join(root, 'Actor_mixed', CORRUPT));
    expect(out.skipped[0].error.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(4);

    const [n, bands, frames] = out.shape;
    expect([n, bands]).toEqual([3, 32]);
    expect(frames).toBe(Math.max(...out.lengths));
    expect(out.stats.audioSeconds).toBeCloseTo(0.5 + 0.9 + 0.7, 3);

    // Each clip alone through computeFeatures gives the same values; past its length the row is zero.
    for (let i = 0; i < n; i++) {
      const spec = expected[i];
      if (spec.rate !== config.sampleRate) continue; // resampled clips are checked by their length only
      const alone = computeFeatures(backend, [quantize16(Float32Array.from(chirp(spec.seconds, spec.rate, spec.f0)))], config);
      const want = (await alone.features.read()) as Float32Array;
      alone.features.dispose();
      expect(out.lengths[i]).toBe(alone.frames[0]);
      const valid = out.lengths[i];
      for (let b = 0; b < bands; b++) {
        const row = out.features.subarray((i * bands + b) * frames, (i * bands + b + 1) * frames);
        expectClose(row.subarray(0, valid), want.subarray(b * valid, (b + 1) * valid), { atol: 1e-3, rtol: 1e-4 }, `clip ${i} band ${b}`);
        expect(row.subarray(valid).every((v) => v === 0)).toBe(true);
      }
    }
    // 0.7 s at 22.05 kHz resampled to 16 kHz: 11,200 samples.
    const resampled = expected.findIndex((c) => c.rate === 22050);
    expect(out.lengths[resampled]).toBe(centredFrames(11200, config.hop));
  });

  it('writes a valid safetensors file that reads back with its metadata', async () => {
    const out = await extractFeatures([root], { backend, features: config });
    const path = join(root, 'features.safetensors');
    writeFeatureFile(path, out);
    const raw = readSafetensors(path);
    expect(raw.tensors.get('features')).toMatchObject({ dtype: 'F32', shape: out.shape });
    expect(raw.tensors.get('lengths')).toMatchObject({ dtype: 'I32', shape: [3] });
    expect(JSON.parse(raw.metadata.files)).toEqual(out.sources);
    expect(JSON.parse(raw.metadata.feature_config)).toEqual(config);
    const file = readFeatureFile(path);
    expect(Array.from(file.labels)).toEqual(Array.from(out.labels));
    expect(file.features).toEqual(out.features);
  });
});

describe('corpusItems', () => {
  it('names a missing input and an input without audio', async () => {
    await expect(corpusItems(['/nonexistent/corpus'])).rejects.toThrow('input not found: /nonexistent/corpus');
    const empty = scratchFolder();
    await expect(corpusItems([empty])).rejects.toThrow(`no audio files (.wav, .wave, .flac) found in ${empty}`);
  });

  it('spreads a limit evenly over the corpus and keeps the whole corpus\'s label names', async () => {
    const root = makeCorpus();
    const { items, labelNames } = await corpusItems([root], 2);
    expect(items.map((item) => item.source.slice(-24))).toEqual([CORRUPT, CLIPS[1].name]);
    expect(labelNames).toHaveLength(8);
  });
});

/** The WAV stores 16-bit samples: the clip the pipeline sees is the signal rounded to 1/32768. */
function quantize16(samples: Float32Array): Float32Array {
  return samples.map((x) => Math.max(-32768, Math.min(32767, Math.round(x * 32768))) / 32768);
}

/** Frames of a centred STFT: one per hop, plus the frame at t = 0. */
function centredFrames(samples: number, hop: number): number {
  return 1 + Math.floor(samples / hop);
}
