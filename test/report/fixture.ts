// A synthetic but realistic run directory: 8 RAVDESS labels, 2 folds by actor, 30 epochs each, the
// evaluation of each fold's test actors, one example spectrogram per emotion.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, type EpochRecord, type EvaluationRecord, type RunInfo } from '../../src/app/run-files.js';
import { RAVDESS_EMOTIONS } from '../../src/data/ravdess.js';
import { classificationMetrics } from '../../src/eval/metrics.js';
import { featureConfig } from '../../src/features/config.js';
import { writeExamples } from '../../src/report/examples.js';
import type { ExampleSpectrogram } from '../../src/report/types.js';
import { mulberry32 as random } from '../../src/nn/init.js';

export interface FixtureOptions {
  labels?: string[];
  folds?: number;
  epochs?: number;
}

export function runInfo({ labels = [...RAVDESS_EMOTIONS], folds = 2 }: FixtureOptions = {}): RunInfo {
  const actors = Array.from({ length: 20 }, (_, i) => i + 1);
  // One fold: the usual --val-actors 17-20 --test-actors 15-16; K folds: every K-th actor tested in each.
  const splits = Array.from({ length: folds }, (_, k) => {
    if (folds === 1) return { train: actors.slice(0, 14), val: actors.slice(16), test: actors.slice(14, 16) };
    const test = actors.filter((a) => a % folds === k % folds);
    const rest = actors.filter((a) => !test.includes(a));
    return { train: rest.slice(0, -2), val: rest.slice(-2), test };
  });
  return {
    command: `ser-gpu train --data ../shared/data/ravdess --folds ${folds} --epochs 30 --out runs/fixture`,
    settings: {
      data: ['../shared/data/ravdess'],
      features: { kind: 'logmel', nMels: 64, nFft: 1024, hop: 256, sampleRate: 16000 },
      model: { input: [1, 64, 188], layers: [{ kind: 'conv2d', out: 16, kernel: 3 }, { kind: 'relu' }, { kind: 'maxpool2d', size: 2 }, { kind: 'globalavgpool' }, { kind: 'dense', out: labels.length }] },
      optimizer: 'adam',
      lr: 0.001,
      epochs: 30,
      batchSize: 32,
      seed: 1,
      folds,
      classWeights: true,
    },
    splits,
    labels,
    versions: { 'ser-gpu': '0.1.0', node: process.version },
    backend: 'webgpu (llvmpipe)',
    startedAt: '2026-12-01T09:00:00.000Z',
    finishedAt: '2026-12-01T09:08:20.000Z',
    seconds: 500,
  };
}

export function epochRecords({ folds = 2, epochs = 30 }: FixtureOptions = {}): EpochRecord[] {
  const next = random(7);
  const records: EpochRecord[] = [];
  for (let fold = 0; fold < folds; fold++) {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const progress = 1 - Math.exp(-epoch / (8 + fold * 2));
      const noise = () => (next() - 0.5) * 0.04;
      records.push({
        fold,
        epoch,
        step: epoch * 30,
        trainLoss: 2.08 - 1.5 * progress + noise(),
        trainWA: 0.14 + 0.7 * progress + noise(),
        valLoss: 2.08 - 0.9 * progress + 0.01 * Math.max(0, epoch - 20) + noise(),
        valWA: 0.13 + 0.45 * progress + noise(),
        valUA: 0.12 + 0.43 * progress + noise(),
        lr: 1e-3 * 0.5 ** Math.floor(epoch / 10),
        seconds: 16 + next() * 2,
      });
    }
  }
  return records;
}

/** Each fold's test set: 2 clips per actor and emotion (neutral 1), predicted right with a per-class recall. */
export function evaluations({ labels = [...RAVDESS_EMOTIONS], folds = 2 }: FixtureOptions = {}): EvaluationRecord[] {
  const next = random(11);
  const recall = labels.map((_, k) => 0.35 + 0.5 * (((k * 37) % 11) / 10));
  return Array.from({ length: folds }, (_, fold) => {
    const truth: number[] = [];
    const predicted: number[] = [];
    const actors = runInfo({ labels, folds }).splits[fold].test;
    for (let a = 0; a < actors.length; a++) {
      for (let k = 0; k < labels.length; k++) {
        for (let clip = 0; clip < (k === 0 ? 4 : 8); clip++) {
          truth.push(k);
          predicted.push(next() < recall[k] ? k : Math.floor(next() * labels.length));
        }
      }
    }
    return { name: `fold ${fold + 1} test (actors ${actors.join(', ')})`, loss: 1.1 + 0.1 * fold, metrics: classificationMetrics(truth, predicted, labels) };
  });
}

/** A log-Mel-like picture per label: harmonics whose spacing and position depend on the label. */
export function examples({ labels = [...RAVDESS_EMOTIONS] }: FixtureOptions = {}): ExampleSpectrogram[] {
  const config = featureConfig({ kind: 'logmel', nMels: 64 });
  const frames = 188;
  return labels.map((label, k) => {
    const values = new Float32Array(config.nMels * frames);
    for (let band = 0; band < config.nMels; band++) {
      for (let t = 0; t < frames; t++) {
        const voiced = t > 20 && t < 160 ? 1 : 0;
        const harmonic = Math.cos((band * (0.6 + 0.08 * k)) + t * 0.02 * (k + 1)) ** 8;
        values[band * frames + t] = -80 + voiced * (60 * harmonic + 20 * Math.exp(-band / 20)) + 5 * Math.sin(t + band);
      }
    }
    return { label, source: `Actor_0${(k % 9) + 1}/03-01-0${k + 1}-01-01-01-0${(k % 9) + 1}.flac`, values, frames, config };
  });
}

/** Writes the run's files into `dir`; `without` leaves some of them out. */
export function writeRunFixture(dir: string, options: FixtureOptions & { without?: (keyof typeof RUN_FILES)[] } = {}): void {
  mkdirSync(dir, { recursive: true });
  const skip = new Set(options.without ?? []);
  if (!skip.has('info')) writeFileSync(join(dir, RUN_FILES.info), JSON.stringify(runInfo(options), null, 2));
  if (!skip.has('metrics')) writeFileSync(join(dir, RUN_FILES.metrics), epochRecords(options).map((r) => JSON.stringify(r)).join('\n') + '\n');
  if (!skip.has('evaluation')) writeFileSync(join(dir, RUN_FILES.evaluation), JSON.stringify(evaluations(options), null, 2));
  if (!skip.has('examples')) writeExamples(join(dir, RUN_FILES.examples), examples(options));
}
