// The streaming path: the incremental front end gives the whole signal's mel frames; each hop's estimate is
// the classifier on its window as defined in src/stream/emotion-stream.ts; a window holding all of the audio
// gives predict's probabilities; silence gives no emotion; WAV streams with unknown sizes and raw PCM decode.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listen, type StreamEvent } from '../../src/app/listen.js';
import { LoadedModel } from '../../src/app/predict.js';
import { readAudio } from '../../src/audio/read.js';
import { decodeWav } from '../../src/audio/wav.js';
import type { Backend } from '../../src/backend/types.js';
import { packClips } from '../../src/features/batch.js';
import { featureConfig } from '../../src/features/config.js';
import { computeFeatures, melToFeatures } from '../../src/features/index.js';
import { resampleClips } from '../../src/features/resample.js';
import { createClassifier } from '../../src/infer/bundle.js';
import { readModelFolder } from '../../src/app/model-folder.js';
import { EmotionStream } from '../../src/stream/emotion-stream.js';
import { StreamFrontEnd } from '../../src/stream/front-end.js';
import { PcmDecoder } from '../../src/stream/pcm-decoder.js';
import { buildWav, encodeFrames, mixToMono, testSignal, type Encoding } from '../audio/wav-builder.js';
import { describeBackends, webgpuBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { DEMO_DATA } from './fixtures.js';
import { seededModelFolder } from './listen-model.js';

const CLIP = join(DEMO_DATA, 'Actor_01', readdirSync(join(DEMO_DATA, 'Actor_01')).sort()[29]);
const MEL = featureConfig({ kind: 'mel', nMels: 64 });

/** Deterministic test audio at any rate: two drifting tones and uniform noise. */
function synthetic(seconds: number, rate: number): Float32Array {
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => {
    const t = i / rate;
    return 0.3 * Math.sin(2 * Math.PI * (300 + 400 * t) * t) + 0.1 * Math.sin(2 * Math.PI * 2500 * t) + 0.05 * noise();
  });
}

/** Pushes `samples` in uneven pieces, computing whatever frames are ready after each; returns [bands, frames]. */
async function streamMel(backend: Backend, samples: Float32Array, rate: number, pieces: number[]): Promise<{ values: Float32Array; frames: number }> {
  const frontEnd = new StreamFrontEnd(backend, MEL, rate);
  const parts: { mel: Float32Array; count: number }[] = [];
  const drain = async () => {
    if (frontEnd.readyFrames > frontEnd.computedFrames) parts.push(await frontEnd.next(frontEnd.readyFrames));
  };
  for (let at = 0, k = 0; at < samples.length; k++) {
    const n = pieces[k % pieces.length];
    frontEnd.push(samples.subarray(at, at + n));
    at += n;
    await drain();
  }
  frontEnd.end();
  await drain();
  const frames = parts.reduce((a, p) => a + p.count, 0);
  const values = new Float32Array(MEL.nMels * frames);
  let t0 = 0;
  for (const p of parts) {
    for (let b = 0; b < MEL.nMels; b++) values.set(p.mel.subarray(b * p.count, (b + 1) * p.count), b * frames + t0);
    t0 += p.count;
  }
  return { values, frames };
}

/** The whole signal's mel power [bands, frames], resampled first when it is not at the feature rate. */
async function wholeMel(backend: Backend, samples: Float32Array, rate: number): Promise<{ values: Float32Array; frames: number }> {
  const packed = packClips(backend, [samples]);
  const input = rate === MEL.sampleRate ? packed : resampleClips(backend, packed, rate, MEL.sampleRate);
  const out = computeFeatures(backend, input, MEL);
  if (input !== packed) input.samples.dispose();
  packed.samples.dispose();
  const values = (await out.features.read()) as Float32Array;
  out.features.dispose();
  return { values, frames: out.frames[0] };
}

// Exact: each kept frame (and each resampled sample) is computed by the same kernel from the same input
// values in the same order as in the whole signal; only which frames a dispatch holds differs.
const MEL_TOLERANCE = { atol: 0, rtol: 0 };

