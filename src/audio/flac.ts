// FLAC decoding with the libFLAC WebAssembly build from @wasm-audio-decoders/flac, fed frames that
// codec-parser splits. The decoder stops quietly at a truncated or damaged frame, so the decoded length is
// checked against the total sample count that the STREAMINFO header promises.
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import CodecParser, { data as frameData, type CodecFrame } from 'codec-parser';
import { checkedClip, MAX_DECODED_VALUES, type AudioClip } from './clip.js';
import { AudioDecodeError } from './errors.js';

// STREAMINFO must be the first metadata block: "fLaC", a 4-byte block header, then 34 bytes.
const STREAMINFO_END = 4 + 4 + 34;

// codec-parser needs 13 bytes to recognise a frame header, so a final frame shorter than that is silently
// merged into the one before and lost (102 of the 1,200 RAVDESS FLACs lose their last block). Zero padding
// makes it visible and still passes the frame CRC-16, whose remainder is unchanged by trailing zeros; the
// padding is cut off the last frame again before decoding.
const TAIL_PADDING = 16;

// One decoder serves every file. The library's decodeFile() re-instantiates the WebAssembly module after
// each file, which cost 0.5 ms and a garbage collection of its memory per clip (4 s of the 6 s RAVDESS took
// to decode); libFLAC itself carries nothing from one stream's frames into the next. Calls are queued, the
// decoder being one shared state machine.
let decoder: FLACDecoder | undefined;
let queue: Promise<unknown> = Promise.resolve();

export function decodeFlac(bytes: Uint8Array, source: string): Promise<AudioClip> {
  const run = queue.then(() => decodeNow(bytes, source));
  queue = run.catch(() => undefined);
  return run;
}

async function decodeNow(bytes: Uint8Array, source: string): Promise<AudioClip> {
  const fail = (problem: string): never => {
    throw new AudioDecodeError(source, problem);
  };
  if (bytes.length === 0) fail('empty file (0 bytes)');
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'fLaC') fail(`not a FLAC file: starts with ${JSON.stringify(magic)}, expected "fLaC"`);
  if (bytes.length < STREAMINFO_END || (bytes[4] & 0x7f) !== 0) fail('truncated or corrupt FLAC: no STREAMINFO block');
  const expectedFrames = streamInfoTotalSamples(bytes);
  // A constant subframe codes 65,535 samples in a few bytes: the sizes are checked before anything is decoded.
  const channels = ((bytes[8 + 12] >> 1) & 0x07) + 1;
  if (expectedFrames * channels > MAX_DECODED_VALUES) {
    fail(`STREAMINFO declares ${expectedFrames} samples × ${channels} channels, over the limit of ${MAX_DECODED_VALUES} decoded values`);
  }

  // Why a decode falls short: fewer samples than STREAMINFO promises, or an error libFLAC reported.
  const problem = (d: Decoded): string | null => {
    if (expectedFrames > 0 && d.samplesDecoded < expectedFrames) return `truncated or corrupt FLAC: decoded ${d.samplesDecoded} of ${expectedFrames} samples`;
    return d.errors[0] ? `corrupt FLAC: ${d.errors[0].message}` : null;
  };
  let decoded: Decoded;
  try {
    const { frames, values } = splitFrames(bytes);
    if (values > MAX_DECODED_VALUES) fail(`frames hold ${values} samples in all channels, over the limit of ${MAX_DECODED_VALUES} decoded values`);
    const reused = decoder !== undefined;
    decoded = await decodeFrames(frames);
    // Bytes after the last frame of an earlier file (a tag, junk) stay in libFLAC's input buffer and break
    // this file: a fresh decoder tells such leftovers from damage here.
    if (problem(decoded) && reused) {
      freeDecoder();
      decoded = await decodeFrames(frames);
    }
  } catch (error) {
    if (error instanceof AudioDecodeError) throw error;
    freeDecoder();
    return fail(`corrupt FLAC: ${(error as Error).message}`);
  }
  const found = problem(decoded);
  if (found) {
    freeDecoder(); // its state is unknown after a failure; start afresh next time
    fail(found);
  }
  // The decoder divides by 2^(bits-1) - 1; WAV decoding divides by 2^(bits-1). Match the latter so a
  // WAV and its lossless FLAC give identical samples.
  const fullScale = 2 ** (decoded.bitDepth - 1);
  const frames = expectedFrames > 0 ? expectedFrames : decoded.samplesDecoded;
  if (decoded.channelData.length === 0 || decoded.channelData.some((channel) => channel.length < frames)) {
    fail(`corrupt FLAC: decoded ${decoded.channelData.length} channels of ${decoded.channelData.map((c) => c.length).join(', ')} samples, expected ${frames} each`);
  }
  const mono = averageChannels(decoded.channelData, frames, (fullScale - 1) / fullScale);
  return checkedClip(mono, decoded.sampleRate, source);
}

/** The frames of a FLAC file, the last one without the parser's padding, and the samples they hold in all channels. */
function splitFrames(bytes: Uint8Array): { frames: Uint8Array[]; values: number } {
  const padded = new Uint8Array(bytes.length + TAIL_PADDING);
  padded.set(bytes);
  const parsed = new CodecParser('audio/flac', { enableFrameCRC32: false }).parseAll(padded) as CodecFrame[];
  const frames = parsed.map((frame) => frame[frameData]);
  const values = parsed.reduce((sum, frame) => sum + frame.samples * frame.header.channels, 0);
  const last = frames.length - 1;
  if (last >= 0) frames[last] = frames[last].subarray(0, Math.max(0, frames[last].length - TAIL_PADDING));
  return { frames, values };
}

type Decoded = Awaited<ReturnType<FLACDecoder['decodeFrames']>>;

async function decodeFrames(frames: Uint8Array[]): Promise<Decoded> {
  decoder ??= new FLACDecoder();
  await decoder.ready;
  // The library prints each damaged frame to console.error as well as returning it; ser-gpu reports it once, in
  // the AudioDecodeError, so the print is muted for this call (synchronous: no other code runs meanwhile).
  const print = console.error;
  console.error = () => undefined;
  try {
    return decoder.decodeFrames(frames);
  } finally {
    console.error = print;
  }
}

function freeDecoder(): void {
  decoder?.free();
  decoder = undefined;
}

/** The 36-bit total sample count per channel (0 = unknown), at bits 108..143 of STREAMINFO. */
function streamInfoTotalSamples(bytes: Uint8Array): number {
  const at = 8 + 13; // high 4 bits are the low nibble of byte 13
  return (bytes[at] & 0x0f) * 2 ** 32 + ((bytes[at + 1] << 24) >>> 0) + (bytes[at + 2] << 16) + (bytes[at + 3] << 8) + bytes[at + 4];
}

function averageChannels(channels: Float32Array[], frames: number, gain: number): Float32Array {
  // The decoder's channel arrays are fresh copies: the first one becomes the mix, in place.
  const mono = channels[0].length === frames ? channels[0] : channels[0].slice(0, frames);
  for (let c = 1; c < channels.length; c++) {
    const channel = channels[c];
    for (let i = 0; i < frames; i++) mono[i] += channel[i];
  }
  const scale = gain / channels.length;
  for (let i = 0; i < frames; i++) mono[i] *= scale;
  return mono;
}
