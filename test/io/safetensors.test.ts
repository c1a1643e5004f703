import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidFileError } from '../../src/io/errors.js';
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
    expect(() => readSafetensors(path)).toThrow(new InvalidFileError(path, 'not a valid safetensors file: header length 200 exceeds the file (1 bytes after the length)'));
    const good = serializeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    writeFileSync(path, good.subarray(0, good.byteLength - 4));
    expect(() => readSafetensors(path)).toThrow(`${path}: not a valid safetensors file: tensors cover 16 bytes of a 12-byte data section`);
    expect(readFileSync(path).byteLength).toBe(good.byteLength - 4);
  });

  /** A file of a given header (JSON text or object) followed by `dataBytes` zero bytes. */
  const withHeader = (header: string | object, dataBytes = 0, lengthField?: bigint) => {
    const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(json.length), true);
    out.set(json, 8);
    return out;
  };
  const f32 = (shape: unknown, offsets: unknown) => ({ dtype: 'F32', shape, data_offsets: offsets });

  it.each([
    ['3 bytes', Uint8Array.of(1, 2, 3), 'only 3 bytes'],
    ['a huge header length', withHeader('{}', 0, 2n ** 63n), 'header length 9223372036854775808 is over the limit of 100000000 bytes'],
    ['a header that is not JSON', withHeader('nope'), /^header is not UTF-8 JSON \(.*\)$/],
    ['a header that is not UTF-8', (() => { const b = withHeader('{"\u00e9":1}'); b[10] = 0xff; return b; })(), /^header is not UTF-8 JSON \(.*\)$/],
    ['a JSON array', withHeader('[]'), 'header is not a JSON object'],
    ['a metadata number', withHeader({ __metadata__: { a: 1 } }), '__metadata__ "a" is 1, not a string'],
    ['null metadata', withHeader({ __metadata__: null }), '__metadata__ is not an object of strings'],
    ['a tensor that is not an object', withHeader({ t: 3 }), 'tensor "t" is not an object'],
    ['an unsupported dtype', withHeader({ t: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, 2), 'tensor "t" has unsupported dtype "F16" (expected F32, F64, I32, I64, U8)'],
    ['an inherited dtype name', withHeader({ t: { dtype: 'toString', shape: [], data_offsets: [0, 4] } }, 4), 'tensor "t" has unsupported dtype "toString" (expected F32, F64, I32, I64, U8)'],
    ['a negative dimension', withHeader({ t: f32([-1], [0, 4]) }, 4), 'tensor "t" has shape [-1], expected a list of non-negative integers'],
    ['a fractional dimension', withHeader({ t: f32([1.5], [0, 4]) }, 4), 'tensor "t" has shape [1.5], expected a list of non-negative integers'],
    ['a shape that is a string', withHeader({ t: f32('4', [0, 16]) }, 16), 'tensor "t" has shape "4", expected a list of non-negative integers'],
    ['reversed offsets', withHeader({ t: f32([1], [8, 4]) }, 8), 'tensor "t" has data_offsets [8,4], expected [begin, end] with 0 <= begin <= end'],
    ['missing offsets', withHeader({ t: { dtype: 'F32', shape: [1] } }, 4), 'tensor "t" has data_offsets undefined, expected [begin, end] with 0 <= begin <= end'],
    ['a shape its bytes do not match', withHeader({ t: f32([4], [0, 12]) }, 12), 'tensor "t" [4] F32 needs 16 bytes, its data_offsets [0, 12] hold 12'],
    ['a shape of 2^80 elements', withHeader({ t: f32([2 ** 40, 2 ** 40], [0, 4]) }, 4), 'tensor "t" [1099511627776, 1099511627776] F32 needs 4835703278458516698824704 bytes, its data_offsets [0, 4] hold 4'],
    ['a gap between tensors', withHeader({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, 12), 'tensor "b" starts at 8, expected 4 (a gap before it)'],
    ['overlapping tensors', withHeader({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, 12), 'tensor "b" starts at 4, expected 8 (it overlaps the tensor before)'],
    ['two tensors on the same bytes', withHeader({ a: f32([1], [0, 4]), b: f32([1], [0, 4]) }, 4), 'tensor "b" starts at 0, expected 4 (it overlaps the tensor before)'],
    ['bytes after the last tensor', withHeader({ a: f32([1], [0, 4]) }, 8), 'tensors cover 4 bytes of a 8-byte data section'],
    ['a tensor past the end', withHeader({ a: f32([4], [0, 16]) }, 8), 'tensors cover 16 bytes of a 8-byte data section'],
  ] as [string, Uint8Array, string | RegExp][])('rejects %s with an InvalidFileError naming the file', (_, bytes, problem) => {
    let error: unknown;
    try {
      parseSafetensors(bytes, 'x.safetensors');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidFileError);
    expect((error as InvalidFileError).path).toBe('x.safetensors');
    const expected = (error as InvalidFileError).problem.replace(/^not a valid safetensors file: /, '');
    if (typeof problem === 'string') expect(expected).toBe(problem);
    else expect(expected).toMatch(problem);
  });

  it('accepts zero-sized tensors anywhere in the tiling, and keeps a metadata key "__proto__" as a key', () => {
    const bytes = withHeader({ __metadata__: JSON.parse('{"__proto__": "p"}'), e: f32([0, 3], [4, 4]), a: f32([1], [0, 4]), z: f32([0], [0, 0]) }, 4);
    const parsed = parseSafetensors(bytes);
    expect([...parsed.tensors.keys()].sort()).toEqual(['a', 'e', 'z']);
    expect(parsed.tensors.get('e')!.data.length).toBe(0);
    expect(Object.keys(parsed.metadata)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(parsed.metadata)).toBe(Object.prototype);
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

