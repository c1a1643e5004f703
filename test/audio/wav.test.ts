import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { decodeAudio, readAudio } from '../../src/audio/index.js';
import { scratchFolder } from './fixtures.js';
import { BITS, buildWav, encodeFrames, mixToMono, testSignal, type Encoding } from './wav-builder.js';

const FRAMES = 500;
const RATE = 8000;

function expectClose(actual: Float32Array, expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

function wavOf(encoding: Encoding, signal: number[][], extra: Partial<Parameters<typeof buildWav>[0]> = {}): Uint8Array {
  return buildWav({
    formatTag: encoding.startsWith('float') ? 3 : 1,
    channels: signal.length,
    sampleRate: RATE,
    bitsPerSample: BITS[encoding],
    data: encodeFrames(signal, encoding, extra.bigEndian),
    ...extra,
  });
}

// Integers may be off by half a quantisation step after rounding; allow one full step. The output
// is float32, whose rounding of |x| <= 1 is within 2^-25, so nothing is finer than 2^-24.
const TOLERANCE: Record<Encoding, number> = {
  pcm8: 2 ** -7,
  pcm16: 2 ** -15,
  pcm24: 2 ** -23,
  pcm32: 2 ** -24,
  float32: 2 ** -24,
  float64: 2 ** -24,
};

describe('WAV decoding', () => {
  const folder = scratchFolder();

  for (const encoding of Object.keys(BITS) as Encoding[]) {
    it(`decodes mono ${encoding} within its tolerance (${TOLERANCE[encoding]})`, async () => {
      const signal = testSignal(FRAMES, 1);
      const path = join(folder, `mono-${encoding}.wav`);
      writeFileSync(path, wavOf(encoding, signal));
      const clip = await readAudio(path);
      expect(clip.sampleRate).toBe(RATE);
      expect(clip.source).toBe(path);
      expectClose(clip.samples, signal[0], TOLERANCE[encoding]);
      expect(clip.samples[0]).toBe(-1); // full-scale negative maps to exactly -1
    });
  }

  it.each(['pcm16', 'pcm24', 'float32'] as const)('mixes stereo %s to mono by averaging', async (encoding) => {
    const signal = testSignal(FRAMES, 2);
    const clip = await decodeAudio(wavOf(encoding, signal), 'stereo.wav');
    expectClose(clip.samples, mixToMono(signal), TOLERANCE[encoding]);
  });

  it('mixes six 16-bit channels to mono', async () => {
    const signal = testSignal(FRAMES, 6);
    const clip = await decodeAudio(wavOf('pcm16', signal), 'surround.wav');
    expectClose(clip.samples, mixToMono(signal), 2 ** -15);
  });

  it('skips unknown chunks before fmt and before data, including odd-sized ones with a pad byte', async () => {
    const signal = testSignal(FRAMES, 1);
    const bytes = wavOf('pcm16', signal, {
      chunksBeforeFmt: [{ id: 'JUNK', body: new Uint8Array(27).fill(0xaa) }],
      // RAVDESS's originals carry an FLLR chunk between fmt and data.
      chunksBeforeData: [
        { id: 'FLLR', body: new Uint8Array(4044) },
        { id: 'odd!', body: new Uint8Array(3).fill(0x7f) },
      ],
    });
    const clip = await decodeAudio(bytes, 'chunks.wav');
    expectClose(clip.samples, signal[0], 2 ** -15);
  });

  it('ignores the pad byte after an odd-sized data chunk', async () => {
    const signal = testSignal(FRAMES + 1, 1); // 501 bytes of 8-bit audio, then a pad byte
    const clip = await decodeAudio(wavOf('pcm8', signal), 'odd.wav');
    expectClose(clip.samples, signal[0], 2 ** -7);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE PCM and float by their subformat', async () => {
    const signal = testSignal(FRAMES, 2);
    const pcm = wavOf('pcm24', signal, { formatTag: 0xfffe, subformatTag: 1 });
    const float = wavOf('float32', signal, { formatTag: 0xfffe, subformatTag: 3 });
    expectClose((await decodeAudio(pcm, 'ext-pcm.wav')).samples, mixToMono(signal), 2 ** -23);
    expectClose((await decodeAudio(float, 'ext-float.wav')).samples, mixToMono(signal), 1e-7);
  });

  it('reads big-endian RIFX files', async () => {
    const signal = testSignal(FRAMES, 2);
    const clip = await decodeAudio(wavOf('pcm24', signal, { bigEndian: true }), 'rifx.wav');
    expectClose(clip.samples, mixToMono(signal), 2 ** -23);
  });

  it.each([
    ['A-law', 'toALaw'],
    ['mu-law', 'toMuLaw'],
  ] as const)('expands %s encoded by wavefile, an independent encoder (within the coarsest companding step, 1/32)', async (_, encode) => {
    const signal = testSignal(FRAMES, 1);
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, RATE, '16', Int16Array.from(signal[0], (x) => Math.round(x * 32767)));
    wav[encode]();
    const clip = await decodeAudio(wav.toBuffer(), 'companded.wav');
    expectClose(clip.samples, signal[0], 1 / 32);
  });

  it('accepts the .wave extension and is case-insensitive', async () => {
    const signal = testSignal(FRAMES, 1);
    const clip = await decodeAudio(wavOf('pcm16', signal), 'LOUD.WAVE');
    expect(clip.samples.length).toBe(FRAMES);
  });
});
