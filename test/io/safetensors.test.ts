import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, readSafetensors, serializeSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { loadGolden } from '../helpers/golden.js';

// Written by the reference writer (Python safetensors): test/io/fixtures/make_unicode.py.
const UNICODE_FILE = fileURLToPath(new URL('./fixtures/unicode.safetensors', import.meta.url));
const UNICODE_TENSORS = {
  'emoji 😀 "quoted"': { shape: [1], data: Float32Array.from([7]) },
  'wéight': { shape: [2, 3], data: Float32Array.from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]) },
  '情感.bias': { shape: [3], data: Float32Array.from([0.5, -1.25, 3]) },
};
const UNICODE_METADATA = { files: '["Actor 01/ça va.wav", "dir \\"q\\"/x.flac"]', note: 'Ünïcode – 情感 😀' };

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

  it('reads non-ASCII names and metadata written by Python safetensors', () => {
    const { tensors, metadata } = readSafetensors(UNICODE_FILE);
    expect(metadata).toEqual(UNICODE_METADATA);
    expect([...tensors.keys()].sort()).toEqual(Object.keys(UNICODE_TENSORS).sort());
    for (const [name, t] of Object.entries(UNICODE_TENSORS)) {
      expect(tensors.get(name)!.shape).toEqual(t.shape);
      expect(tensors.get(name)!.data).toEqual(t.data);
    }
  });

  it('pads a non-ASCII header by its UTF-8 bytes: the same bytes as the reference writer', () => {
    const ours = serializeSafetensors(UNICODE_TENSORS, UNICODE_METADATA);
    const headerLength = Number(new DataView(ours.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    expect(Buffer.from(ours).equals(readFileSync(UNICODE_FILE))).toBe(true);
    const back = parseSafetensors(ours);
    expect(back.metadata).toEqual(UNICODE_METADATA);
    expect(back.tensors.get('情感.bias')!.data).toEqual(UNICODE_TENSORS['情感.bias'].data);
  });
});

