// The features suite on real clips: decoding (on worker threads, as a corpus run does), then STFT -> Mel -> dB
// (logmel) and -> MFCC on the backend, each timed apart. Validated first: one clip's features against the
// float64 reference chain. Peers: librosa, and torch.stft + a Mel matmul, on the same files (CPU).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDecodeThreads } from '../audio/decode-pool.js';
import type { AudioClip } from '../audio/index.js';
import type { Backend } from '../backend/types.js';
import { loadCorpus } from '../data/index.js';
import { expectClose } from '../expect-close.js';
import { corpusItems } from '../extract.js';
import { clipFeatures } from '../features/clip-features.js';
import { featureConfig, frameCount, melSpectrogramReference, mfccReference, powerToDbReference, stftReference, type FeatureConfig } from '../features/index.js';
import { PACKAGE_ROOT } from '../gpu/shaders.js';
import { pythonLacks, runPythonPeer } from './peers.js';
import type { PeerRow } from './train.js';

export const DEFAULT_DATA = join(PACKAGE_ROOT, '..', 'shared', 'data', 'ravdess');

export interface FeatureSuiteOptions {
  /** Folders, archives or files; default ../shared/data/ravdess (1,200 FLAC clips at 16 kHz). */
  data: string[];
  /** Only this many clips, spread over the corpus (gpu.js: keep it small). */
  limit?: number;
  batchSize: number;
  peers: boolean;
}

export interface StageResult {
  /** 'ok', or why the first clip disagreed with the float64 reference (then the stage was not timed). */
  validation: string;
  seconds?: number;
  /** CPU time of every thread of the process (Dawn's and lavapipe's included). */
  cpuSeconds?: number;
  clipsPerSecond?: number;
  realTime?: number;
  /** The first batch, which compiles the pipelines; not part of `seconds`. */
  warmupSeconds?: number;
}

export interface FeatureResult {
  clips: number;
  audioSeconds: number;
  config: { nFft: number; hop: number; nMels: number; nMfcc: number; sampleRate: number };
  decode: StageResult & { threads: number };
  logmel: StageResult;
  mfcc: StageResult;
  peers: PeerRow[];
}

// f32 FFTs of 1024 points and dB of their Mel sums against float64: ~1e-3 dB at the floor of a clip's 80 dB range.
const DB_TOL = { atol: 2e-3, rtol: 1e-4 };
/** Peers compute in f32 too (as the golden tests compare with librosa: 0.01 dB). */
const PEER_DB_TOL = { atol: 0.01, rtol: 0 };

export async function runFeatureSuite(backend: Backend, o: FeatureSuiteOptions): Promise<FeatureResult> {
  const { items } = await corpusItems(o.data, o.limit);
  const clips: AudioClip[] = [];
  const threads = defaultDecodeThreads();
  const onError = ({ error }: { error: Error }) => {
    throw error; // the benchmark corpus must decode whole
  };
  const decodeTime = await timed(async () => {
    for await (const { clip } of loadCorpus(items, { onError, threads })) clips.push(clip);
  });
  const audioSeconds = clips.reduce((sum, clip) => sum + clip.samples.length / clip.sampleRate, 0);
  const rates = (seconds: number) => ({ clipsPerSecond: clips.length / seconds, realTime: audioSeconds / seconds });
  const logmel = featureConfig({ kind: 'logmel' });
  const mfcc = featureConfig({ kind: 'mfcc' });
  const result: FeatureResult = {
    clips: clips.length,
    audioSeconds,
    config: { nFft: logmel.nFft, hop: logmel.hop, nMels: logmel.nMels, nMfcc: mfcc.nMfcc, sampleRate: logmel.sampleRate },
    decode: { validation: 'ok', threads, ...decodeTime, ...rates(decodeTime.seconds) },
    logmel: await stage(backend, clips, logmel, o.batchSize, rates),
    mfcc: await stage(backend, clips, mfcc, o.batchSize, rates),
    peers: [],
  };
  if (o.peers) {
    const first = (await clipFeatures(backend, [clips[0]], logmel)).perClip[0];
    result.peers = featurePeers(clips, logmel, result.logmel, first);
  }
  return result;
}

