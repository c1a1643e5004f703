// Fuzzing the safetensors reader on the golden files: byte mutations (aimed at the length field and the JSON
// header), and header rewrites that keep the JSON valid but break its promises: overlapping, gapped, reversed
// or out-of-range data_offsets, shapes that are negative, fractional, huge or not lists, unknown dtypes, and
// metadata that is not strings. Valid results must tile the data section exactly. See oracle.ts for counts.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, type SafetensorsFile } from '../../src/io/safetensors.js';
import { mutate, mutations, type Target } from './mutate.js';
import { fuzz, FUZZ_TIMEOUT_MS, logCaseCounts, validOrOwnError } from './oracle.js';

logCaseCounts('safetensors.test.ts');

const GOLDEN = new URL('../golden/data/', import.meta.url);
const goldens = readdirSync(GOLDEN)
  .filter((name) => name.endsWith('.safetensors'))
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(name, GOLDEN))) }))
  .sort((a, b) => a.bytes.length - b.bytes.length);

const DTYPE_BYTES: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1 };

/** Shapes match their data, metadata is strings, and the tensors' bytes add up to the whole data section. */
function checkParsed(file: SafetensorsFile, bytes: Uint8Array): void {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  let total = 0;
  for (const [name, t] of file.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((n) => Number.isSafeInteger(n) && n >= 0) || t.data.length !== count) throw new Error(`${name}: shape [${t.shape}] for ${t.data.length} values`);
    if (t.data.BYTES_PER_ELEMENT !== DTYPE_BYTES[t.dtype]) throw new Error(`${name}: ${t.dtype} held in ${t.data.constructor.name}`);
    total += t.data.byteLength;
  }
  if (total !== bytes.length - 8 - headerLength) throw new Error(`tensors hold ${total} bytes of a ${bytes.length - 8 - headerLength}-byte data section`);
  for (const value of Object.values(file.metadata)) if (typeof value !== 'string') throw new Error(`metadata value ${JSON.stringify(value)}`);
}

const parse = (bytes: Uint8Array, name: string) => validOrOwnError(() => parseSafetensors(bytes, name), [name], (file) => checkParsed(file, bytes));

// An index (so a counterexample prints short), the five smaller files more often: the same header logic for less copying.
const pickGolden = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.min(4, goldens.length - 1) }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: goldens.length - 1 }) },
);

describe('fuzz: safetensors reader on the golden files', () => {
  it('every golden parses unmutated (the oracle accepts real files)', async () => {
    for (const { name, bytes } of goldens) expect(await parse(bytes, name)).toBe('valid');
  });

  it('byte mutations aimed at the length field and the header', async () => {
    await fuzz('safetensors goldens, mutated', fc.tuple(pickGolden, mutations), ([index, list]) => {
      const golden = goldens[index];
      const headerLength = Number(new DataView(golden.bytes.buffer).getBigUint64(0, true));
      const target: Target = { regions: [[0, 8], [8, 8 + headerLength], [8 + headerLength - 64, 8 + headerLength + 64]], fields: [0, 4, 7, 8] };
      return parse(mutate(golden.bytes, target, list), golden.name);
    });
  }, FUZZ_TIMEOUT_MS);

  it('header rewrites that keep valid JSON but break its promises', async () => {
    const value = fc.oneof(
      fc.constantFrom(-1, 0, 1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 60, 1e308, -0, null, '4', true, [], {}, [1, 2], [[1]]),
      fc.integer({ min: -4, max: 1 << 20 }),
    );
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('offsets' as const), tensor: fc.nat(), begin: fc.oneof(value, fc.constant('keep')), end: fc.oneof(value, fc.constant('keep')) }),
      fc.record({ kind: fc.constant('shift' as const), tensor: fc.nat(), by: fc.integer({ min: -64, max: 64 }) }),
      fc.record({ kind: fc.constant('borrow' as const), tensor: fc.nat(), from: fc.nat() }),
      fc.record({ kind: fc.constant('shape' as const), tensor: fc.nat(), shape: fc.oneof(value, fc.array(value, { maxLength: 4 })) }),
      fc.record({ kind: fc.constant('dtype' as const), tensor: fc.nat(), dtype: fc.constantFrom('F16', 'BF16', 'BOOL', 'f32', '', 'toString', '__proto__', 'F32', 'I32', 'F64', 'I64', 'U8', 7, null) }),
      fc.record({ kind: fc.constant('drop' as const), tensor: fc.nat() }),
      fc.record({ kind: fc.constant('duplicate' as const), tensor: fc.nat(), name: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('metadata' as const), key: fc.constantFrom('__proto__', 'format', 'x', ''), value: fc.oneof(value, fc.string()) }),
      fc.record({ kind: fc.constant('metadataItself' as const), value }),
      fc.record({ kind: fc.constant('data' as const), bytes: fc.integer({ min: -16, max: 16 }) }),
    );
    await fuzz('safetensors goldens, header fields', fc.tuple(pickGolden, fc.array(edit, { minLength: 1, maxLength: 3 })), ([index, edits]) => {
      const golden = goldens[index];
      const headerLength = Number(new DataView(golden.bytes.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(golden.bytes.subarray(8, 8 + headerLength))) as Record<string, any>;
      let data = golden.bytes.subarray(8 + headerLength);
      const names = () => Object.keys(header).filter((key) => key !== '__metadata__');
      const nameOf = (n: number) => names()[n % names().length];
      for (const e of edits) {
        if (names().length === 0 && e.kind !== 'metadata' && e.kind !== 'metadataItself' && e.kind !== 'data') continue;
        if (e.kind === 'offsets') {
          const entry = header[nameOf(e.tensor)];
          entry.data_offsets = [e.begin === 'keep' ? entry.data_offsets[0] : e.begin, e.end === 'keep' ? entry.data_offsets[1] : e.end];
        } else if (e.kind === 'shift') {
          const entry = header[nameOf(e.tensor)];
          entry.data_offsets = entry.data_offsets.map((x: number) => x + e.by);
        } else if (e.kind === 'borrow') header[nameOf(e.tensor)].data_offsets = [...header[nameOf(e.from)].data_offsets];
        else if (e.kind === 'shape') header[nameOf(e.tensor)].shape = e.shape;
        else if (e.kind === 'dtype') header[nameOf(e.tensor)].dtype = e.dtype;
        else if (e.kind === 'drop') delete header[nameOf(e.tensor)];
        else if (e.kind === 'duplicate') header[`${nameOf(e.tensor)}${e.name}`] = structuredClone(header[nameOf(e.tensor)]);
        else if (e.kind === 'metadata') {
          if (typeof header.__metadata__ !== 'object' || header.__metadata__ === null) header.__metadata__ = {};
          Object.defineProperty(header.__metadata__, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
        }
        else if (e.kind === 'metadataItself') header.__metadata__ = e.value;
        else if (e.bytes < 0) data = data.subarray(0, Math.max(0, data.length + e.bytes));
        else {
          const longer = new Uint8Array(data.length + e.bytes);
          longer.set(data);
          data = longer;
        }
      }
      const json = new TextEncoder().encode(JSON.stringify(header));
      const bytes = new Uint8Array(8 + json.length + data.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
      bytes.set(json, 8);
      bytes.set(data, 8 + json.length);
      return parse(bytes, golden.name);
    });
  }, FUZZ_TIMEOUT_MS);
});
