// The feature benchmark: decode a corpus (timed), then compute log-Mel features on the backend
// (timed apart), and compare with librosa and torch on the same files when Python has them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDecodeThreads } from '../../src/audio/decode-pool.js';
import type { AudioClip } from '../../src/audio/index.js';
import { createBackend } from '../../src/backend/create.js';
import type { BackendChoice } from '../../src/backend/types.js';
import { loadCorpus } from '../../src/data/index.js';
import { corpusItems } from '../../src/extract.js';
import { clipFeatures } from '../../src/features/clip-features.js';
import { featureConfig, type FeatureConfig } from '../../src/features/index.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { systemInfo } from '../../src/system-info.js';

export interface FeatureBenchOptions {
  /** Folders, archives or files; default ../shared/data/ravdess (1,200 FLAC clips at 16 kHz). */
  data?: string[];
  limit?: number;
  backend?: BackendChoice;
  batchSize?: number;
  features?: Partial<FeatureConfig>;
  /** Run the Python references (default true). */
  python?: boolean;
  /** Decoding threads, as a corpus run uses them (default defaultDecodeThreads(); 0: the main thread). */
  decodeThreads?: number;
}

/** What a Python reference printed, or why it did not run. */
export type ReferenceResult = { tool: string; warmup_s: number; features_s: number; features_cpu_s: number; decode_s?: number; clips: number } | { skipped: string };

/** Wall time, and CPU time of every thread of the process (Dawn's and lavapipe's included). */
export interface StageTime {
  seconds: number;
  cpuSeconds: number;
}

export interface FeatureBenchResult {
  backend: string;
  adapter: string;
  clips: number;
  audioSeconds: number;
  decode: StageTime & { threads: number };
  /** The first batch, which compiles the pipelines; not part of `features`. */
  warmupSeconds: number;
  features: StageTime;
  config: FeatureConfig;
  librosa: ReferenceResult;
  torch: ReferenceResult;
  /** The 1-minute load average at the end, with the core count: a busy machine skews every number. */
  load: { average: number; cores: number };
}

const DEFAULT_DATA = join(PACKAGE_ROOT, '..', 'shared', 'data', 'ravdess');

export async function runFeatureBench(options: FeatureBenchOptions = {}): Promise<FeatureBenchResult> {
  const config = featureConfig({ kind: 'logmel', ...options.features });
  const { items } = await corpusItems(options.data ?? [DEFAULT_DATA], options.limit);
  const batchSize = options.batchSize ?? 32;

  const clips: AudioClip[] = [];
  const threads = options.decodeThreads ?? defaultDecodeThreads();
  const decodeTime = await timed(async () => {
    const onError = ({ error }: { error: Error }) => {
      throw error; // the benchmark corpus must decode whole
    };
    for await (const { clip } of loadCorpus(items, { onError, threads })) clips.push(clip);
  });
  const decode = { ...decodeTime, threads };

  const backend = await createBackend(options.backend ?? 'auto');
  let warmupSeconds: number;
  let features: StageTime;
  const info = systemInfo(backend);
  try {
    warmupSeconds = (await timed(() => clipFeatures(backend, clips.slice(0, batchSize), config))).seconds;
    // As extraction runs it: one batch computing while the next is packed and submitted.
    features = await timed(async () => {
      let computing: Promise<unknown> = Promise.resolve();
      for (let i = 0; i < clips.length; i += batchSize) {
        const next = clipFeatures(backend, clips.slice(i, i + batchSize), config);
        await computing;
        computing = next;
      }
      await computing;
    });
  } finally {
    await backend.destroy();
  }

  const sources = clips.map((clip) => clip.source);
  const python = options.python ?? true;
  return {
    backend: info.backendName,
    adapter: info.adapter ? `${info.adapter.description || info.adapter.device}${info.adapter.isSoftware ? ' (software)' : ''}` : info.backendName,
    clips: clips.length,
    audioSeconds: clips.reduce((sum, clip) => sum + clip.samples.length / clip.sampleRate, 0),
    decode,
    warmupSeconds,
    features,
    config,
    librosa: python ? runReference('librosa_ref.py', ['librosa', 'soundfile'], sources, config) : { skipped: 'not requested' },
    torch: python ? runReference('torch_ref.py', ['torch', 'librosa', 'soundfile'], sources, config) : { skipped: 'not requested' },
    load: { average: loadavg()[0], cores: cpus().length },
  };
}

