// Writes WAV files byte by byte, independently of the decoder under test, so the tests check
// the decoder against the format rather than against itself.

export type Encoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

export const BITS: Record<Encoding, number> = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32, float64: 64 };

export interface Chunk {
  id: string;
  body: Uint8Array;
}

export interface WavSpec {
  /** 1 = PCM, 3 = IEEE float, 0xfffe = extensible, anything else to test rejection. */
  formatTag: number;
  /** The real tag inside an extensible file's subformat GUID. */
  subformatTag?: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  data: Uint8Array;
  chunksBeforeFmt?: Chunk[];
  chunksBeforeData?: Chunk[];
  /** RIFX: big-endian throughout. */
  bigEndian?: boolean;
}

/** A test signal per channel in [-1, 1): full-scale -1 first, then silence, then a sine. */
export function testSignal(frames: number, channels: number): number[][] {
  return Array.from({ length: channels }, (_, channel) =>
    Array.from({ length: frames }, (_, i) => {
      if (i === 0) return -1;
      if (i === 1) return 0;
      return 0.8 * Math.sin(2 * Math.PI * (0.01 + 0.005 * channel) * i + channel);
    }),
  );
}

export function mixToMono(signal: number[][]): number[] {
  return signal[0].map((_, i) => signal.reduce((sum, channel) => sum + channel[i], 0) / signal.length);
}

/** Interleaves and encodes channels of samples in [-1, 1). */
export function encodeFrames(signal: number[][], encoding: Encoding, bigEndian = false): Uint8Array {
  const bytesPerSample = BITS[encoding] / 8;
  const frames = signal[0].length;
  const view = new DataView(new ArrayBuffer(frames * signal.length * bytesPerSample));
  const le = !bigEndian;
  let offset = 0;
  for (let i = 0; i < frames; i++) {
    for (const channel of signal) {
      const x = channel[i];
      const int = (bits: number) => Math.max(-(2 ** (bits - 1)), Math.min(2 ** (bits - 1) - 1, Math.round(x * 2 ** (bits - 1))));
      if (encoding === 'pcm8') view.setUint8(offset, int(8) + 128);
      else if (encoding === 'pcm16') view.setInt16(offset, int(16), le);
      else if (encoding === 'pcm24') {
        const v = int(24) & 0xffffff;
        const bytes = [v & 0xff, (v >> 8) & 0xff, v >> 16];
        (le ? bytes : bytes.reverse()).forEach((b, k) => view.setUint8(offset + k, b));
      } else if (encoding === 'pcm32') view.setInt32(offset, int(32), le);
      else if (encoding === 'float32') view.setFloat32(offset, x, le);
      else view.setFloat64(offset, x, le);
      offset += bytesPerSample;
    }
  }
  return new Uint8Array(view.buffer);
}

export function buildWav(spec: WavSpec): Uint8Array {
  const le = !spec.bigEndian;
  const extensible = spec.formatTag === 0xfffe;
  const fmt = new DataView(new ArrayBuffer(extensible ? 40 : 16));
  const blockAlign = spec.channels * Math.ceil(spec.bitsPerSample / 8);
  fmt.setUint16(0, spec.formatTag, le);
  fmt.setUint16(2, spec.channels, le);
  fmt.setUint32(4, spec.sampleRate, le);
  fmt.setUint32(8, spec.sampleRate * blockAlign, le);
  fmt.setUint16(12, blockAlign, le);
  fmt.setUint16(14, spec.bitsPerSample, le);
  if (extensible) {
    fmt.setUint16(16, 22, le); // cbSize
    fmt.setUint16(18, spec.bitsPerSample, le); // valid bits
    fmt.setUint32(20, 0, le); // channel mask
    // Subformat GUID {0000xxxx-0000-0010-8000-00aa00389b71}: the tag leads.
    fmt.setUint32(24, spec.subformatTag ?? 1, le);
    new Uint8Array(fmt.buffer).set([0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 28);
  }
  const chunks = [
    ...(spec.chunksBeforeFmt ?? []),
    { id: 'fmt ', body: new Uint8Array(fmt.buffer) },
    ...(spec.chunksBeforeData ?? []),
  ].map((c) => encodeChunk(c, le));
  const dataHeader = new DataView(new ArrayBuffer(8));
  writeId(dataHeader, 0, 'data');
  dataHeader.setUint32(4, spec.data.length, le);
  const pad = spec.data.length % 2 ? [new Uint8Array(1)] : [];
  return riff([...chunks, new Uint8Array(dataHeader.buffer), spec.data, ...pad], le);
}

function encodeChunk({ id, body }: Chunk, le: boolean): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length % 2));
  const view = new DataView(out.buffer);
  writeId(view, 0, id);
  view.setUint32(4, body.length, le);
  out.set(body, 8);
  return out;
}

function riff(parts: Uint8Array[], le: boolean): Uint8Array {
  const size = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(12 + size);
  const view = new DataView(out.buffer);
  writeId(view, 0, le ? 'RIFF' : 'RIFX');
  view.setUint32(4, 4 + size, le);
  writeId(view, 8, 'WAVE');
  let offset = 12;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function writeId(view: DataView, offset: number, id: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(offset + i, id.charCodeAt(i));
}
