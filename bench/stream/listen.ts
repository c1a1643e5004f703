// npx tsx bench/stream/listen.ts [--model DIR] [--rate 16000|48000] [--seconds 30] [--backend auto|webgpu|cpu]
//
// The work of one `ser-gpu listen` hop, measured over RAVDESS speech (the demo subset, clips joined), against a
// peer measured in the same run: the non-incremental front end, which recomputes the whole window's features
// (resample + STFT + mel + dB of its 3 s of audio) every hop. Both then run the same classifier; every hop runs
// the model (no voice-activity gate). The machine may be shared: the load average is printed with the figures.
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_MODEL_DIR, readModelFolder } from '../../src/app/model-folder.js';
import { readAudio } from '../../src/audio/read.js';
import { createBackend } from '../../src/backend/create.js';
import { clipFeatures } from '../../src/features/clip-features.js';
import { resampleReference } from '../../src/features/resample.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { createClassifier } from '../../src/infer/bundle.js';
import { EmotionStream } from '../../src/stream/emotion-stream.js';

const args = await yargs(hideBin(process.argv))
  .option('model', { type: 'string', default: DEFAULT_MODEL_DIR })
  .option('rate', { type: 'number', default: 16000, describe: 'input rate (48000: resampled on the backend every hop)' })
  .option('seconds', { type: 'number', default: 30 })
  .option('hop', { type: 'number', default: 0.5 })
  .option('backend', { choices: ['auto', 'webgpu', 'cpu'] as const, default: 'auto' as const })
  .strict()
  .parseAsync();

const actor = join(PACKAGE_ROOT, 'data', 'Actor_02');
const parts: Float32Array[] = [];
let length = 0;
for (const name of readdirSync(actor).sort()) {
  if (length >= args.seconds * 16000) break;
  const clip = await readAudio(join(actor, name));
  parts.push(clip.samples);
  length += clip.samples.length;
}
const joined = new Float32Array(length);
parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
const audio = args.rate === 16000 ? joined : Float32Array.from(resampleReference(joined, 16000, args.rate));

const backend = await createBackend(args.backend);
const classifier = createClassifier(backend, readModelFolder(args.model));
const { features, frames: windowFrames } = classifier.meta;
const stream = new EmotionStream(classifier, args.rate, { hop: args.hop, speechDb: -Infinity });
await stream.warmUp();
const load = [loadavg()[0]];

// Incremental: the audio arrives one hop at a time, as from a microphone.
const incremental: { features: number; total: number; end: number }[] = [];
const piece = Math.round(args.hop * args.rate);
for (let at = 0; at < audio.length; at += piece) {
  for await (const { estimate, timing } of stream.push(audio.subarray(at, at + piece))) {
    incremental.push({ features: timing.featuresMs, total: timing.totalMs, end: estimate.end });
  }
}

// Peer: the same hops, each window's audio through the whole front end again.
const secondsPerFrame = features.hop / features.sampleRate;
const windowSamples = Math.round(((windowFrames - 1) * secondsPerFrame) * args.rate);
const peer: { features: number; total: number }[] = [];
await clipFeatures(backend, [{ samples: audio.subarray(0, windowSamples), sampleRate: args.rate, source: 'warm-up' }], features);
for (const { end } of incremental) {
  const stop = Math.round(end * args.rate);
  const window = audio.subarray(Math.max(0, stop - windowSamples), stop);
  const started = performance.now();
  const out = await clipFeatures(backend, [{ samples: window, sampleRate: args.rate, source: 'window' }], features);
  const featured = performance.now();
  await classifier.probabilities([{ values: out.perClip[0], frames: out.frames[0] }]);
  peer.push({ features: featured - started, total: performance.now() - started });
}
load.push(loadavg()[0]);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(0.95 * values.length))];
const row = (what: string, ours: number[], theirs: number[]) =>
  `| ${what} | ${median(ours).toFixed(1)} ms (p95 ${p95(ours).toFixed(1)}) | ${median(theirs).toFixed(1)} ms (p95 ${p95(theirs).toFixed(1)}) | ${(median(theirs) / median(ours)).toFixed(2)}x |`;
process.stdout.write(
  [
    `${backend.name}; ${incremental.length} hops of ${args.hop} s over ${(audio.length / args.rate).toFixed(1)} s of RAVDESS speech at ${args.rate} Hz; window ${windowFrames} frames`,
    `load average ${load[0].toFixed(2)} before, ${load[1].toFixed(2)} after, on ${availableParallelism()} cores`,
    '',
    '| per hop | incremental (listen) | peer: whole window recomputed | peer / listen |',
    '| --- | --- | --- | --- |',
    row('front end', incremental.map((h) => h.features), peer.map((h) => h.features)),
    row('front end + model', incremental.map((h) => h.total), peer.map((h) => h.total)),
    '',
    `listen keeps up with real time ${((args.hop * 1000) / median(incremental.map((h) => h.total))).toFixed(0)}x over (median hop) and ${((args.hop * 1000) / p95(incremental.map((h) => h.total))).toFixed(0)}x at the p95 hop`,
    '',
  ].join('\n'),
);
classifier.dispose();
await backend.destroy();
