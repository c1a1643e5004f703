// WAV decoding: a RIFF chunk walk (any chunk order, unknown chunks such as RAVDESS's FLLR skipped, big-endian
// RIFX) that checks every declared size against the bytes present, then integer, float, A-law or mu-law samples
// mixed to mono. Written here rather than through wavefile, which trusts counts inside chunks: a 100 KB file
// whose `cue ` chunk claimed 2^32 cue points ran it out of memory.
import { checkedClip, type AudioClip } from './clip.js';
import { AudioDecodeError } from './errors.js';

const PCM = 0x0001;
const IEEE_FLOAT = 0x0003;
const A_LAW = 0x0006;
const MU_LAW = 0x0007;
const EXTENSIBLE = 0xfffe;

const RIFF_HEADER = 12;
const CHUNK_HEADER = 8;
const FMT_SIZE = 16;
// cbSize, valid bits, channel mask and the 16-byte subformat GUID follow the 16 basic bytes.
const EXTENSIBLE_FMT_SIZE = 40;

// Names for the message when a file uses an encoding we cannot decode.
const UNSUPPORTED_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3',
};

export type SampleKind = 'int' | 'float' | 'alaw' | 'mulaw';

interface Chunk {
  id: string;
  /** The declared size, and the bytes of the body actually present (fewer when the file is cut short). */
  declared: number;
  body: Uint8Array;
}

export function decodeWav(bytes: Uint8Array, source: string): AudioClip {
  const fail = (problem: string): never => {
    throw new AudioDecodeError(source, problem);
  };
  if (bytes.length === 0) fail('empty file (0 bytes)');
  const magic = ascii(bytes.subarray(0, 4));
  // RF64 only matters for files over 4 GiB, far beyond any speech clip.
  if (magic === 'RF64') fail('unsupported WAV container: RF64 (64-bit sizes)');
  if (magic !== 'RIFF' && magic !== 'RIFX') fail(`not a WAV file: starts with ${JSON.stringify(magic)}, expected "RIFF"`);
  if (bytes.length < RIFF_HEADER) fail(`truncated WAV: only ${bytes.length} bytes`);
  if (ascii(bytes.subarray(8, 12)) !== 'WAVE') fail('not a WAV file: RIFF form type is not "WAVE"');
  const le = magic === 'RIFF';

  const { fmt, data } = findChunks(bytes, le, fail);
  if (fmt.declared < FMT_SIZE) fail(`malformed WAV: "fmt " chunk is ${fmt.declared} bytes, expected at least ${FMT_SIZE}`);
  const f = new DataView(fmt.body.buffer, fmt.body.byteOffset, fmt.body.byteLength);
  const formatTag = f.getUint16(0, le);
  const channels = f.getUint16(2, le);
  const sampleRate = f.getUint32(4, le);
  const blockAlign = f.getUint16(12, le);
  const bits = f.getUint16(14, le);
  if (channels < 1) fail(`fmt chunk says ${channels} channels`);

  // Extensible files carry the real format tag in the first field of the subformat GUID.
  let tag = formatTag;
  if (formatTag === EXTENSIBLE) {
    if (fmt.declared < EXTENSIBLE_FMT_SIZE) fail(`malformed WAV: extensible "fmt " chunk is ${fmt.declared} bytes, expected ${EXTENSIBLE_FMT_SIZE}`);
    tag = f.getUint16(24, le);
  }
  const kind = sampleKindOf(tag, bits, fail);
  const bytesPerSample = Math.ceil(bits / 8);
  if (blockAlign !== channels * bytesPerSample) {
    fail(`inconsistent fmt chunk: blockAlign ${blockAlign}, expected ${channels} channels × ${bytesPerSample} bytes`);
  }

  if (data.body.length < data.declared) fail(`truncated WAV: data chunk says ${data.declared} bytes, only ${data.body.length} present`);
  if (data.declared === 0) fail('no audio: data chunk is empty');
  if (data.declared < blockAlign) fail(`no audio: data chunk is ${data.declared} bytes, less than one ${blockAlign}-byte frame`);
  const samples = mixFrames(data.body, channels, bytesPerSample, kind, le);
  return checkedClip(samples, sampleRate, source);
}

/**
 * The fmt and data chunks. The RIFF size field is ignored (writers often get it wrong); the walk stops at the
 * end of the bytes or once both chunks are found, so damage after the audio does not matter.
 */
