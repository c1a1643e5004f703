// Fuzzing the audio readers: generated WAVs (every header field hostile: 0 channels, 0 Hz, NaN/Inf samples,
// wrong chunk ids, odd bit depths), real RAVDESS clips (a zip member's 48 kHz WAV, 16 kHz FLACs) with byte
// mutations, STREAMINFO fields, and generated FLAC streams of constant subframes. See oracle.ts for the counts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/audio/index.js';
import { MAX_SAMPLE_MAGNITUDE, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../../src/audio/clip.js';
import { readZipEntry } from '../../src/audio/zip.js';
import { hasSharedData, RAVDESS_FLAC, RAVDESS_ZIP_01 } from '../audio/fixtures.js';
import { constantFlac } from '../audio/flac-builder.js';
import { BITS, buildWav, encodeFrames, testSignal, type Encoding } from '../audio/wav-builder.js';
import { mutate, mutations, type Target } from './mutate.js';
import { checkClip, fuzz, FUZZ_TIMEOUT_MS, logCaseCounts, validOrOwnError } from './oracle.js';

logCaseCounts('audio.test.ts');

const decode = (bytes: Uint8Array, name: string) => validOrOwnError(() => decodeAudio(bytes, name), [name], (clip) => checkClip(clip, name));

const ENCODING_TAG: Record<Encoding, number> = { pcm8: 1, pcm16: 1, pcm24: 1, pcm32: 1, float32: 3, float64: 3 };
const CHUNK_IDS = ['RIFF', 'RIFX', 'RF64', 'WAVE', 'fmt ', 'data', 'LIST', 'FLLR', 'cue ', 'smpl', 'JUNK', 'fact'];

/** Null (the header field a plain file has) three times in four, else a hostile value. */
const mostlyNull = <T>(hostile: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostile });

const wavSpec = fc.record({
  encoding: fc.constantFrom<Encoding>('pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64'),
  formatTag: mostlyNull(fc.oneof(fc.constantFrom(1, 2, 3, 6, 7, 0x55, 0xfffe), fc.integer({ min: 0, max: 0xffff }))),
  subformatTag: fc.constantFrom(0, 1, 3, 6, 7, 0x11),
  signalChannels: fc.integer({ min: 1, max: 4 }),
  channels: mostlyNull(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(0, 255, 0xffff))),
  sampleRate: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(8000, 16000, 44100, 48000) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(0, 1, 999, 1000, 384000, 384001, 0xffffffff), fc.nat()) },
  ),
  bits: mostlyNull(fc.constantFrom(0, 1, 4, 12, 20, 33, 48, 64, 255, 0xffff)),
  frames: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1) }, { weight: 5, arbitrary: fc.integer({ min: 0, max: 300 }) }),
  specials: fc.oneof(
    { weight: 2, arbitrary: fc.constant<{ at: number; value: number }[]>([]) },
    { weight: 1, arbitrary: fc.array(fc.record({ at: fc.nat(), value: fc.constantFrom(NaN, Infinity, -Infinity, 2e4, -3e38, 1e300, 1.5) }), { maxLength: 3 }) },
  ),
  chunks: fc.array(fc.record({ id: fc.constantFrom(...CHUNK_IDS), body: fc.uint8Array({ maxLength: 40 }), beforeFmt: fc.boolean() }), { maxLength: 3 }),
  bigEndian: fc.boolean(),
});

type WavSpec = typeof wavSpec extends fc.Arbitrary<infer T> ? T : never;

function wavOf(spec: WavSpec): Uint8Array {
  const signal = testSignal(spec.frames, spec.signalChannels);
  for (const { at, value } of spec.specials) if (spec.frames > 0) signal[at % spec.signalChannels][at % spec.frames] = value;
  return buildWav({
    formatTag: spec.formatTag ?? ENCODING_TAG[spec.encoding],
    subformatTag: spec.subformatTag,
    channels: spec.channels ?? spec.signalChannels,
    sampleRate: spec.sampleRate,
    bitsPerSample: spec.bits ?? BITS[spec.encoding],
    data: encodeFrames(signal, spec.encoding, spec.bigEndian),
    chunksBeforeFmt: spec.chunks.filter((c) => c.beforeFmt),
    chunksBeforeData: spec.chunks.filter((c) => !c.beforeFmt),
    bigEndian: spec.bigEndian,
  });
}

/** A file every WAV reader must decode: a plain encoding that matches its header, in range, without extra fmt/data chunks. */
function wellFormed(spec: WavSpec): boolean {
  const floatOk = spec.encoding.startsWith('float') ? spec.specials.every(({ value }) => Math.abs(value) <= MAX_SAMPLE_MAGNITUDE) : true;
  return (
    spec.formatTag === null &&
    spec.channels === null &&
    spec.bits === null &&
    spec.frames > 0 &&
    spec.sampleRate >= MIN_SAMPLE_RATE &&
    spec.sampleRate <= MAX_SAMPLE_RATE &&
    floatOk &&
    spec.chunks.every((c) => c.id !== 'fmt ' && c.id !== 'data')
  );
}

describe('fuzz: WAV reader', () => {
  it('generated WAVs with hostile headers and samples: valid clips or AudioDecodeErrors; well-formed ones always decode', async () => {
    await fuzz('wav generated', wavSpec, async (spec) => {
      const outcome = await decode(wavOf(spec), 'gen.wav');
      if (wellFormed(spec)) expect(outcome, JSON.stringify(spec)).toBe('valid');
      return outcome;
    });
  }, FUZZ_TIMEOUT_MS);

  it('generated WAVs, then mutated bytes', async () => {
    const target: Target = { regions: [[0, 64]], fields: [4, 16, 20, 22, 24, 28, 32, 34, 40], ids: CHUNK_IDS };
    await fuzz('wav generated, mutated', fc.tuple(wavSpec, mutations), ([spec, list]) => decode(mutate(wavOf(spec), target, list), 'mutated.wav'));
  }, FUZZ_TIMEOUT_MS);
});