describeBackends('StreamFrontEnd: the new frames of each call equal the whole signal\'s', (backend) => {
  it('a 16 kHz RAVDESS clip pushed in uneven pieces (no resampling)', async () => {
    const clip = await readAudio(CLIP);
    const samples = clip.samples.subarray(0, backend.kind === 'cpu' ? 16000 : clip.samples.length);
    const whole = await wholeMel(backend, samples, 16000);
    const streamed = await streamMel(backend, samples, 16000, [1000, 333, 4096, 7, 8000, 2500]);
    expect(streamed.frames).toBe(whole.frames);
    expectClose(streamed.values, whole.values, MEL_TOLERANCE, 'incremental mel frames');
  });

  it.each([22050, 48000])('%i Hz input, resampled per piece on the backend', async (rate) => {
    const samples = synthetic(backend.kind === 'cpu' ? 0.6 : 1.3, rate);
    const whole = await wholeMel(backend, samples, rate);
    const streamed = await streamMel(backend, samples, rate, [4410, 1000, 12000, 333]);
    expect(streamed.frames).toBe(whole.frames);
    expectClose(streamed.values, whole.values, MEL_TOLERANCE, `incremental mel frames from ${rate} Hz`);
  });
});

const webgpu = webgpuBackend();
const suite = webgpu ? describe : describe.skip;

suite('EmotionStream (webgpu)', () => {
  let modelDir: string;
  beforeAll(async () => {
    modelDir = await seededModelFolder(webgpu!);
  });

  /** Every estimate of `samples` at 16 kHz pushed in 0.2 s pieces. */
  async function estimates(samples: Float32Array, speechDb: number, dir = modelDir): Promise<StreamEvent[]> {
    const classifier = createClassifier(webgpu!, readModelFolder(dir));
    const stream = new EmotionStream(classifier, 16000, { hop: 0.5, speechDb });
    const events: StreamEvent[] = [];
    for (let at = 0; at < samples.length; at += 3200) for await (const e of stream.push(samples.subarray(at, at + 3200))) events.push(e);
    for await (const e of stream.end()) events.push(e);
    classifier.dispose();
    return events;
  }

  it('each estimate is the classifier on its window: the whole signal\'s mel frames, then dB with the window\'s own top_db floor', async () => {
    const clip = await readAudio(CLIP);
    const events = await estimates(clip.samples, -Infinity);
    const whole = await wholeMel(webgpu!, clip.samples, 16000);
    const classifier = createClassifier(webgpu!, readModelFolder(modelDir));
    const { features } = classifier.meta;
    // 62996 samples: 247 frames. Hops of 31.25 frames end at frames 31, 63, 94, ..., 219; the flush ends at 247.
    const ends = [31, 63, 94, 125, 156, 188, 219, 247];
    expect(whole.frames).toBe(247);
    expect(events).toHaveLength(ends.length);
    for (const [k, { estimate }] of events.entries()) {
      const start = Math.max(0, ends[k] - 188);
      const n = ends[k] - start;
      expect(estimate.start).toBeCloseTo((start * 256) / 16000, 12);
      expect(estimate.end).toBeCloseTo(Math.min(ends[k] * 256, 62996) / 16000, 12);
      const window = new Float32Array(64 * n);
      for (let b = 0; b < 64; b++) window.set(whole.values.subarray(b * whole.frames + start, b * whole.frames + start + n), b * n);
      const power = webgpu!.upload(window, [1, 64, n]);
      const db = melToFeatures(webgpu!, { features: power, frames: [n] }, features);
      const rows = (await db.features.read()) as Float32Array;
      power.dispose();
      db.features.dispose();
      if (k === 0) {
        // The documented difference: the offline features of the whole clip floor the first, silent window at
        // the clip's maximum minus top_db, far above the window's own floor.
        const offline = computeFeatures(webgpu!, [clip.samples], features);
        const clipDb = (await offline.features.read()) as Float32Array;
        offline.features.dispose();
        const windowMin = Math.min(...rows);
        const clipMin = Math.min(...Array.from({ length: 64 }, (_, b) => Math.min(...clipDb.subarray(b * 247, b * 247 + n))));
        expect(clipMin - windowMin).toBeGreaterThan(10);
      }
      const [expected] = await classifier.probabilities([{ values: rows, frames: n }]);
      expect(estimate.speech).toBe(true);
      // Exact: the same frames through the same kernels, at the same shapes.
      expectClose(Float32Array.from(Object.values(estimate.probabilities!)), expected, { atol: 0, rtol: 0 }, `estimate ${estimate.start}-${estimate.end} s`);
      expect(estimate.emotion).toBe(classifier.describe(expected).emotion);
    }
    classifier.dispose();
  });

  it.each([
    ['log-mel', undefined],
    ['MFCC with deltas', { kind: 'mfcc', nMfcc: 20, deltas: 2 } as const],
  ])('the estimate whose window holds all of the audio equals predict on that audio (%s)', async (_, features) => {
    const dir = features ? await seededModelFolder(webgpu!, 188, features) : modelDir;
    const clip = await readAudio(CLIP);
    const samples = clip.samples.slice(8000, 56000); // 3 s: 188 frames, the model's window
    const events = await estimates(samples, -Infinity, dir);
    const last = events[events.length - 1].estimate;
    expect([last.start, last.end]).toEqual([0, 3]);
    const model = await LoadedModel.load(dir, webgpu!);
    const predicted = await model.predict({ samples, sampleRate: 16000 });
    await model.close();
    const labels = Object.keys(predicted.probabilities);
    expect(Object.keys(last.probabilities!)).toEqual(labels);
    expectClose(Float32Array.from(labels, (l) => last.probabilities![l]), Float32Array.from(labels, (l) => predicted.probabilities[l]), { atol: 0, rtol: 0 }, 'full window vs predict (exact, as above)');
    expect(last.emotion).toBe(predicted.emotion);
  });

  it('silence (zeros) is no speech: no emotion, no probabilities, the level at its floor', async () => {
    const events = await estimates(new Float32Array(24000), -55);
    expect(events.length).toBe(3); // 1.5 s = 94 frames: hops end at 31, 63 and 94
    for (const { estimate, timing } of events) {
      expect(estimate).toMatchObject({ speech: false, emotion: null, probabilities: null, level: -120 });
      expect(timing.modelMs).toBeLessThan(timing.totalMs + 1e-9);
    }
  });
});

