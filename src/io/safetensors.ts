// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__: {string: string}}, then the
// raw little-endian tensor bytes. Used for golden tensors, extracted features and checkpoints.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import { fileReadProblem, InvalidFileError } from './errors.js';

export type SafeDType = 'F32' | 'F64' | 'I32' | 'I64' | 'U8';
export type SafeArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NamedTensor {
  dtype: SafeDType;
  shape: number[];
  data: SafeArray;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const ARRAY_OF: Record<SafeDType, { new (buffer: ArrayBuffer): SafeArray; BYTES_PER_ELEMENT: number }> = {
  F32: Float32Array,
  F64: Float64Array,
  I32: Int32Array,
  I64: BigInt64Array,
  U8: Uint8Array,
};

function dtypeOf(data: SafeArray): SafeDType {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  return 'U8';
}

// The reference implementation's cap: a header is a few KB even for large models.
export const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses and checks a safetensors file as the reference implementation does: the header is UTF-8 JSON of at
 * most MAX_HEADER_BYTES, every shape entry a non-negative integer, every dtype's element size times the element
 * count equal to its byte range, and the ranges tile the data section exactly (sorted, no gap, no overlap,
 * nothing after the last). Metadata values are strings.
 */
export function parseSafetensors(bytes: Uint8Array, name = '<buffer>'): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new InvalidFileError(name, `not a valid safetensors file: ${problem}`);
  };
  if (bytes.byteLength < 8) fail(`only ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) fail(`header length ${declared} is over the limit of ${MAX_HEADER_BYTES} bytes`);
  const headerLength = Number(declared);
  if (headerLength > bytes.byteLength - 8) fail(`header length ${headerLength} exceeds the file (${bytes.byteLength - 8} bytes after the length)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    return fail(`header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) return fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') metadata = checkedMetadata(value, fail);
    else entries.push(checkedEntry(key, value, fail));
  }
  // Sorted by range, zero-sized tensors before the one that starts where they do.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const entry of entries) {
    if (entry.begin !== covered) {
      fail(`tensor ${JSON.stringify(entry.name)} starts at ${entry.begin}, expected ${covered} (${entry.begin < covered ? 'it overlaps the tensor before' : 'a gap before it'})`);
    }
    covered = entry.end;
  }
  if (covered !== dataLength) fail(`tensors cover ${covered} bytes of a ${dataLength}-byte data section`);
  const tensors = new Map<string, NamedTensor>();
  for (const { name: key, dtype, shape, begin, end } of entries) {
    // Copy into an aligned buffer of its own: the data section need not be aligned to the element size
    // (and Node's Buffer.slice would return a view, not a copy).
    const copy = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(key, { dtype, shape, data: new ARRAY_OF[dtype](copy.buffer) });
  }
  return { tensors, metadata };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkedMetadata(value: unknown, fail: (problem: string) => never): Record<string, string> {
  if (!isPlainObject(value)) return fail('__metadata__ is not an object of strings');
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') fail(`__metadata__ ${JSON.stringify(key)} is ${JSON.stringify(text)}, not a string`);
  }
  // Object.fromEntries defines own properties: a key "__proto__" stays a key.
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function checkedEntry(name: string, value: unknown, fail: (problem: string) => never): HeaderEntry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) return fail(`${what} is not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !Object.hasOwn(ARRAY_OF, dtype)) {
    return fail(`${what} has unsupported dtype ${JSON.stringify(dtype)} (expected ${Object.keys(ARRAY_OF).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    return fail(`${what} has shape ${JSON.stringify(shape)}, expected a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((n) => Number.isSafeInteger(n) && n >= 0) || offsets[0] > offsets[1]) {
    return fail(`${what} has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  const elementBytes = ARRAY_OF[dtype as SafeDType].BYTES_PER_ELEMENT;
  // Multiplied in BigInt: a shape of large dimensions would lose precision (or pass as Infinity) in floats.
  const bytes = (shape as number[]).reduce((product, n) => product * BigInt(n), BigInt(elementBytes));
  if (bytes !== BigInt(end - begin)) {
    fail(`${what} [${shape.join(', ')}] ${dtype} needs ${bytes} bytes, its data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype: dtype as SafeDType, shape: shape as number[], begin, end };
}

export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InvalidFileError(path, fileReadProblem(error));
  }
  return parseSafetensors(bytes, path);
}

export function serializeSafetensors(
  tensors: Record<string, { shape: readonly number[]; data: SafeArray }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const { shape, data } = tensors[name];
    if (data.length !== shape.reduce((x, y) => x * y, 1)) throw new Error(`safetensors: ${name} has ${data.length} values for shape [${shape}]`);
    header[name] = { dtype: dtypeOf(data), shape: [...shape], data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  // Pad the header with spaces so the data section starts 8-byte aligned, as the reference writer does. The
  // padding is counted in UTF-8 bytes: a non-ASCII name takes more bytes than UTF-16 code units.
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(json.byteLength + ((8 - (json.byteLength % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const name of names) {
    const { data } = tensors[name];
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/** Written atomically: a crash never leaves a half-written file in place of a good one. */
export function writeSafetensors(
  path: string,
  tensors: Record<string, { shape: readonly number[]; data: SafeArray }>,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}
