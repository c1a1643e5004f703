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

export function parseSafetensors(bytes: Uint8Array, name = '<buffer>'): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new InvalidFileError(name, `not a valid safetensors file: ${problem}`);
  };
  if (bytes.byteLength < 8) fail(`only ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) fail(`header length ${headerLength} exceeds the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    return fail(`header is not JSON (${(error as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as { dtype: SafeDType; shape: number[]; data_offsets: [number, number] };
    const ctor = ARRAY_OF[entry.dtype] ?? fail(`tensor ${key} has unsupported dtype ${entry.dtype}`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((x, y) => x * y, 1);
    if (end - begin !== count * ctor.BYTES_PER_ELEMENT || dataStart + end > bytes.byteLength) {
      fail(`tensor ${key} [${entry.shape}] ${entry.dtype} has bad data offsets [${begin}, ${end}]`);
    }
    // Copy into an aligned buffer of its own: the data section need not be aligned to the element size
    // (and Node's Buffer.slice would return a view, not a copy).
    const copy = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(key, { dtype: entry.dtype, shape: entry.shape, data: new ctor(copy.buffer) });
  }
  return { tensors, metadata };
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