suite('listen() over bytes (webgpu)', () => {
  let modelDir: string;
  beforeAll(async () => {
    modelDir = await seededModelFolder(webgpu!);
  });

  async function run(bytes: Uint8Array, options: Parameters<typeof listen>[1], piece = 5000) {
    async function* chunks() {
      for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
    }
    const out = [];
    for await (const { estimate } of listen(chunks(), { model: modelDir, backend: webgpu!, ...options })) out.push(estimate);
    return out;
  }

  it('a streamed WAV (data size 0, 0x7FFFF000 as sox writes, or 0xFFFFFFFF) and raw s16le of the same audio give the same estimates', async () => {
    const clip = await readAudio(CLIP);
    const pcm = encodeFrames([Array.from(clip.samples)], 'pcm16');
    const wav = buildWav({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: pcm });
    const raw = await run(pcm, { format: 's16le', sampleRate: 16000 });
    expect(raw.filter((e) => e.speech).length).toBeGreaterThan(0);
    for (const size of [0, 0x7ffff000, 0xffffffff]) {
      const streamed = wav.slice();
      new DataView(streamed.buffer).setUint32(40, size, true); // the data chunk's size field (44-byte header)
      new DataView(streamed.buffer).setUint32(4, size, true);
      expect(await run(streamed, {}, 777)).toEqual(raw);
    }
    expect(await run(wav, {})).toEqual(raw);
  });

  it('estimates come as the audio arrives, not at the end of the input', async () => {
    const clip = await readAudio(CLIP);
    const pcm = encodeFrames([Array.from(clip.samples)], 'pcm16');
    const log: string[] = [];
    async function* paced() {
      for (let at = 0; at < pcm.length; at += 3200) {
        log.push(`sent ${(at + 3200) / 32000} s`);
        yield pcm.subarray(at, at + 3200);
      }
    }
    for await (const { estimate } of listen(paced(), { model: modelDir, backend: webgpu!, format: 's16le', sampleRate: 16000 })) log.push(`estimate to ${estimate.end} s`);
    // The hop ending at frame 31 (0.496 s) needs samples to 0.528 s (its last frame's n_fft/2): the 0.6 s piece.
    expect(log.slice(0, 7)).toEqual(['sent 0.1 s', 'sent 0.2 s', 'sent 0.3 s', 'sent 0.4 s', 'sent 0.5 s', 'sent 0.6 s', 'estimate to 0.496 s']);
    expect(log.indexOf('estimate to 1.504 s')).toBeLessThan(log.indexOf('sent 1.7 s'));
  });

  it('an empty input is an error naming it', async () => {
    await expect(run(new Uint8Array(0), { source: 'mic' })).rejects.toThrow(/mic: no input/);
    await expect(run(new Uint8Array(0), { format: 's16le', sampleRate: 16000 })).rejects.toThrow(/stdin: no audio/);
  });
});

