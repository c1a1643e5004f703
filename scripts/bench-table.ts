// Markdown tables of the saved benchmark results (bench/results/*.json, written by `ser-gpu bench --json`), for
// the README: one summary row per result, then every kernel row's rate and ceiling fraction side by side.
// Usage: npx tsx scripts/bench-table.ts [results folder or files...]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { machineName, readBenchResult } from '../src/bench/compare.js';
import { peerRatios } from '../src/bench/format.js';
import { DISPATCH_COST } from '../src/bench/kernels/ceiling-cases.js';
import { isSkipped } from '../src/bench/peers.js';
import { RESULT_SCHEMA, type BenchResult } from '../src/bench/run.js';
import { PACKAGE_ROOT } from '../src/gpu/shaders.js';

const args = process.argv.slice(2);
// A folder's bench results: the PyTorch recipe peer's cross-validation files live beside them.
const isBenchResult = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { schema?: string }).schema === RESULT_SCHEMA;
const paths = (args.length ? args : [join(PACKAGE_ROOT, 'bench', 'results')]).flatMap((p) =>
  statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)).filter(isBenchResult) : [p],
);
if (paths.length === 0) throw new Error('bench-table: no result files (run `ser-gpu bench --json bench/results/<machine>.json`)');
// WebGPU results first, then the gpu.js fallbacks.
const results = paths.map((p) => ({ path: p, r: readBenchResult(p) })).sort((x, y) => Number(x.r.system.backend === 'cpu') - Number(y.r.system.backend === 'cpu'));

const n = (v: number | undefined | null, digits = 1) => (v === undefined || v === null ? '–' : v.toFixed(v < 10 ? Math.max(digits, 2) : digits));
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const ratio = (r: BenchResult, suite: string, peer: string, figure?: string) => {
  const found = peerRatios(r).find((x) => x.suite === suite && x.peer.startsWith(peer) && (!figure || x.figure.startsWith(figure)) && x.ratio !== null);
  return found ? `${found.ratio!.toFixed(2)}×` : '–';
};

const lines = [
  row(['machine', 'backend', 'load (1 min, start → end)', 'FMA peak GFLOP/s', 'bandwidth GB/s', 'train step ms (batch)', 'train clips/s', 'epoch clips/s', 'peak MiB', 'infer 1 clip ms', 'infer clips/s (batch)', 'cold ms', 'log-Mel clips/s', '× tfjs train', '× tfjs infer', '× torch train']),
  row(Array(16).fill('---')),
];
for (const { r } of results) {
  const load = `${r.system.load.start[0].toFixed(1)} → ${(r.system.load.end ?? r.system.load.start)[0].toFixed(1)} on ${r.system.cpu.cores} cores`;
  const t = r.train;
  const i = r.infer;
  const f = r.features && !isSkipped(r.features) ? r.features : null;
  lines.push(row([
    machineName(r),
    r.system.backend,
    load,
    n(r.kernels.ceiling.gflops),
    n(r.kernels.ceiling.gbps),
    t?.step ? `${n(t.step.ms.median, 0)} (${t.shape.batch})` : '–',
    n(t?.step?.clipsPerSecond),
    n(t?.epoch?.clipsPerSecond),
    t?.step?.peakBytes ? n(t.step.peakBytes / 2 ** 20) : '–',
    n(i?.warm?.ms.median),
    i?.throughput ? `${n(i.throughput.clipsPerSecond)} (${i.batch})` : '–',
    i && 'ms' in i.cold ? n(i.cold.ms.median, 0) : '–',
    n(f?.logmel.clipsPerSecond, 0),
    ratio(r, 'train', 'TensorFlow'),
    ratio(r, 'infer', 'TensorFlow', 'batch'),
    ratio(r, 'train', 'torch'),
  ]));
}

// Kernel rows by name (and shape, for a name a result times at several shapes), in the first result's order.
const repeated = new Set(results.flatMap(({ r }) => r.kernels.rows.map((k) => k.kernel).filter((name, i, all) => all.indexOf(name) !== i)));
const keyOf = (k: BenchResult['kernels']['rows'][number]) => (repeated.has(k.kernel) ? `${k.kernel} ${k.shape}` : k.kernel);
const names = [...new Set(results.flatMap(({ r }) => r.kernels.rows.map(keyOf)))];
lines.push('', row(['kernel', ...results.map(({ r }) => `${machineName(r)}, ${r.system.backend}`)]), row(Array(results.length + 1).fill('---')));
for (const name of names) {
  lines.push(row([name, ...results.map(({ r }) => {
    const k = r.kernels.rows.find((x) => keyOf(x) === name);
    if (!k) return '–';
    if (k.validation !== 'ok') return 'validation failed';
    if (k.kernel === DISPATCH_COST) return `${n(1000 * k.ms!.median)} µs`;
    return `${n(k.rate)} ${k.unit}${k.fraction === undefined ? '' : ` (${(100 * k.fraction).toFixed(0)}%)`}`;
  })]));
}
process.stdout.write(lines.join('\n') + '\n');
