// Byte-level mutations of a file for the fuzz suite: truncation, bit flips, byte and 4-byte id overwrites, huge
// declared sizes written over 16-, 32- and 64-bit fields, deletions, insertions and copies of a span elsewhere
// (which duplicates or overlaps structures). A target names its hot regions (headers, directories) and the
// offsets of its size and count fields, so that most mutations land where a reader makes decisions.
import fc from 'fast-check';
import { concatBytes } from '../../src/io/bytes.js';

export interface Target {
  /** [start, end) byte ranges worth mutating more often than the rest (the whole file is always a region). */
  regions?: readonly (readonly [number, number])[];
  /** Offsets of size, count, offset and rate fields. */
  fields?: readonly number[];
  /** 4-byte ids worth writing (chunk ids, signatures). */
  ids?: readonly string[];
}

/** Where a mutation lands: a field, or a fraction of a region (region 0 is the whole file). */
type Position = { field: number } | { region: number; fraction: number };

export type Mutation =
  | { kind: 'truncate'; fraction: number }
  | { kind: 'flip'; at: Position; bit: number }
  | { kind: 'byte'; at: Position; value: number }
  | { kind: 'id'; at: Position; id: string }
  | { kind: 'int'; at: Position; bytes: 2 | 4 | 8; value: bigint; littleEndian: boolean }
  | { kind: 'delete'; at: Position; count: number }
  | { kind: 'insert'; at: Position; bytes: Uint8Array }
  | { kind: 'copy'; from: Position; to: Position; count: number };

// Sizes that break readers: 0, 1, sign boundaries, all ones, and values just below them.
const HUGE = [0n, 1n, 2n, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xfffffff0n, 0xffffffffn, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];
const BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

const position = fc.oneof(
  { weight: 2, arbitrary: fc.record({ field: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ region: fc.nat(), fraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }) },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.oneof(fc.constantFrom(...BYTES), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant('id' as const), at: position, id: fc.string({ minLength: 4, maxLength: 4, unit: 'binary-ascii' }) }),
  fc.record({
    kind: fc.constant('int' as const),
    at: position,
    bytes: fc.constantFrom(2 as const, 4 as const, 8 as const),
    value: fc.oneof(fc.constantFrom(...HUGE), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
    littleEndian: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('copy' as const), from: position, to: position, count: fc.integer({ min: 1, max: 256 }) }),
);

/** One to four mutations, applied in order. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(mutation, { minLength: 1, maxLength: 4 });

/** The mutated copy of `bytes` (the input is left as is). */
export function mutate(bytes: Uint8Array, target: Target, list: readonly Mutation[]): Uint8Array {
  let out: Uint8Array = bytes.slice();
  for (const m of list) out = applyOne(out, target, m);
  return out;
}

function applyOne(bytes: Uint8Array, target: Target, m: Mutation): Uint8Array {
  if (bytes.length === 0) return bytes;
  const at = (p: Position): number => offsetOf(bytes.length, target, p);
  switch (m.kind) {
    case 'truncate':
      return bytes.slice(0, Math.floor(m.fraction * bytes.length));
    case 'flip':
      bytes[at(m.at)] ^= 1 << m.bit;
      return bytes;
    case 'byte':
      bytes[at(m.at)] = m.value;
      return bytes;
    case 'id': {
      const id = target.ids && target.ids.length > 0 && m.id.charCodeAt(0) % 2 === 0 ? target.ids[m.id.charCodeAt(1) % target.ids.length] : m.id;
      const start = at(m.at);
      for (let i = 0; i < 4 && start + i < bytes.length; i++) bytes[start + i] = id.charCodeAt(i) & 0xff;
      return bytes;
    }
    case 'int': {
      const start = at(m.at);
      for (let i = 0; i < m.bytes && start + i < bytes.length; i++) {
        const shift = BigInt(8 * (m.littleEndian ? i : m.bytes - 1 - i));
        bytes[start + i] = Number((m.value >> shift) & 0xffn);
      }
      return bytes;
    }
    case 'delete': {
      const start = at(m.at);
      return concat(bytes.subarray(0, start), bytes.subarray(Math.min(bytes.length, start + m.count)));
    }
    case 'insert': {
      const start = at(m.at);
      return concat(bytes.subarray(0, start), m.bytes, bytes.subarray(start));
    }
    case 'copy': {
      const from = at(m.from);
      const span = bytes.slice(from, Math.min(bytes.length, from + m.count));
      const to = at(m.to);
      bytes.set(span.subarray(0, bytes.length - to), to);
      return bytes;
    }
  }
}

function offsetOf(length: number, target: Target, p: Position): number {
  if ('field' in p) {
    const fields = target.fields ?? [];
    if (fields.length > 0) return Math.min(length - 1, fields[p.field % fields.length]);
    return p.field % length;
  }
  const regions: (readonly [number, number])[] = [[0, length], ...(target.regions ?? [])];
  const [start, end] = regions[p.region % regions.length];
  const from = Math.min(start, length - 1);
  const to = Math.max(from + 1, Math.min(end, length));
  return from + Math.floor(p.fraction * (to - from));
}

const concat = (...parts: Uint8Array[]) => concatBytes(parts);
