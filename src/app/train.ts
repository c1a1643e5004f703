// `ser-gpu train` and the library's train(): a run directory (src/app/run-files.ts) with one model, or one per
// fold with --folds K; features from the cache when the corpus was seen before; metrics.jsonl rewritten
// after every epoch; the final evaluation, and per-fold and mean +- std test WA and UA with --folds.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Backend, BackendChoice } from '../backend/types.js';
import { loadFeatureSet } from '../data/dataset.js';
import { loadAudioSet } from '../data/audio-set.js';
import { parseAugment, usesWaveforms } from '../augment/index.js';
import { meanStd, type MeanStd } from '../eval/metrics.js';
import { writeFileAtomic } from '../io/atomic.js';
import { systemInfo } from '../system-info.js';
import type { TrainEvent } from './events.js';
import { trainFold, type FoldResult } from './fold-training.js';
import { readModelFolder } from './model-folder.js';
import { defaultSettings, type TrainSettings } from './recipe.js';
import { RUN_FILES, type EpochRecord, type EvaluationRecord, type RunInfo } from './run-files.js';
import { planSplits } from './split-plan.js';
import { withBackend } from '../backend/lifecycle.js';
import { exampleSpectrograms } from './examples.js';
import { writeExamples } from '../report/examples.js';

export interface TrainOptions extends Partial<TrainSettings> {
  /** The run directory; default runs/<timestamp>. */
  out?: string;
  /** Continue the run in this directory with its own settings (other settings are ignored). */
  resume?: string;
  backend?: Backend | BackendChoice;
  /** Feature cache folder; null disables it (see loadFeatureSet). */
  cacheDir?: string | null;
  /** The command line, recorded in run.json. */
  command?: string;
  /** Abort to stop after the current step: the state is saved and train() throws Interrupted. */
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  /** Write plots and report.html at the end (default true). */
  report?: boolean;
}

export interface TrainResult {
  dir: string;
  /** report.html, or why it could not be written (the run itself is complete either way). */
  report: { path: string } | { error: string } | null;
  info: RunInfo;
  folds: FoldResult[];
  /** Over the folds' final evaluations (std 0 for a single model). */
  summary: { wa: MeanStd; ua: MeanStd };
}

export async function train(options: TrainOptions = {}): Promise<TrainResult> {
  const resumed = options.resume !== undefined;
  const dir = options.resume ?? options.out ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19));
  const infoPath = join(dir, RUN_FILES.info);
  let info: RunInfo | null = null;
  if (resumed) {
    if (!existsSync(infoPath)) throw new Error(`--resume ${dir}: no ${RUN_FILES.info} there, so it is not a run directory`);
    info = JSON.parse(readFileSync(infoPath, 'utf8')) as RunInfo;
  } else if (existsSync(infoPath)) {
    throw new Error(`${dir} already holds a run: continue it with --resume ${dir}, or choose another --out`);
  }
  // Absolute data paths, so that --resume works from any working directory.
  const settings = info ? (info.settings as unknown as TrainSettings) : defaultSettings({ ...withoutRunOptions(options), ...(options.data && { data: options.data.map((d) => resolve(d)) }) });
  // A resumed run's checkpoints are checked before any GPU work: a damaged one fails naming the file.
  if (info) {
    for (const [fold] of info.splits.entries()) {
      const last = join(foldDirectory(dir, fold, info.splits.length), RUN_FILES.last);
      if (existsSync(join(last, 'model.json'))) readModelFolder(last);
    }
  }
  return withBackend(options.backend, async (backend) => {
    const started = performance.now();
    const loaded = await loadFeatureSet(settings.data, {
      backend,
      features: settings.features,
      cacheDir: options.cacheDir,
      onProgress: (progress) => options.onEvent?.({ type: 'features', progress }),
    });
    const { set } = loaded;
    options.onEvent?.({
      type: 'features-ready', clips: set.clips.length, fromCache: loaded.fromCache, cachePath: loaded.cachePath,
      seconds: (performance.now() - started) / 1000, skipped: loaded.skipped,
    });
    const audio = usesWaveforms(parseAugment(settings.augment)) ? await loadAudioSet(backend, set) : undefined;
    const splits = planSplits([...set.actors], settings);
    if (info && JSON.stringify(info.splits) !== JSON.stringify(splits)) throw new Error(`--resume ${dir}: the data's actors no longer give the run's split`);
    info ??= {
      command: options.command ?? 'train()',
      settings: settings as unknown as Record<string, unknown>,
      splits,
      labels: set.labelNames,
      versions: systemInfo(backend).versions,
      backend: backend.name,
      startedAt: new Date().toISOString(),
    };
    mkdirSync(dir, { recursive: true });
    writeJson(infoPath, info);

    const records: EpochRecord[][] = splits.map(() => []);
    const writeMetrics = () => writeFileAtomic(join(dir, RUN_FILES.metrics), records.flat().map((r) => JSON.stringify(r) + '\n').join(''));
    const folds: FoldResult[] = [];
    for (const [fold, split] of splits.entries()) {
      const result = await trainFold({
        backend, set, audio, settings, fold, folds: splits.length, split,
        dir: foldDirectory(dir, fold, splits.length),
        provenance: { command: info.command, versions: info.versions, data: settings.data },
        signal: options.signal,
        onEvent: (event) => {
          if (event.type === 'epoch') {
            records[fold] = [...event.records];
            writeMetrics();
          }
          options.onEvent?.(event);
        },
      });
      records[fold] = result.records;
      folds.push(result);
    }
    writeMetrics();
    const evaluations: EvaluationRecord[] = folds.map((f) => f.evaluation);
    writeJson(join(dir, RUN_FILES.evaluation), evaluations);
    writeExamples(join(dir, RUN_FILES.examples), await exampleSpectrograms(backend, set, splits[0].train));
    info.finishedAt = new Date().toISOString();
    info.seconds = (info.seconds ?? 0) + (performance.now() - started) / 1000;
    writeJson(infoPath, info);
    const report = options.report === false ? null : await writeReport(dir);
    return {
      report,
      dir,
      info,
      folds,
      summary: { wa: meanStd(evaluations.map((e) => e.metrics.wa)), ua: meanStd(evaluations.map((e) => e.metrics.ua)) },
    };
  });
}

function withoutRunOptions(options: TrainOptions): Partial<TrainSettings> {
  const { out: _out, resume: _resume, backend: _backend, cacheDir: _cacheDir, command: _command, signal: _signal, onEvent: _onEvent, report: _report, ...settings } = options;
  return settings;
}

/** A missing font must not fail a finished run: the report can be rebuilt later with `ser-gpu report DIR`. */
async function writeReport(dir: string): Promise<TrainResult['report']> {
  const { writeRunReport } = await import('../report/run-report.js');
  try {
    return { path: (await writeRunReport(dir)).report };
  } catch (error) {
    return { error: `${(error as Error).message} (after fixing that, run: ser-gpu report ${dir})` };
  }
}

/** A single model's files go in the run directory itself; with --folds, in fold-N/. */
function foldDirectory(dir: string, fold: number, folds: number): string {
  return folds > 1 ? join(dir, `fold-${fold + 1}`) : dir;
}

function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
}
