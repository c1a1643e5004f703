// A clip too short for the features is a per-file problem: `ser-gpu extract` skips it, names it and counts it,
// and writes the rest (before, one 1-sample WAV stopped the run with an error that named no file).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeatureFile } from '../../src/data/feature-file.js';
import { hasSharedData, RAVDESS_FLAC, scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames, testSignal } from '../audio/wav-builder.js';
import { serGpu } from '../helpers/cli.js';

const wavOf = (frames: number, sampleRate = 16000) =>
  buildWav({ formatTag: 1, channels: 1, sampleRate, bitsPerSample: 16, data: encodeFrames(testSignal(frames, 1), 'pcm16') });

describe.skipIf(!hasSharedData)('ser-gpu extract with clips too short for the features (needs ../shared/data)', () => {
  const data = scratchFolder();
  const real = ['03-01-01-01-01-01-01.flac', '03-01-05-02-01-01-01.flac'].map((name) => {
    copyFileSync(join(RAVDESS_FLAC, 'Actor_01', name), join(data, name));
    return join(data, name);
  });

  it('skips a 1-sample WAV and a 2-sample 48 kHz WAV (1 sample at 16 kHz), naming each, and writes the real clips', () => {
    writeFileSync(join(data, 'one.wav'), wavOf(1));
    writeFileSync(join(data, 'two-at-48k.wav'), wavOf(2, 48000));
    const out = join(data, 'features.safetensors');
    const r = serGpu('extract', '--data', data, '--out', out, '--backend', 'auto');
    expect(r.stderr).not.toMatch(/ser-gpu: /); // no run-ending error
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('skipped 2 files that could not be decoded:');
    expect(r.stdout).toContain(`${join(data, 'one.wav')}: too short for feature extraction: 1 sample at 16000 Hz, fewer than 2 (2 samples for one frame)`);
    expect(r.stdout).toContain(
      `${join(data, 'two-at-48k.wav')}: too short for feature extraction: 2 samples at 48000 Hz (1 at the feature rate, 16000 Hz), fewer than 2 (2 samples for one frame)`,
    );
    expect(readFeatureFile(out).sources).toEqual(real);
  });

  it('with --deltas 2, skips a clip one sample short of 9 frames and keeps one of exactly 9', () => {
    const deltas = scratchFolder();
    for (const path of real) copyFileSync(path, join(deltas, path.slice(data.length + 1)));
    writeFileSync(join(deltas, 'short.wav'), wavOf(8 * 256 - 1)); // 1 + floor(2047 / 256) = 8 frames
    writeFileSync(join(deltas, 'enough.wav'), wavOf(8 * 256)); // 9 frames: librosa's delta width
    const out = join(deltas, 'deltas.safetensors');
    const r = serGpu('extract', '--data', deltas, '--out', out, '--deltas', '2', '--backend', 'auto');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('skipped 1 file that could not be decoded:');
    expect(r.stdout).toContain(`${join(deltas, 'short.wav')}: too short for feature extraction: 2047 samples at 16000 Hz, fewer than 2048 (9 frames of hop 256 for deltas of width 9)`);
    const file = readFeatureFile(out);
    expect(file.sources.map((source) => source.slice(deltas.length + 1))).toEqual(['03-01-01-01-01-01-01.flac', '03-01-05-02-01-01-01.flac', 'enough.wav']);
    expect(file.lengths[2]).toBe(9);
    expect(file.shape[1]).toBe(3 * 64);
  });
});
