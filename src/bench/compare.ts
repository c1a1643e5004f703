// `ser-gpu bench --compare a.json b.json`: two results side by side (two machines, or WebGPU and gpu.js on one),
// row by row where both have the row, with b's speed relative to a's.
import { readFileSync } from 'node:fs';
import { table } from './format.js';
import { isSkipped } from './peers.js';
import { RESULT_SCHEMA, type BenchResult } from './run.js';

export function readBenchResult(path: string): BenchResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not a readable JSON file (${(error as Error).message})`);
  }
  const r = parsed as Partial<BenchResult>;
  if (r.schema !== RESULT_SCHEMA) throw new Error(`${path}: not a ser-gpu bench result (schema ${JSON.stringify(r.schema)}, expected ${RESULT_SCHEMA})`);
  return r as BenchResult;
}

/** A short name of where a result ran. */
export function machineName(r: BenchResult): string {
  const a = r.system.adapter;
  return a ? a.description || a.device || a.vendor : `${r.system.backendName} on ${r.system.cpu.model}`;
}

const num = (v: number | undefined | null, unit = '') => (v === undefined || v === null ? '-' : `${v.toFixed(v < 1 ? 3 : v < 10 ? 2 : 1)}${unit}`);
/** b relative to a for a figure where more is better. */
const speed = (a: number | undefined | null, b: number | undefined | null) => (a && b ? `${(b / a).toFixed(b / a < 0.1 ? 4 : 2)}x` : '-');

export function formatCompare(a: BenchResult, b: BenchResult, names: [string, string]): string {
  const load = (r: BenchResult) => (r.system.load.end ?? r.system.load.start).map((l) => l.toFixed(2)).join(', ');
  const lines = [
    `a: ${names[0]}: ${machineName(a)} [${a.system.backend}], ${a.date}, load ${load(a)} on ${a.system.cpu.cores} cores`,
    `b: ${names[1]}: ${machineName(b)} [${b.system.backend}], ${b.date}, load ${load(b)} on ${b.system.cpu.cores} cores`,
    '(b / a: above 1, b is faster; kernel rows compare rates, since the backends may time different shapes)',
    '',
  ];
  const rows: string[][] = [
    ['FMA peak', num(a.kernels.ceiling.gflops, ' GFLOP/s'), num(b.kernels.ceiling.gflops, ' GFLOP/s'), speed(a.kernels.ceiling.gflops, b.kernels.ceiling.gflops)],
    ['bandwidth', num(a.kernels.ceiling.gbps, ' GB/s'), num(b.kernels.ceiling.gbps, ' GB/s'), speed(a.kernels.ceiling.gbps, b.kernels.ceiling.gbps)],
  ];
  // Rows pair up by name and shape, else by a name each result has once (the backends time different shapes).
  const named = (r: BenchResult, kernel: string) => r.kernels.rows.filter((x) => x.kernel === kernel);
  for (const ra of a.kernels.rows) {
    const candidates = named(b, ra.kernel);
    const rb = candidates.find((x) => x.shape === ra.shape) ?? (candidates.length === 1 && named(a, ra.kernel).length === 1 ? candidates[0] : undefined);
    if (!rb || ra.kernel.startsWith('ceiling:')) continue;
    const cell = (r: typeof ra) => (r.validation !== 'ok' ? 'FAILED' : `${num(r.rate)} ${r.unit}${r.fraction === undefined ? '' : ` (${(100 * r.fraction).toFixed(0)}%)`}`);
    rows.push([ra.shape === rb.shape ? ra.kernel : `${ra.kernel} (${ra.shape} | ${rb.shape})`, cell(ra), cell(rb), speed(ra.rate, rb.rate)]);
  }
  const feature = (r: BenchResult, stage: 'decode' | 'logmel' | 'mfcc') => (r.features && !isSkipped(r.features) ? r.features[stage].clipsPerSecond : undefined);
  for (const stage of ['decode', 'logmel', 'mfcc'] as const) {
    const [fa, fb] = [feature(a, stage), feature(b, stage)];
    if (fa !== undefined || fb !== undefined) rows.push([`features: ${stage}`, num(fa, ' clips/s'), num(fb, ' clips/s'), speed(fa, fb)]);
  }
  // Times per step or batch compare only at equal batches; rates always.
  const sameTrainBatch = a.train?.shape.batch === b.train?.shape.batch;
  const pairs: [string, (r: BenchResult) => number | undefined, string, boolean][] = [
    [`train: one step (batch ${a.train?.shape.batch ?? '-'} | ${b.train?.shape.batch ?? '-'})`, (r) => (sameTrainBatch ? r.train?.step?.ms.median : undefined), ' ms', false],
    ['train: step throughput', (r) => r.train?.step?.clipsPerSecond, ' clips/s', true],
    ['train: epoch', (r) => r.train?.epoch?.clipsPerSecond, ' clips/s', true],
    ['train: peak GPU memory', (r) => (r.train?.step?.peakBytes ? r.train.step.peakBytes / 2 ** 20 : undefined), ' MiB', false],
    ['infer: warm latency', (r) => r.infer?.warm?.ms.median, ' ms', false],
    [`infer: throughput (batch ${a.infer?.batch ?? '-'} | ${b.infer?.batch ?? '-'})`, (r) => r.infer?.throughput?.clipsPerSecond, ' clips/s', true],
    ['infer: cold latency', (r) => (r.infer && 'ms' in r.infer.cold ? r.infer.cold.ms.median : undefined), ' ms', false],
  ];
  for (const [name, get, unit, more] of pairs) {
    const [va, vb] = [get(a), get(b)];
    if (va === undefined && vb === undefined) continue;
    rows.push([name, num(va, unit), num(vb, unit), more ? speed(va, vb) : speed(vb, va)]);
  }
  lines.push(table(['figure', 'a', 'b', 'b / a'], rows, new Set([1, 2, 3])));
  return lines.join('\n') + '\n';
}
