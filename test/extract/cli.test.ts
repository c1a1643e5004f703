import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeatureFile } from '../../src/data/feature-file.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { hasSharedData, RAVDESS_ZIP_01, scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames } from '../audio/wav-builder.js';
import { webgpuBackend } from '../helpers/backends.js';
import { serGpu } from '../helpers/cli.js';

// The CLI runs the real pipeline: WebGPU where there is an adapter, else the gpu.js fallback.
const backend = webgpuBackend() ? 'webgpu' : 'cpu';

describe('ser-gpu extract', () => {
  const scratch = scratchFolder();

  it.skipIf(!hasSharedData)('extracts 48 kHz WAVs from Actor_01.zip into a valid feature file', () => {
    const out = join(scratch, 'actor01.safetensors');
    const r = serGpu('extract', '--data', RAVDESS_ZIP_01, '--out', out, '--limit', '4', '--backend', backend);
    expect(r.stderr).toMatch(/extract: 4 files/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote .*actor01\.safetensors: 4 clips x 64 logmel bands x \d+ frames/);
    expect(r.stdout).toMatch(/clips\/s, \d+x real time/);

    const raw = readSafetensors(out);
    expect(raw.tensors.get('labels')).toMatchObject({ dtype: 'I32', shape: [4] });
    const file = readFeatureFile(out);
    expect(file.shape.slice(0, 2)).toEqual([4, 64]);
    expect(file.sources.every((s) => s.startsWith(`${RAVDESS_ZIP_01}:Actor_01/03-01-`))).toBe(true);
    // Every label matches the emotion field of its file name; every actor is 1.
    const emotions = file.sources.map((s) => Number(/03-01-(\d\d)-/.exec(s)![1]) - 1);
    expect(Array.from(file.labels)).toEqual(emotions);
    expect(new Set(emotions).size).toBeGreaterThan(1); // --limit spreads over the corpus
    expect(Array.from(file.actors)).toEqual([1, 1, 1, 1]);
    expect(file.config).toMatchObject({ kind: 'logmel', sampleRate: 16000, nFft: 1024, hop: 256, nMels: 64 });
    // RAVDESS clips last about 3-4 s: at 16 kHz and hop 256 that is 190-270 frames.
    for (const length of file.lengths) expect(length).toBeGreaterThan(150);
  });

  it('lists a corrupt file with its error in the summary and writes the others', () => {
    const data = scratchFolder();
    const tone = Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin(i / 5));
    writeFileSync(join(data, 'good.wav'), buildWav({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: encodeFrames([tone], 'pcm16') }));
    writeFileSync(join(data, 'bad.wav'), 'not audio');
    const out = join(scratch, 'one.safetensors');
    const r = serGpu('extract', '--data', data, '--out', out, '--backend', backend);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`skipped 1 file that could not be decoded:\n    ${join(data, 'bad.wav')}: `);
    expect(readFeatureFile(out).sources).toEqual([join(data, 'good.wav')]);
  });

  it('names a missing --data path', () => {
    const r = serGpu('extract', '--data', '/no/such/corpus', '--out', join(scratch, 'x.safetensors'), '--backend', 'cpu');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ser-gpu: input not found: \/no\/such\/corpus$/m);
  });

  it('names a folder without audio', () => {
    const empty = scratchFolder();
    const r = serGpu('extract', '--data', empty, '--out', join(scratch, 'x.safetensors'), '--backend', 'cpu');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no audio files (.wav, .wave, .flac) found in ${empty}`);
  });
});
