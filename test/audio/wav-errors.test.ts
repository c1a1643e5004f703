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

function floatWithNaNAt(frame: number): Uint8Array {
  const signal = testSignal(100, 1);
  signal[0][frame] = Number.NaN;
  return buildWav({ formatTag: 3, channels: 1, sampleRate: 8000, bitsPerSample: 32, data: encodeFrames(signal, 'float32') });
}

// [file name, bytes, the exact problem (or a pattern for the whole message)]
const BAD_INPUTS: [string, () => Uint8Array, string | RegExp][] = [
  ['empty.wav', () => new Uint8Array(0), 'empty file (0 bytes)'],
  // A 44-byte header and 88200 bytes of data, cut to 1000 bytes.
  ['bad.wav', () => pcm16(44100).subarray(0, 1000), 'truncated WAV: data chunk says 88200 bytes, only 956 present'],
  ['cut.wav', () => pcm16(100).subarray(0, 30), /^cut\.wav: malformed WAV: .*"data" chunk/],
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
  ['nan.wav', () => floatWithNaNAt(42), 'float WAV contains NaN or infinite samples (first at frame 42)'],
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
