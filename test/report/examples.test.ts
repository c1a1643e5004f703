import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../src/io/safetensors.js';
import { readExamples, writeExamples } from '../../src/report/examples.js';
import { scratchFolder } from '../audio/fixtures.js';
import { examples } from './fixture.js';

describe('examples.safetensors', () => {
  const folder = scratchFolder();

  it('round-trips the labels in order, the values, the sources and the feature config', () => {
    // Out of alphabetical order on purpose: the file stores tensors sorted by name.
    const original = examples({ labels: ['surprised', 'angry', 'neutral'] });
    const path = join(folder, 'examples.safetensors');
    writeExamples(path, original);
    const read = readExamples(path);
    expect(read.map((e) => e.label)).toEqual(['surprised', 'angry', 'neutral']);
    for (const [i, e] of read.entries()) {
      expect(e.source).toBe(original[i].source);
      expect(e.frames).toBe(original[i].frames);
      expect(e.config).toEqual(original[i].config);
      expect(e.values).toEqual(original[i].values);
    }
  });

  it('refuses examples whose size does not match the Mel bands', () => {
    const [bad] = examples({ labels: ['calm'] });
    expect(() => writeExamples(join(folder, 'x.safetensors'), [{ ...bad, frames: bad.frames + 1 }])).toThrow(/"calm" has 12032 values, not 64 bands x 189 frames/);
  });

  it('names a file that is not an examples file', () => {
    const path = join(folder, 'features.safetensors');
    writeSafetensors(path, { features: { shape: [2], data: new Float32Array(2) } });
    expect(() => readExamples(path)).toThrow(`${path}: not a ser-gpu examples file: metadata format is undefined`);
  });
});
