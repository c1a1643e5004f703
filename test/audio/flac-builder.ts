// Writes FLAC streams of constant subframes byte by byte (STREAMINFO, frame headers with their CRC-8, frames
// with their CRC-16), independently of the decoder under test. A constant subframe codes a whole block in
// three bytes, which is how a small file can claim an enormous number of samples.
import { concatBytes } from '../../src/io/bytes.js';

export interface ConstantFlacSpec {
  /** 1..8 */
  channels: number;
  /** Samples per channel in each frame, 1..65536. */
  blockSize: number;
  frames: number;
  /** Written in STREAMINFO; the frames name a standard rate code for 8, 16, 32, 44.1 or 48 kHz, else "see STREAMINFO". */
  sampleRate: number;
  /** The 16-bit sample value of every subframe. */
  value: number;
  /** STREAMINFO's total sample count; default blockSize × frames (0 = unknown). */
  totalSamples?: number;
}

const RATE_CODES: Record<number, number> = { 8000: 0b0100, 16000: 0b0101, 32000: 0b1000, 44100: 0b1001, 48000: 0b1010 };

export function constantFlac(spec: ConstantFlacSpec): Uint8Array {
  const total = spec.totalSamples ?? spec.blockSize * spec.frames;
  const bits = new BitWriter();
  bits.bytes([0x66, 0x4c, 0x61, 0x43]); // "fLaC"
  bits.write(1, 1); // last metadata block
  bits.write(0, 7); // STREAMINFO
  bits.write(34, 24);
  bits.write(spec.blockSize, 16);
  bits.write(spec.blockSize, 16);
  bits.write(0, 24); // frame sizes unknown
  bits.write(0, 24);
  bits.write(spec.sampleRate, 20);
  bits.write(spec.channels - 1, 3);
  bits.write(15, 5); // 16 bits per sample
  bits.write(Math.floor(total / 2 ** 32), 4);
  bits.write(total % 2 ** 32, 32);
  bits.bytes(new Uint8Array(16)); // MD5 unknown
  const out = [bits.finish()];
  for (let n = 0; n < spec.frames; n++) out.push(constantFrame(spec, n));
  return concatBytes(out);
}

function constantFrame(spec: ConstantFlacSpec, frameNumber: number): Uint8Array {
  const header = new BitWriter();
  header.write(0b11111111111110, 14); // sync
  header.write(0, 1);
  header.write(0, 1); // fixed block size: the frame number follows
  header.write(0b0111, 4); // block size - 1 in 16 bits after the header
  header.write(RATE_CODES[spec.sampleRate] ?? 0b0000, 4);
  header.write(spec.channels - 1, 4); // independent channels
  header.write(0b100, 3); // 16 bits per sample
  header.write(0, 1);
  header.bytes(utf8Number(frameNumber));
  header.write(spec.blockSize - 1, 16);
  const headerBytes = header.finish();
  const frame = new BitWriter();
  frame.bytes(headerBytes);
  frame.bytes([crc8(headerBytes)]);
  for (let c = 0; c < spec.channels; c++) {
    frame.write(0, 1); // padding
    frame.write(0, 6); // SUBFRAME_CONSTANT
    frame.write(0, 1); // no wasted bits
    frame.write(spec.value & 0xffff, 16);
  }
  const body = frame.finish();
  const crc = crc16(body);
  return concatBytes([body, Uint8Array.of(crc >> 8, crc & 0xff)]);
}

/** FLAC's "UTF-8" coding of a frame number (up to 2^31). */
function utf8Number(n: number): number[] {
  if (n < 0x80) return [n];
  let continuation = 1;
  while (n >= 2 ** (6 * continuation + 6 - continuation)) continuation++;
  const out = [((0xff << (7 - continuation)) & 0xff) | Math.floor(n / 2 ** (6 * continuation))];
  for (let k = continuation - 1; k >= 0; k--) out.push(0x80 | (Math.floor(n / 2 ** (6 * k)) & 0x3f));
  return out;
}

function crc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

class BitWriter {
  private readonly out: number[] = [];
  private acc = 0;
  private count = 0;

  write(value: number, width: number): void {
    for (let i = width - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | (Math.floor(value / 2 ** i) & 1);
      if (++this.count === 8) {
        this.out.push(this.acc);
        this.acc = 0;
        this.count = 0;
      }
    }
  }

  bytes(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.write(values[i], 8);
  }

  finish(): Uint8Array {
    if (this.count > 0) this.write(0, 8 - this.count);
    return Uint8Array.from(this.out);
  }
}

