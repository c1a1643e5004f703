import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudio, readAudio } from '../../src/audio/index.js';
import { scratchFolder } from './fixtures.js';
import { buildWav, encodeFrames, testSignal } from './wav-builder.js';

function pcm16(frames: number, extra: Partial<Parameters<typeof buildWav>[0]> = {}): Uint8Array {
  const data = encodeFrames(testSignal(frames, 1), 'pcm16');
  return buildWav({ formatTag: 1, channels: 1, sampleRate: 44100, bitsPerSample: 16, data, ...extra });
}

const ascii = (text: string) => new TextEncoder().encode(text);

function withBlockAlign(bytes: Uint8Array, blockAlign: number): Uint8Array {
  new DataView(bytes.buffer).setUint16(12 + 8 + 12, blockAlign, true); // RIFF header, fmt header, offset in fmt
  return bytes;
}

function floatWithValueAt(frame: number, value: number, encoding: 'float32' | 'float64' = 'float32'): Uint8Array {
  const signal = testSignal(100, 1);
  signal[0][frame] = value;
  return buildWav({ formatTag: 3, channels: 1, sampleRate: 8000, bitsPerSample: encoding === 'float32' ? 32 : 64, data: encodeFrames(signal, encoding) });
}

// Offsets in a file from buildWav without extra chunks: RIFF header 0..11, "fmt " at 12 (body at 20), "data" at 36.
function withDataSize(bytes: Uint8Array, size: number): Uint8Array {
  new DataView(bytes.buffer).setUint32(40, size, true);
  return bytes;
}

/** The fmt chunk cut to `size` bytes, the chunks after it moved up. */
function withShortFmt(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array([...bytes.subarray(0, 20 + size), ...bytes.subarray(36)]);
  new DataView(out.buffer).setUint32(16, size, true);
  return out;
}

function withFmtTag(bytes: Uint8Array, tag: number): Uint8Array {
  new DataView(bytes.buffer).setUint16(20, tag, true);
  return bytes;
}

function renamed(bytes: Uint8Array, at: number, id: string): Uint8Array {
  bytes.set(ascii(id), at);
  return bytes;
}

// [file name, bytes, the exact problem (or a pattern for the whole message)]
const BAD_INPUTS: [string, () => Uint8Array, string | RegExp][] = [
  ['empty.wav', () => new Uint8Array(0), 'empty file (0 bytes)'],
  // A 44-byte header and 88200 bytes of data, cut to 1000 bytes.
  ['bad.wav', () => pcm16(44100).subarray(0, 1000), 'truncated WAV: data chunk says 88200 bytes, only 956 present'],
  ['cut.wav', () => pcm16(100).subarray(0, 30), 'truncated WAV: "fmt " chunk says 16 bytes, only 10 present'],
  ['stub.wav', () => ascii('RIFF\x04\0'), 'truncated WAV: only 6 bytes'],
  ['noise.wav', () => Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 251), /^noise\.wav: not a WAV file: starts with ".*"/],
  ['mislabelled.wav', () => ascii('fLaC\0\0\0\x22 and more'), 'not a WAV file: starts with "fLaC", expected "RIFF"'],
  ['movie.wav', () => ascii('RIFF\x04\0\0\0AVI LIST'), 'not a WAV file: RIFF form type is not "WAVE"'],
  ['huge.wav', () => ascii('RF64\xff\xff\xff\xffWAVEds64'), 'unsupported WAV container: RF64 (64-bit sizes)'],
  ['silent.wav', () => pcm16(0), 'no audio: data chunk is empty'],
  ['mp3.wav', () => pcm16(100, { formatTag: 0x55 }), 'unsupported WAV encoding: MP3 (format tag 0x0055)'],
  ['odd.wav', () => pcm16(100, { formatTag: 0x1234 }), 'unsupported WAV encoding: unknown format tag 0x1234'],
  ['adpcm.wav', () => pcm16(100, { formatTag: 0xfffe, subformatTag: 0x11 }), 'unsupported WAV encoding: IMA ADPCM (format tag 0x0011)'],
  ['half.wav', () => pcm16(100, { formatTag: 3 }), 'unsupported WAV encoding: 16-bit float (only 32 and 64 exist)'],
  ['align.wav', () => withBlockAlign(pcm16(100), 3), 'inconsistent fmt chunk: blockAlign 3, expected 1 channels × 2 bytes'],
  ['nan.wav', () => floatWithValueAt(42, Number.NaN), 'audio contains NaN or infinite samples (first at frame 42)'],
  ['inf.wav', () => floatWithValueAt(7, -Infinity, 'float64'), 'audio contains NaN or infinite samples (first at frame 7)'],
  // A finite double beyond f32 range becomes infinite when converted: the check runs on the decoded output.
  ['overflow.wav', () => floatWithValueAt(3, 1e300, 'float64'), 'audio contains NaN or infinite samples (first at frame 3)'],
  ['loud.wav', () => floatWithValueAt(5, 3e5), 'audio contains sample 300000 beyond ±10000 (80 dB above full scale) (first at frame 5)'],
  ['mute.wav', () => pcm16(100, { channels: 0 }), 'fmt chunk says 0 channels'],
  ['still.wav', () => pcm16(100, { sampleRate: 0 }), 'invalid sample rate 0 Hz (expected 1000 to 384000)'],
  ['slow.wav', () => pcm16(100, { sampleRate: 1 }), 'invalid sample rate 1 Hz (expected 1000 to 384000)'],
  ['fast.wav', () => pcm16(100, { sampleRate: 0xffffffff }), 'invalid sample rate 4294967295 Hz (expected 1000 to 384000)'],
  ['claims.wav', () => withDataSize(pcm16(100), 0xfffffff0), 'truncated WAV: data chunk says 4294967280 bytes, only 200 present'],
  ['crumb.wav', () => withDataSize(pcm16(100).slice(0, 45), 1), 'no audio: data chunk is 1 bytes, less than one 2-byte frame'],
  ['nofmt.wav', () => renamed(pcm16(100), 12, 'fmtX'), 'malformed WAV: no "fmt " chunk before the end of the file'],
  ['nodata.wav', () => renamed(pcm16(100), 36, 'DATA'), 'malformed WAV: no "data" chunk'],
  ['shortfmt.wav', () => withShortFmt(pcm16(100), 14), 'malformed WAV: "fmt " chunk is 14 bytes, expected at least 16'],
  ['shortext.wav', () => withFmtTag(pcm16(100), 0xfffe), 'malformed WAV: extensible "fmt " chunk is 16 bytes, expected 40'],
  ['clip.mp3', () => pcm16(100), 'unsupported file type ".mp3" (expected .wav, .wave, .flac)'],
];