async function stage(backend: Backend, clips: AudioClip[], config: FeatureConfig, batchSize: number, rates: (s: number) => object): Promise<StageResult> {
  const first = clips.find((c) => c.sampleRate === config.sampleRate);
  if (!first) return { validation: `no clip at the feature rate ${config.sampleRate} Hz to check against the reference` };
  const warm = await timed(async () => {
    const out = await clipFeatures(backend, [first, ...clips.slice(0, batchSize - 1)], config);
    expectClose(out.perClip[0], referenceFeatures(first.samples, config), DB_TOL, `${config.kind} of ${first.source} vs the float64 reference`);
  }).catch((error: Error) => error);
  if (warm instanceof Error) return { validation: warm.message.split('\n')[0] };
  // As extraction runs it: one batch computing while the next is packed and submitted.
  const t = await timed(async () => {
    let computing: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < clips.length; i += batchSize) {
      const next = clipFeatures(backend, clips.slice(i, i + batchSize), config);
      await computing;
      computing = next;
    }
    await computing;
  });
  return { validation: 'ok', ...t, ...rates(t.seconds), warmupSeconds: warm.seconds };
}

/** librosa's chain in float64: |STFT|² -> Mel -> power_to_db (-> DCT-II), [bands, frames]. */
function referenceFeatures(samples: Float32Array, c: FeatureConfig): Float64Array {
  const frames = frameCount(samples.length, c.hop);
  const db = powerToDbReference(melSpectrogramReference(stftReference(samples, { ...c, power: 2 }), frames, c), c);
  return c.kind === 'mfcc' ? mfccReference(db, c.nMels, frames, c.nMfcc) : db;
}

async function timed(work: () => Promise<unknown>): Promise<{ seconds: number; cpuSeconds: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

type ReferenceOutput = { tool: string; warmup_s: number; features_s: number; features_cpu_s: number; decode_s?: number; clips: number; first: number[]; first_shape: number[] };

/** librosa and torch log-Mel on the same files; their timings are of the features alone, after decoding. */
function featurePeers(clips: AudioClip[], c: FeatureConfig, ours: StageResult, oursFirst: Float32Array): PeerRow[] {
  const sources = clips.map((clip) => clip.source);
  const rows: PeerRow[] = [];
  const peers: [string, string, string[]][] = [
    ['librosa', 'librosa_ref.py', ['librosa', 'soundfile']],
    ['torch.stft', 'torch_ref.py', ['torch', 'librosa', 'soundfile']],
  ];
  for (const [name, script, modules] of peers) {
    const lacks = pythonLacks(modules) ?? (sources.some((s) => s.toLowerCase().includes('.zip:')) ? 'zip members cannot be passed to soundfile' : null);
    if (lacks) {
      rows.push({ name, validation: lacks, skipped: true });
      continue;
    }
    if (ours.validation !== 'ok') {
      rows.push({ name, validation: 'not run: our logmel failed its validation', skipped: true });
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ser-gpu-bench-'));
    try {
      const list = join(dir, 'files.txt');
      writeFileSync(list, sources.join('\n') + '\n');
      const args = ['--files', list, '--sr', c.sampleRate, '--n-fft', c.nFft, '--hop', c.hop, '--n-mels', c.nMels, '--top-db', c.topDb ?? 80];
      const r = runPythonPeer<ReferenceOutput>(script, args);
      let validation = 'ok';
      try {
        expectClose(r.first, oursFirst, PEER_DB_TOL, `${r.tool} log-Mel of ${sources[0]} vs ours`);
      } catch (error) {
        validation = (error as Error).message.split('\n')[0];
      }
      rows.push({ name: r.tool, validation, ...(validation === 'ok' && { ms: 1000 * r.features_s, clipsPerSecond: r.clips / r.features_s }) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
