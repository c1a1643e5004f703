// The text report of a benchmark result: header, ceiling, kernel table with ceiling fractions and the rows far
// from it, the suites, and the peer ratio table.
import { FAR_FRACTION } from './kernels/index.js';
import { isBandwidthCeiling } from './kernels/ceiling-cases.js';
import { formatSpread, type Timing } from './measure.js';
import { isSkipped } from './peers.js';
import type { BenchResult } from './run.js';
import { formatSystem, loadNote } from './system.js';
import type { PeerRow } from './train.js';

export function formatBench(r: BenchResult): string {
  const out = [formatSystem(r.system), `clock     ${r.clock}`, `repeats   ${r.repeats} timed after a warm-up; median ± half the min-max range`, ''];
  out.push(formatCeiling(r), '');
  if (r.suites.includes('kernels')) out.push(formatKernels(r), '');
  if (r.features) out.push(formatFeatures(r), '');
  if (r.train) out.push(formatTrain(r), '');
  if (r.infer) out.push(formatInfer(r), '');
  if (r.peers.requested) out.push(formatPeers(r), '');
  out.push(loadNote(r.system.load.end ?? r.system.load.start, r.system.cpu.cores) + ' (end of run)');
  return out.join('\n') + '\n';
}

const ms = (t: Timing | undefined) => (t ? `${fixed(t.median)} ms ${formatSpread(t)}` : '-');
const fixed = (v: number) => v.toFixed(v < 1 ? 3 : v < 10 ? 2 : 1);
const rate = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(v < 10 ? 2 : 1));

function formatCeiling(r: BenchResult): string {
  const c = r.kernels.ceiling;
  const failed = r.kernels.rows.filter((row) => row.kernel.startsWith('ceiling:') && row.validation !== 'ok');
  return [
    'ceiling (measured first, validated against float64)',
    `  FMA peak         ${c.gflops === null ? 'not measured' : `${rate(c.gflops)} GFLOP/s`}`,
    `  bandwidth        ${c.gbps === null ? 'not measured' : `${rate(c.gbps)} GB/s (${c.gbpsFrom?.replace('ceiling: ', '')}; the best of the three bandwidth rows)`}`,
    ...r.kernels.rows.filter((row) => isBandwidthCeiling(row.kernel) && row.rate !== undefined).map((row) => `    ${row.kernel.replace('ceiling: ', '').padEnd(30)} ${rate(row.rate)} GB/s  ${row.shape}`),
    `  machine balance  ${c.gflops && c.gbps ? `${(c.gflops / c.gbps).toFixed(1)} FLOP/byte: compute rows below it are bandwidth-bound (the roofline)` : '-'}`,
    `  tiny dispatch    ${c.dispatchMs === null ? 'not measured' : `${(1000 * c.dispatchMs).toFixed(1)} µs per ${r.system.backend === 'cpu' ? 'gpu.js kernel call' : 'dispatch, back to back in one pass'}`}`,
    ...failed.map((row) => `  ${row.kernel}: VALIDATION FAILED, not timed: ${row.validation}`),
  ].join('\n');
}