function findChunks(bytes: Uint8Array, le: boolean, fail: (problem: string) => never): { fmt: Chunk; data: Chunk } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: Chunk | undefined;
  let data: Chunk | undefined;
  for (let at = RIFF_HEADER; at + CHUNK_HEADER <= bytes.length && !(fmt && data); ) {
    const id = ascii(bytes.subarray(at, at + 4));
    const declared = view.getUint32(at + 4, le);
    const start = at + CHUNK_HEADER;
    const chunk = { id, declared, body: bytes.subarray(start, Math.min(bytes.length, start + declared)) };
    if (id === 'fmt ') fmt ??= chunk;
    else if (id === 'data') data ??= chunk;
    // An odd-sized chunk is followed by a pad byte.
    at = start + declared + (declared % 2);
  }
  if (!fmt) return fail(data ? 'malformed WAV: no "fmt " chunk before the end of the file' : 'malformed WAV: no "fmt " chunk and no "data" chunk');
  if (fmt.body.length < fmt.declared) fail(`truncated WAV: "fmt " chunk says ${fmt.declared} bytes, only ${fmt.body.length} present`);
  if (!data) return fail('malformed WAV: no "data" chunk');
  return { fmt, data };
}

function sampleKindOf(tag: number, bits: number, fail: (problem: string) => never): SampleKind {
  const hex = `0x${tag.toString(16).padStart(4, '0')}`;
  if (tag === PCM) {
    if (bits < 1 || bits > 32) fail(`unsupported WAV encoding: ${bits}-bit integer PCM`);
    return 'int';
  }
  if (tag === IEEE_FLOAT) {
    if (bits !== 32 && bits !== 64) fail(`unsupported WAV encoding: ${bits}-bit float (only 32 and 64 exist)`);
    return 'float';
  }
  if (tag === A_LAW || tag === MU_LAW) {
    if (bits !== 8) fail(`unsupported WAV encoding: ${bits}-bit ${tag === A_LAW ? 'A-law' : 'mu-law'} (expected 8)`);
    return tag === A_LAW ? 'alaw' : 'mulaw';
  }
  const name = UNSUPPORTED_NAMES[tag];
  return fail(`unsupported WAV encoding: ${name ? `${name} (format tag ${hex})` : `unknown format tag ${hex}`}`);
}

/** Converts interleaved frames to mono floats by averaging the channels. A trailing partial frame is dropped. */
export function mixFrames(data: Uint8Array, channels: number, bytesPerSample: number, kind: SampleKind, littleEndian: boolean): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = sampleReader(bytesPerSample, kind, littleEndian);
  const frameBytes = channels * bytesPerSample;
  const mono = new Float32Array(Math.floor(data.byteLength / frameBytes));
  for (let frame = 0; frame < mono.length; frame++) {
    let sum = 0;
    for (let channel = 0, offset = frame * frameBytes; channel < channels; channel++, offset += bytesPerSample) {
      sum += read(view, offset);
    }
    mono[frame] = sum / channels;
  }
  return mono;
}

/** Integer samples are scaled by their container's full scale, so e.g. 20-bit-in-24 reads correctly. */
function sampleReader(bytesPerSample: number, kind: SampleKind, le: boolean): (view: DataView, offset: number) => number {
  if (kind === 'float') {
    return bytesPerSample === 4 ? (v, o) => v.getFloat32(o, le) : (v, o) => v.getFloat64(o, le);
  }
  if (kind === 'alaw') return (v, o) => A_LAW_TABLE[v.getUint8(o)];
  if (kind === 'mulaw') return (v, o) => MU_LAW_TABLE[v.getUint8(o)];
  switch (bytesPerSample) {
    case 1: // 8-bit WAV is unsigned with 128 as silence.
      return (v, o) => (v.getUint8(o) - 128) / 128;
    case 2:
      return (v, o) => v.getInt16(o, le) / 32768;
    case 3:
      return le
        ? (v, o) => ((v.getInt8(o + 2) << 16) | (v.getUint8(o + 1) << 8) | v.getUint8(o)) / 8388608
        : (v, o) => ((v.getInt8(o) << 16) | (v.getUint8(o + 1) << 8) | v.getUint8(o + 2)) / 8388608;
    default:
      return (v, o) => v.getInt32(o, le) / 2147483648;
  }
}

// G.711 expansion to 16-bit linear PCM (as ITU-T's reference g711.c), scaled by 1/32768 like 16-bit WAV.
const A_LAW_TABLE = Float32Array.from({ length: 256 }, (_, byte) => {
  const a = byte ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let magnitude = ((a & 0x0f) << 4) + 8;
  if (segment > 0) magnitude = (magnitude + 0x100) << (segment - 1);
  return (a & 0x80 ? magnitude : -magnitude) / 32768;
});

const MU_LAW_TABLE = Float32Array.from({ length: 256 }, (_, byte) => {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84;
  return (u & 0x80 ? -magnitude : magnitude) / 32768;
});

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
