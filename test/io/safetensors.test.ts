import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, readSafetensors, serializeSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { loadGolden } from '../helpers/golden.js';

describe('safetensors', () => {
  it('round-trips tensors of every dtype with metadata', () => {
    const tensors = {
      f: { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) },
      d: { shape: [2], data: Float64Array.from([Math.PI, -1e300]) },
      i: { shape: [3], data: Int32Array.from([-1, 0, 2 ** 31 - 1]) },
      l: { shape: [1], data: BigInt64Array.from([-5n]) },
    };
    const parsed = parseSafetensors(serializeSafetensors(tensors, { note: 'x' }));
    expect(parsed.metadata).toEqual({ note: 'x' });
    for (const [name, t] of Object.entries(tensors)) {
      expect(parsed.tensors.get(name)!.shape).toEqual(t.shape);
      expect(Array.from(parsed.tensors.get(name)!.data as ArrayLike<number | bigint>)).toEqual(Array.from(t.data as ArrayLike<number | bigint>));
    }
  });

  it('reads files written by the Python generator', () => {
    const golden = loadGolden('core');
    expect(golden.get('elementwise.x').shape).toEqual([1000]);
  });

  it('writes atomically and reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    const path = join(dir, 'a.safetensors');
    writeSafetensors(path, { w: { shape: [2], data: Float32Array.from([1, 2]) } });
    expect(Array.from(readSafetensors(path).tensors.get('w')!.data as Float32Array)).toEqual([1, 2]);
  });

  it('names the file and the problem for a corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    expect(() => readSafetensors(path)).toThrow(/bad\.safetensors: not a valid safetensors file: header length 200 exceeds the file/);
    const good = serializeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    writeFileSync(path, good.subarray(0, good.byteLength - 4));
    expect(() => readSafetensors(path)).toThrow(/tensor w \[4\] F32 has bad data offsets/);
    expect(readFileSync(path).byteLength).toBe(good.byteLength - 4);
  });
});