describe('bad WAV input gives an AudioDecodeError naming the file and the problem', () => {
  it.each(BAD_INPUTS)('%s', async (name, bytes, problem) => {
    const error = await decodeAudio(bytes(), name).then(
      () => expect.fail(`${name} decoded without error`),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AudioDecodeError);
    expect((error as AudioDecodeError).source).toBe(name);
    const { message } = error as AudioDecodeError;
    if (typeof problem === 'string') expect(message).toBe(`${name}: ${problem}`);
    else expect(message).toMatch(problem);
  });
});

describe('WAV chunks whose contents are never trusted', () => {
  it('decodes a file whose cue chunk claims 2^32 cue points (wavefile, used before, ran out of memory on it)', async () => {
    const cues = pcm16(100, { chunksBeforeData: [{ id: 'cue ', body: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }] });
    expect((await decodeAudio(cues, 'cues.wav')).samples).toEqual((await decodeAudio(pcm16(100), 'plain.wav')).samples);
  });

  it('ignores a damaged chunk after the audio', async () => {
    const bytes = pcm16(100);
    const tail = new Uint8Array(12);
    tail.set(ascii('LIST'));
    new DataView(tail.buffer).setUint32(4, 0xffffffff, true); // declares 4 GiB, holds 4 bytes
    const clip = await decodeAudio(new Uint8Array([...bytes, ...tail]), 'tail.wav');
    expect(clip.samples.length).toBe(100);
  });
});

describe('readAudio on files that cannot be read', () => {
  const folder = scratchFolder();

  it('names a missing file', async () => {
    const path = join(folder, 'missing.wav');
    await expect(readAudio(path)).rejects.toThrow(new AudioDecodeError(path, 'cannot read file: ENOENT'));
  });

  it('names a folder given as a file', async () => {
    const path = join(folder, 'folder.wav');
    mkdirSync(path);
    await expect(readAudio(path)).rejects.toThrow(`${path}: cannot read file: EISDIR`);
  });

  it('names a corrupt file on disk by its path', async () => {
    const path = join(folder, 'short.wav');
    writeFileSync(path, pcm16(1000).subarray(0, 100));
    await expect(readAudio(path)).rejects.toThrow(`${path}: truncated WAV: data chunk says 2000 bytes, only 56 present`);
  });
});