export function table(header: string[], rows: string[][], numeric: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function formatKernels(r: BenchResult): string {
  const rows = r.kernels.rows.filter((row) => !row.kernel.startsWith('ceiling:'));
  const cells = rows.map((row) =>
    row.validation !== 'ok'
      ? [row.kernel, row.shape, 'VALIDATION FAILED, not timed', '', '', '', '', row.validation]
      : [
          row.kernel,
          row.shape,
          ms(row.ms),
          `${rate(row.rate)} ${row.unit}`,
          row.fraction === undefined ? '-' : `${(100 * row.fraction).toFixed(row.fraction < 0.1 ? 1 : 0)}% ${row.bound === 'flops' ? 'FLOP' : row.unit === 'GFLOP/s' ? `BW (${row.intensity!.toFixed(1)} F/B)` : 'BW'}`,
          `${row.clock}${row.calls && row.calls > 1 ? ` x${row.calls}` : ''}`,
          row.dispatches === undefined ? '-' : String(row.dispatches),
          row.variant,
        ],
  );
  const far = rows.filter((row) => row.far);
  const lines = [
    'kernels (each validated against its float64 reference on a small shape running the same pipelines, then timed)',
    table(['kernel', 'shape', 'ms/call', 'rate', 'of ceiling', 'clock', 'disp', 'tiling (pipeline key)'], cells, new Set([2, 3, 4, 6])),
    '  of ceiling: FLOP = of the FMA peak; BW = of the bandwidth ceiling (F/B: a compute row whose FLOPs per byte put it under the roofline)',
    '  clock gpu = timestamp-query over the pass; wall = wall clock + full sync; x N = N back-to-back calls per measurement; disp = dispatches per call',
  ];
  if (far.length) {
    lines.push('', `far from the ceiling (below ${100 * FAR_FRACTION}% of the bound's peak):`);
    for (const row of far) lines.push(`  ${row.kernel} (${(100 * row.fraction!).toFixed(1)}%): ${row.far}`);
  }
  if (r.kernels.families) {
    lines.push('', `families timed: ${r.kernels.families.covered.join(', ')}`);
    if (r.kernels.families.missing.length) lines.push(`families not timed: ${r.kernels.families.missing.join(', ')}`);
  }
  return lines.join('\n');
}

function formatFeatures(r: BenchResult): string {
  const f = r.features!;
  if (isSkipped(f)) return `features: skipped: ${f.skipped}`;
  const stage = (name: string, s: typeof f.logmel) =>
    s.validation !== 'ok' || s.seconds === undefined
      ? [name, 'VALIDATION FAILED, not timed', '', '', s.validation]
      : [name, `${s.seconds.toFixed(2)} s`, rate(s.clipsPerSecond), `${s.realTime!.toFixed(0)}x`, s.warmupSeconds === undefined ? '' : `+ ${s.warmupSeconds.toFixed(2)} s warm-up (pipelines, first batch, validation)`];
  return [
    `features: ${f.clips} clips, ${f.audioSeconds.toFixed(0)} s of audio at ${f.config.sampleRate} Hz, n_fft ${f.config.nFft}, hop ${f.config.hop}, ${f.config.nMels} Mel, ${f.config.nMfcc} MFCC`,
    table(['stage', 'wall', 'clips/s', 'x real time', 'note'], [
      stage(`decode (${f.decode.threads} threads)`, f.decode),
      stage('STFT -> Mel -> dB', f.logmel),
      stage('STFT -> Mel -> dB -> MFCC', f.mfcc),
    ], new Set([1, 2, 3])),
    '  first clip of each stage checked against the float64 reference chain before timing',
  ].join('\n');
}

function formatTrain(r: BenchResult): string {
  const t = r.train!;
  const head = `train: default model, batch [${t.shape.batch}, 1, ${t.shape.mels}, ${t.shape.frames}], ${t.shape.classes} classes, ${t.optimizer}`;
  if (t.validation !== 'ok' || !t.step || !t.epoch) return `${head}\n  VALIDATION FAILED, not timed: ${t.validation}`;
  return [
    head,
    '  validation: first loss against the float64 reference forward of the same weights: ok',
    `  one step    ${ms(t.step.ms)} (waited for), ${rate(t.step.clipsPerSecond)} clips/s back to back` +
      (t.step.peakBytes === null ? '' : `, peak GPU memory ${(t.step.peakBytes / 2 ** 20).toFixed(1)} MiB, ${t.step.dispatches} dispatches/step`),
    `  one epoch   ${t.epoch.clips} clips (${t.epoch.steps} steps, uploaded from the host) in ${t.epoch.seconds.toFixed(2)} s: ${rate(t.epoch.clipsPerSecond)} clips/s`,
  ].join('\n');
}

function formatInfer(r: BenchResult): string {
  const i = r.infer!;
  const head = 'infer: default model, eval forward (Model.predictLogits) + softmax, read back';
  if (i.validation !== 'ok') return `${head}\n  VALIDATION FAILED, not timed: ${i.validation}`;
  return [
    head,
    '  validation: logits of one clip, alone and inside the batch, against the float64 reference forward: ok',
    `  warm latency, 1 clip    ${ms(i.warm?.ms)}`,
    `  batch of ${String(i.batch).padEnd(14)} ${ms(i.throughput?.ms)}: ${rate(i.throughput?.clipsPerSecond)} clips/s`,
    `  cold latency, 1 clip    ${'unavailable' in i.cold ? `not available: ${i.cold.unavailable}` : `${ms(i.cold.ms)} (${i.cold.command})`}`,
  ].join('\n');
}

/** Ratio rows: ser-gpu / peer for throughput (above 1: ser-gpu is faster), peer / ser-gpu for latency. */
export interface RatioRow {
  suite: string;
  figure: string;
  ours: string;
  peer: string;
  theirs: string;
  ratio: number | null;
  note: string;
}

export function peerRatios(r: BenchResult): RatioRow[] {
  const rows: RatioRow[] = [];
  const throughput = (suite: string, figure: string, ours: number | undefined, p: PeerRow, target?: number) => {
    const ok = p.validation.startsWith('ok') && p.clipsPerSecond !== undefined && ours !== undefined;
    const ratio = ok ? ours! / p.clipsPerSecond! : null;
    rows.push({
      suite, figure, ours: ours === undefined ? '-' : `${rate(ours)} clips/s`, peer: p.name, theirs: ok ? `${rate(p.clipsPerSecond)} clips/s` : '-', ratio,
      note: !ok ? (p.skipped ? `skipped: ${p.validation}` : p.validation.startsWith('ok') ? '' : `not timed: ${p.validation}`) : target ? `target >= ${target}x: ${ratio! >= target ? 'met' : 'NOT met'}` : '',
    });
  };
  const tfjsTarget = (p: PeerRow, target: number) => (p.name.startsWith('TensorFlow') ? target : undefined);
  for (const row of r.kernels.rows.filter((k) => k.peer)) {
    const p = row.peer!;
    rows.push({ suite: 'kernels', figure: row.kernel, ours: `${fixed(p.oursWallMs)} ms`, peer: p.name, theirs: `${fixed(p.ms)} ms`, ratio: p.ms / p.oursWallMs, note: 'wall clock both' });
  }
  if (r.features && !isSkipped(r.features)) for (const p of r.features.peers) throughput('features', 'STFT -> Mel -> dB', r.features.logmel.clipsPerSecond, p);
  if (r.train) for (const p of r.train.peers) throughput('train', `step, batch ${r.train.shape.batch}`, r.train.step?.clipsPerSecond, p, tfjsTarget(p, 10));
  if (r.infer) {
    for (const p of r.infer.peers) {
      throughput('infer', `batch ${r.infer.batch}`, r.infer.throughput?.clipsPerSecond, p, tfjsTarget(p, 3));
      const ours = r.infer.warm?.ms.median;
      if (p.latencyMs !== undefined && ours !== undefined) {
        const ratio = p.latencyMs / ours;
        const target = tfjsTarget(p, 3);
        rows.push({ suite: 'infer', figure: 'warm latency, 1 clip', ours: `${fixed(ours)} ms`, peer: p.name, theirs: `${fixed(p.latencyMs)} ms`, ratio, note: target ? `target >= ${target}x: ${ratio >= target ? 'met' : 'NOT met'}` : '' });
      }
    }
  }
  return rows;
}

function formatPeers(r: BenchResult): string {
  const rows = peerRatios(r);
  if (rows.length === 0) return 'peers: none ran';
  return [
    'peers (same run, same weights and inputs; ratio = ser-gpu / peer for throughput, peer / ser-gpu for time: above 1 ser-gpu is faster)',
    table(['suite', 'figure', 'ser-gpu', 'peer', 'peer figure', 'ratio', 'note'], rows.map((x) => [x.suite, x.figure, x.ours, x.peer, x.theirs, x.ratio === null ? '-' : `${x.ratio.toFixed(2)}x`, x.note]), new Set([2, 4, 5])),
  ].join('\n');
}
