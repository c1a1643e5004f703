// Audio bytes as they arrive (stdin, a socket) → mono float samples. A WAV stream is recognised by its header;
// streamed WAVs (`sox -d -t wav -`, `arecord -t wav`) cannot know their length and write a placeholder data
// size: 0, 0xFFFFFFFF, or about 2 GiB (sox's 0x7FFFF000, arecord's near 0x7FFFFFFF), all read here as "until
// the end of the stream" (aplay's reader ignores sizes from 0x7FFFFFFE up). Raw PCM takes its encoding, rate
// and channels from the caller. Channels are averaged to mono, as the file decoder does (src/audio/wav.ts).
import { mixFrames, type SampleKind } from '../audio/wav.js';

export type StreamFormat = 'wav' | 's16le' | 'f32le';

export interface RawFormat {
  format: 's16le' | 'f32le';
  sampleRate: number;
  channels: number;
}

interface Encoding {
  sampleRate: number;
  channels: number;
  bytesPerSample: number;
  kind: SampleKind;
  littleEndian: boolean;
}

const PCM = 0x0001;
const IEEE_FLOAT = 0x0003;
const A_LAW = 0x0006;
const MU_LAW = 0x0007;
const EXTENSIBLE = 0xfffe;
/** Data sizes a streamed WAV writes when it does not know its length: 0, or 0x7FFFF000 (sox) and above. */
const isUnknownSize = (size: number) => size === 0 || size >= 0x7ffff000;

export class PcmDecoder {
  private encoding: Encoding | null;
  private pending: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  /** Audio bytes still to come from the data chunk (Infinity: until the end of the stream). */
  private dataLeft = Infinity;
  private frames = 0;

  /** `raw` for headerless PCM; without it the stream must start with a WAV header. */
  constructor(
    raw: RawFormat | null,
    private readonly source = 'stdin',
  ) {
    this.encoding = raw && {
      sampleRate: raw.sampleRate,
      channels: raw.channels,
      bytesPerSample: raw.format === 's16le' ? 2 : 4,
      kind: raw.format === 's16le' ? 'int' : 'float',
      littleEndian: true,
    };
  }

  /** The input's sample rate, once known (raw: at once; WAV: after its header). */
  get sampleRate(): number | null {
    return this.encoding?.sampleRate ?? null;
  }

  /** Mono samples of the whole frames in `bytes` and what was left over before them. */
  push(bytes: Uint8Array): Float32Array {
    this.pending = this.pending.length === 0 ? bytes : concat(this.pending, bytes);
    if (!this.encoding && !this.parseHeader()) return new Float32Array(0);
    const encoding = this.encoding as Encoding;
    const frameBytes = encoding.channels * encoding.bytesPerSample;
    const usable = Math.min(this.pending.length, this.dataLeft);
    const whole = usable - (usable % frameBytes);
    const audio = this.pending.subarray(0, whole);
    this.pending = this.pending.slice(whole);
    this.dataLeft -= whole;
    // Bytes after the data chunk (trailing chunks) are not audio.
    if (this.dataLeft < frameBytes) this.pending = new Uint8Array(0);
    const samples = mixFrames(audio, encoding.channels, encoding.bytesPerSample, encoding.kind, encoding.littleEndian);
    if (encoding.kind === 'float') {
      const bad = samples.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new Error(`${this.source}: NaN or infinite float sample at frame ${this.frames + bad}`);
    }
    this.frames += samples.length;
    return samples;
  }

  /** The stream ended: checks that a header was complete. */
  end(): void {
    if (!this.encoding) {
      throw new Error(this.pending.length === 0 ? `${this.source}: no input` : `${this.source}: the stream ended inside its WAV header (${this.pending.length} bytes)`);
    }
  }

  /** Parses the RIFF header up to the data chunk; false while more bytes are needed. */
  private parseHeader(): boolean {
    const bytes = this.pending;
    const fail = (problem: string): never => {
      throw new Error(`${this.source}: ${problem}`);
    };
    if (bytes.length < 12) return false;
    const magic = ascii(bytes.subarray(0, 4));
    if (magic !== 'RIFF' && magic !== 'RIFX') {
      fail(`not a WAV stream: starts with ${JSON.stringify(magic)}, expected "RIFF" (raw PCM needs --format s16le|f32le and --rate)`);
    }
    if (ascii(bytes.subarray(8, 12)) !== 'WAVE') fail('not a WAV stream: RIFF form type is not "WAVE"');
    const le = magic === 'RIFF';
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 12;
    let format: Omit<Encoding, 'littleEndian'> | null = null;
    for (;;) {
      if (bytes.length < offset + 8) return false;
      const id = ascii(bytes.subarray(offset, offset + 4));
      const size = view.getUint32(offset + 4, le);
      if (id === 'data') {
        if (!format) fail('WAV data chunk before its fmt chunk');
        this.encoding = { ...(format as Omit<Encoding, 'littleEndian'>), littleEndian: le };
        this.dataLeft = isUnknownSize(size) ? Infinity : size;
        this.pending = bytes.slice(offset + 8);
        return true;
      }
      if (bytes.length < offset + 8 + size) return false;
      if (id === 'fmt ') format = parseFmt(new DataView(bytes.buffer, bytes.byteOffset + offset + 8, size), le, fail);
      offset += 8 + size + (size % 2);
    }
  }
}

function parseFmt(fmt: DataView, le: boolean, fail: (problem: string) => never): Omit<Encoding, 'littleEndian'> {
  if (fmt.byteLength < 16) fail(`WAV fmt chunk of ${fmt.byteLength} bytes, expected at least 16`);
  const channels = fmt.getUint16(2, le);
  const sampleRate = fmt.getUint32(4, le);
  const bits = fmt.getUint16(14, le);
  const tag = fmt.getUint16(0, le) === EXTENSIBLE && fmt.byteLength >= 28 ? fmt.getUint16(24, le) : fmt.getUint16(0, le);
  if (channels < 1) fail(`WAV fmt chunk says ${channels} channels`);
  if (sampleRate < 1) fail(`WAV fmt chunk says a sample rate of ${sampleRate}`);
  if (tag === PCM && [8, 16, 24, 32].includes(bits)) return { sampleRate, channels, bytesPerSample: bits / 8, kind: 'int' };
  if (tag === IEEE_FLOAT && (bits === 32 || bits === 64)) return { sampleRate, channels, bytesPerSample: bits / 8, kind: 'float' };
  if ((tag === A_LAW || tag === MU_LAW) && bits === 8) return { sampleRate, channels, bytesPerSample: 1, kind: tag === A_LAW ? 'alaw' : 'mulaw' };
  return fail(`unsupported WAV stream encoding: format tag 0x${tag.toString(16).padStart(4, '0')}, ${bits} bits (integer PCM 8/16/24/32, float 32/64, 8-bit A-law or mu-law)`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
