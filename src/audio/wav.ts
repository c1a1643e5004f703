// WAV decoding. wavefile walks the RIFF chunks (any order, unknown chunks such as RAVDESS's FLLR,
// big-endian RIFX) and expands A-law/mu-law; the samples themselves are converted here because
// wavefile neither normalises them nor tells integer from float in WAVE_FORMAT_EXTENSIBLE files.
import wavefile from 'wavefile';
import { checkedClip, type AudioClip } from './clip.js';
import { AudioDecodeError } from './errors.js';

// The parts of wavefile's parsed state that its type declarations leave as `object`.
interface ParsedWav {
  container: string;
  fmt: {
    audioFormat: number;
    numChannels: number;
    sampleRate: number;
    blockAlign: number;
    bitsPerSample: number;
    subformat: number[];
  };
  data: { chunkSize: number; samples: Uint8Array };
  fromBuffer(bytes: Uint8Array): void;
  fromALaw(): void;
  fromMuLaw(): void;
}

const PCM = 0x0001;
const IEEE_FLOAT = 0x0003;
const A_LAW = 0x0006;
const MU_LAW = 0x0007;
const EXTENSIBLE = 0xfffe;

// Names for the message when a file uses an encoding we cannot decode.
const UNSUPPORTED_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3',
};

export type SampleKind = 'int' | 'float';

export function decodeWav(bytes: Uint8Array, source: string): AudioClip {
  const fail = (problem: string): never => {
    throw new AudioDecodeError(source, problem);
  };
  if (bytes.length === 0) fail('empty file (0 bytes)');
  const magic = ascii(bytes.subarray(0, 4));
  // RF64 only matters for files over 4 GiB, far beyond any speech clip.
  if (magic === 'RF64') fail('unsupported WAV container: RF64 (64-bit sizes)');
  if (magic !== 'RIFF' && magic !== 'RIFX') fail(`not a WAV file: starts with ${JSON.stringify(magic)}, expected "RIFF"`);
  if (bytes.length < 12) fail(`truncated WAV: only ${bytes.length} bytes`);
  if (ascii(bytes.subarray(8, 12)) !== 'WAVE') fail('not a WAV file: RIFF form type is not "WAVE"');

  const wav = new wavefile.WaveFile() as unknown as ParsedWav;
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    fail(`malformed WAV: ${(error as Error).message}`);
  }
  const { numChannels: channels, sampleRate, blockAlign, bitsPerSample: bits } = wav.fmt;
  if (!(channels >= 1)) fail(`fmt chunk says ${channels} channels`);

  // Extensible files carry the real format tag in the first field of the subformat GUID.
  const tag = wav.fmt.audioFormat === EXTENSIBLE ? (wav.fmt.subformat[0] ?? -1) : wav.fmt.audioFormat;
  const kind = sampleKindOf(tag, bits, fail);
  const bytesPerSample = Math.ceil(bits / 8);
  if (blockAlign !== channels * bytesPerSample) {
    fail(`inconsistent fmt chunk: blockAlign ${blockAlign}, expected ${channels} channels × ${bytesPerSample} bytes`);
  }

  const declared = wav.data.chunkSize;
  const present = wav.data.samples.length;
  if (present < declared) fail(`truncated WAV: data chunk says ${declared} bytes, only ${present} present`);
  // wavefile's copy includes the RIFF pad byte after an odd-sized chunk; it is not audio.
  wav.data.samples = wav.data.samples.subarray(0, declared);
  if (declared === 0) fail('no audio: data chunk is empty');

  let sampleBytes = bytesPerSample;
  if (tag === A_LAW || tag === MU_LAW) {
    // wavefile expands companded bytes in place into 16-bit PCM.
    if (tag === A_LAW) wav.fromALaw();
    else wav.fromMuLaw();
    sampleBytes = 2;
  }
  const samples = mixFrames(wav.data.samples, channels, sampleBytes, kind, wav.container !== 'RIFX');
  if (kind === 'float') {
    const bad = samples.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`float WAV contains NaN or infinite samples (first at frame ${bad})`);
  }
  return checkedClip(samples, sampleRate, source);
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
    return 'int';
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

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