describe.skipIf(!hasSharedData)('fuzz: real RAVDESS files (needs ../shared/data)', () => {
  it('a 48 kHz WAV member of Actor_01.zip (with its FLLR chunk), mutated', async () => {
    const wav = await readZipEntry(RAVDESS_ZIP_01, 'Actor_01/03-01-01-01-01-01-01.wav');
    const target = wavTarget(wav);
    await fuzz('wav from the RAVDESS zip, mutated', mutations, (list) => decode(mutate(wav, target, list), 'Actor_01/03-01-01-01-01-01-01.wav'));
  }, FUZZ_TIMEOUT_MS);

  const flacNames = readdirSync(join(RAVDESS_FLAC, 'Actor_01')).filter((name) => name.endsWith('.flac')).slice(0, 3);
  const flacs = flacNames.map((name) => new Uint8Array(readFileSync(join(RAVDESS_FLAC, 'Actor_01', name))));
  // STREAMINFO (rate at bytes 18-20, channels, bits, the 36-bit total at 21-25), then the first frames.
  const flacTarget: Target = { regions: [[0, 42], [42, 4096]], fields: [4, 5, 8, 10, 12, 18, 19, 20, 21, 22, 42, 43, 44, 45], ids: ['fLaC', '\xff\xf8\x59\x08'] };

  it('16 kHz FLACs, mutated', async () => {
    await fuzz('flac from RAVDESS, mutated', fc.tuple(fc.nat(), mutations), ([pick, list]) => decode(mutate(flacs[pick % flacs.length], flacTarget, list), 'mutated.flac'));
  }, FUZZ_TIMEOUT_MS);

  it('16 kHz FLACs with STREAMINFO rate (0 Hz included), channels, bit depth and total sample count rewritten', async () => {
    const fields = fc.record({
      rate: fc.oneof(fc.constantFrom(0, 1, 999, 16000, 48000, 384001, 0xfffff), fc.integer({ min: 0, max: 0xfffff })),
      channels: fc.integer({ min: 1, max: 8 }),
      bits: fc.integer({ min: 1, max: 32 }),
      total: fc.oneof(fc.constantFrom(0, 1, 2 ** 27, 2 ** 36 - 1), fc.integer({ min: 0, max: 2 ** 36 - 1 })),
    });
    await fuzz('flac STREAMINFO fields', fields, ({ rate, channels, bits, total }) => {
      const bytes = flacs[rate % flacs.length].slice();
      // Bytes 18..25: rate (20 bits), channels - 1 (3), bits - 1 (5), total (36).
      bytes[18] = rate >> 12;
      bytes[19] = (rate >> 4) & 0xff;
      bytes[20] = ((rate & 0x0f) << 4) | ((channels - 1) << 1) | ((bits - 1) >> 4);
      bytes[21] = (((bits - 1) & 0x0f) << 4) | Math.floor(total / 2 ** 32);
      new DataView(bytes.buffer).setUint32(22, total % 2 ** 32);
      return decode(bytes, 'streaminfo.flac');
    });
  }, FUZZ_TIMEOUT_MS);
});

describe('fuzz: FLAC reader on generated streams', () => {
  it('constant-subframe streams (a few bytes per block: FLAC bombs), mutated or not', async () => {
    const spec = fc.record({
      channels: fc.integer({ min: 1, max: 8 }),
      blockSize: fc.constantFrom(1, 16, 192, 4096, 65535, 65536),
      frames: fc.integer({ min: 0, max: 6 }),
      sampleRate: fc.constantFrom(0, 1, 8000, 16000, 44100, 48000, 96000, 0xfffff),
      value: fc.integer({ min: -32768, max: 32767 }),
      totalSamples: fc.option(fc.constantFrom(0, 1, 2 ** 27, 2 ** 36 - 1)),
    });
    const target: Target = { regions: [[0, 42], [42, 120]], fields: [18, 19, 20, 21, 22, 42, 43, 44, 45, 46] };
    await fuzz('flac constant-subframe streams, mutated', fc.tuple(spec, fc.option(mutations)), ([s, list]) => {
      const bytes = constantFlac({ ...s, totalSamples: s.totalSamples ?? undefined });
      return decode(list ? mutate(bytes, target, list) : bytes, 'constant.flac');
    });
  }, FUZZ_TIMEOUT_MS);
});

/** The hot spots of a real WAV: its header up to the data, and every chunk's size field and fmt's fields. */
function wavTarget(wav: Uint8Array): Target {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const fields = [4];
  let at = 12;
  let dataStart = wav.length;
  while (at + 8 <= wav.length) {
    const id = String.fromCharCode(...wav.subarray(at, at + 4));
    fields.push(at, at + 4);
    if (id === 'fmt ') fields.push(at + 8, at + 10, at + 12, at + 16, at + 20, at + 22);
    if (id === 'data') {
      dataStart = at + 8;
      break;
    }
    at += 8 + view.getUint32(at + 4, true) + (view.getUint32(at + 4, true) % 2);
  }
  return { regions: [[0, dataStart]], fields, ids: CHUNK_IDS };
}