describe('PcmDecoder', () => {
  const decodeAll = (decoder: PcmDecoder, bytes: Uint8Array, piece: number) => {
    const parts: number[] = [];
    for (let at = 0; at < bytes.length; at += piece) parts.push(...decoder.push(bytes.subarray(at, at + piece)));
    decoder.end();
    return parts;
  };

  it.each([1, 3, 1000])('a stereo 24-bit WAV delivered %i bytes at a time mixes to mono, up to the data size (a trailing chunk is not audio)', (piece) => {
    const signal = testSignal(301, 2);
    const wav = buildWav({
      formatTag: 1, channels: 2, sampleRate: 44100, bitsPerSample: 24, data: encodeFrames(signal, 'pcm24'),
      chunksBeforeFmt: [{ id: 'LIST', body: new Uint8Array(5) }],
    });
    const trailing = new Uint8Array([...wav, ...new TextEncoder().encode('id3 '), 4, 0, 0, 0, 1, 2, 3, 4]);
    const decoder = new PcmDecoder(null);
    const mono = decodeAll(decoder, trailing, piece);
    expect(decoder.sampleRate).toBe(44100);
    expectClose(Float32Array.from(mono), Float32Array.from(mixToMono(signal)), { atol: 1e-6, rtol: 0 }, 'mono mix');
  });

  it.each([
    ['pcm8', 1, 8], ['pcm16', 1, 16], ['pcm24', 1, 24], ['pcm32', 1, 32], ['float32', 3, 32], ['float64', 3, 64], ['A-law', 6, 8], ['mu-law', 7, 8],
  ] as const)('a %s WAV streamed 7 bytes at a time decodes as the file decoder decodes it', (name, formatTag, bitsPerSample) => {
    const signal = testSignal(200, 2);
    const data = formatTag >= 6 ? Uint8Array.from({ length: 400 }, (_, i) => (i * 37) % 256) : encodeFrames(signal, name as Encoding);
    const wav = buildWav({ formatTag, channels: 2, sampleRate: 22050, bitsPerSample, data });
    const decoder = new PcmDecoder(null);
    expect(Float32Array.from(decodeAll(decoder, wav, 7))).toEqual(decodeWav(wav, 'file.wav').samples);
  });

  it('float32 and 16-bit raw PCM with interleaved channels', () => {
    const signal = testSignal(100, 3);
    const f32 = decodeAll(new PcmDecoder({ format: 'f32le', sampleRate: 8000, channels: 3 }), encodeFrames(signal, 'float32'), 7);
    expectClose(Float32Array.from(f32), Float32Array.from(mixToMono(signal)), { atol: 1e-7, rtol: 0 }, 'f32le');
    const s16 = decodeAll(new PcmDecoder({ format: 's16le', sampleRate: 8000, channels: 3 }), encodeFrames(signal, 'pcm16'), 5);
    expectClose(Float32Array.from(s16), Float32Array.from(mixToMono(signal)), { atol: 1 / 32768, rtol: 0 }, 's16le');
  });

  it('errors name the input and the problem', () => {
    expect(() => new PcmDecoder(null, 'stdin').push(new TextEncoder().encode('ID3\u0004 not a wav'))).toThrow(/stdin: not a WAV stream: starts with "ID3\\u0004".*--format s16le\|f32le and --rate/);
    const truncated = new PcmDecoder(null, 'stdin');
    truncated.push(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '));
    expect(() => truncated.end()).toThrow(/stdin: the stream ended inside its WAV header/);
    const adpcm = buildWav({ formatTag: 2, channels: 1, sampleRate: 8000, bitsPerSample: 4, data: new Uint8Array(8) });
    expect(() => new PcmDecoder(null).push(adpcm)).toThrow(/unsupported WAV stream encoding: format tag 0x0002/);
    const nan = new Float32Array([0, NaN]);
    expect(() => new PcmDecoder({ format: 'f32le', sampleRate: 8000, channels: 1 }).push(new Uint8Array(nan.buffer))).toThrow(/NaN or infinite float sample at frame 1/);
  });
});