async function timed(work: () => Promise<unknown>): Promise<StageTime> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function pythonExecutable(): string {
  const venv = join(PACKAGE_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

function runReference(script: string, modules: string[], sources: string[], config: FeatureConfig): ReferenceResult {
  const python = pythonExecutable();
  const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${python} lacks ${modules.join(' or ')} (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()})` };
  if (sources.some((source) => source.toLowerCase().includes('.zip:'))) return { skipped: 'zip members cannot be passed to soundfile' };
  const dir = mkdtempSync(join(tmpdir(), 'ser-gpu-bench-'));
  try {
    const list = join(dir, 'files.txt');
    writeFileSync(list, sources.join('\n') + '\n');
    const args = ['--files', list, '--sr', config.sampleRate, '--n-fft', config.nFft, '--hop', config.hop, '--n-mels', config.nMels, '--top-db', config.topDb];
    const run = spawnSync(python, [join(PACKAGE_ROOT, 'bench', 'features', script), ...args.map(String)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) return { skipped: `${script} failed: ${run.stderr.trim().split('\n').pop()}` };
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as ReferenceResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFeatureBench(r: FeatureBenchResult): string {
  const row = (name: string, seconds: number, cpuSeconds?: number, note = '') =>
    `  ${name.padEnd(44)}${`${seconds.toFixed(2)} s`.padStart(10)}${(cpuSeconds === undefined ? '' : `${cpuSeconds.toFixed(2)} s`).padStart(10)}` +
    `${`${(r.clips / seconds).toFixed(0)} clips/s`.padStart(16)}  ${note}`;
  const ratio = (reference: ReferenceResult) =>
    'skipped' in reference
      ? `skipped: ${reference.skipped}`
      : `${(reference.features_s / r.features.seconds).toFixed(2)} (CPU time ${(reference.features_cpu_s / r.features.cpuSeconds).toFixed(2)})`;
  const lines = [
    `feature benchmark: ${r.clips} clips, ${r.audioSeconds.toFixed(0)} s of audio, ${r.config.kind} ${r.config.nMels} Mel bands, n_fft ${r.config.nFft}, hop ${r.config.hop}, ${r.config.sampleRate} Hz`,
    `backend ${r.backend}`,
    `adapter ${r.adapter}`,
    '',
    `  ${'stage'.padEnd(44)}${'wall'.padStart(10)}${'CPU'.padStart(10)}${'rate'.padStart(16)}`,
    row(`ser-gpu decode (${r.decode.threads > 0 ? `${r.decode.threads} threads` : 'main thread'})`, r.decode.seconds, r.decode.cpuSeconds),
    row('ser-gpu features (backend)', r.features.seconds, r.features.cpuSeconds, `+ ${r.warmupSeconds.toFixed(2)} s warm-up (pipeline compilation)`),
  ];
  if (!('skipped' in r.librosa)) {
    if (r.librosa.decode_s !== undefined) lines.push(row('soundfile decode', r.librosa.decode_s));
    lines.push(row(`${r.librosa.tool} melspectrogram + power_to_db`, r.librosa.features_s, r.librosa.features_cpu_s, `+ ${r.librosa.warmup_s.toFixed(2)} s warm-up`));
  }
  if (!('skipped' in r.torch)) lines.push(row(`${r.torch.tool} stft + Mel`, r.torch.features_s, r.torch.features_cpu_s, `+ ${r.torch.warmup_s.toFixed(2)} s warm-up`));
  lines.push(
    '',
    `  ser-gpu decode / features         ${(r.decode.seconds / r.features.seconds).toFixed(2)}`,
    `  librosa / ser-gpu features        ${ratio(r.librosa)}`,
    `  torch / ser-gpu features          ${ratio(r.torch)}`,
    '  (above 1: ser-gpu is faster)',
  );
  if (r.load.average > r.load.cores) lines.push(`  note: load average ${r.load.average.toFixed(1)} on ${r.load.cores} cores: other work shared the CPU; wall times are inflated`);
  return lines.join('\n') + '\n';
}
