import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames } from '../audio/wav-builder.js';
import { serGpu } from '../helpers/cli.js';
import { webgpuBackend } from '../helpers/backends.js';

const backend = webgpuBackend() ? 'webgpu' : 'cpu';

describe('ser-gpu plot augment', () => {
  const folder = scratchFolder();
  // A second of a harmonic tone with a rising pitch, at the feature rate.
  const rate = 16000;
  const tone = Array.from({ length: rate }, (_, i) => {
    const phase = 2 * Math.PI * (150 * (i / rate) + 50 * (i / rate) ** 2);
    return 0.2 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase));
  });
  const audio = join(folder, 'tone.wav');
  writeFileSync(audio, buildWav({ formatTag: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, data: encodeFrames([tone], 'pcm16') }));

  it('draws a panel per augmentation, unaugmented first', () => {
    const out = join(folder, 'augment.svg');
    const r = serGpu('plot', 'augment', audio, '--out', out, '--backend', backend);
    expect(r.stderr).not.toContain('ser-gpu:');
    expect(r.status).toBe(0);
    const svg = readFileSync(out, 'utf8');
    const titles = ['unaugmented', 'pitch shift: 2 semitones', 'time stretch: rate 0.9', 'gain: 6 dB', 'white noise: SNR 5 dB', 'SpecAugment: 2 frequency masks', 'mixup with the clip reversed'];
    for (const t of titles) expect(svg).toContain(t);
    expect(svg.match(/data:image\/png;base64,/g)?.length).toBe(7);
  });

  it('writes a PNG with two panels a row', () => {
    const out = join(folder, 'augment.png');
    expect(serGpu('plot', 'augment', audio, '--out', out, '--augment', 'gain:db=-3..3,specaugment', '--backend', backend).status).toBe(0);
    const png = readFileSync(out);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1720, 40 + 2 * 300]); // three panels: two rows
  });

  it('exits 2 on a bad --augment, naming the problem', () => {
    const r = serGpu('plot', 'augment', audio, '--out', join(folder, 'x.png'), '--augment', 'noise:snr=9', '--backend', 'cpu');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('noise:snr = "9" is not a range');
  });
});
