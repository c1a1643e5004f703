import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames } from '../audio/wav-builder.js';
import { serGpu } from '../helpers/cli.js';
import { webgpuBackend } from '../helpers/backends.js';

const backend = webgpuBackend() ? 'webgpu' : 'cpu';

describe('ser-gpu plot spectrogram', () => {
  const folder = scratchFolder();
  // One second of a rising tone at 22.05 kHz (resampled to 16 kHz by the pipeline).
  const rate = 22050;
  const sweep = Array.from({ length: rate }, (_, i) => 0.5 * Math.sin(2 * Math.PI * (200 + 1500 * (i / rate)) * (i / rate)));
  const audio = join(folder, 'sweep.wav');
  writeFileSync(audio, buildWav({ formatTag: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, data: encodeFrames([sweep], 'pcm16') }));

  it('writes a PNG image of the chart size', () => {
    const out = join(folder, 'spec.png');
    const r = serGpu('plot', 'spectrogram', audio, '--out', out, '--backend', backend);
    expect(r.stderr).not.toContain('ser-gpu:');
    expect(r.status).toBe(0);
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 420]);
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('writes the SVG itself for an .svg name, with axes, title and colour bar', () => {
    const out = join(folder, 'spec.svg');
    expect(serGpu('plot', 'spectrogram', audio, '--out', out, '--backend', backend).status).toBe(0);
    const svg = readFileSync(out, 'utf8');
    for (const label of ['Mel spectrogram: sweep.wav', 'Time (s)', 'Frequency (Hz)', '>dB<', 'data:image/png;base64,']) expect(svg).toContain(label);
  });

  it('names a missing audio file, a usage error (exit 2)', () => {
    const r = serGpu('plot', 'spectrogram', join(folder, 'missing.wav'), '--out', join(folder, 'x.png'), '--backend', 'cpu');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(join(folder, 'missing.wav'));
  });
});
