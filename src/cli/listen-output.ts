// What `ser-gpu listen` prints: a line a person can watch per estimate, the per-hop work time (--verbose) and a
// summary of the latencies with the machine's load, since other processes share its cores.
import { availableParallelism, loadavg } from 'node:os';
import type { HopTiming, StreamEstimate } from '../app/listen.js';

const BAR_WIDTH = 12;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `fraction` (0..1) of BAR_WIDTH cells, in eighths, padded to the full width. */
function bar(fraction: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH * 8);
  const text = '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
  return text.padEnd(BAR_WIDTH);
}

const span = (e: StreamEstimate) => `${e.start.toFixed(2).padStart(6)}-${e.end.toFixed(2)} s`;

/** "  0.00-3.01 s  angry      62% ███████▍     calm 20%, happy 8%" or "... no speech (-71 dBFS)". */
export function liveLine(e: StreamEstimate): string {
  if (!e.speech || !e.probabilities) return `${span(e)}  no speech (${e.level.toFixed(0)} dBFS)`;
  const [top, ...rest] = Object.entries(e.probabilities).sort((a, b) => b[1] - a[1]);
  const percent = (p: number) => `${(100 * p).toFixed(0)}%`;
  const others = rest.slice(0, 2).map(([label, p]) => `${label} ${percent(p)}`).join(', ');
  return `${span(e)}  ${top[0].padEnd(10)} ${percent(top[1]).padStart(4)} ${bar(top[1])} ${others}`;
}

export function hopReport(e: StreamEstimate, t: HopTiming): string {
  const load = loadavg()[0].toFixed(2);
  return `hop ${span(e)}: ${t.totalMs.toFixed(1)} ms (features ${t.featuresMs.toFixed(1)} ms for ${t.frames} frames, model ${t.modelMs.toFixed(1)} ms), load ${load}`;
}

export class LatencySummary {
  private readonly latencies: number[] = [];
  private readonly speechLatencies: number[] = [];
  private audioEnd = 0;

  add(e: StreamEstimate, t: HopTiming): void {
    this.latencies.push(t.totalMs);
    if (e.speech) this.speechLatencies.push(t.totalMs);
    this.audioEnd = e.end;
  }

  text(): string {
    const stats = (values: number[]) => {
      if (values.length === 0) return 'none';
      const sorted = [...values].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
      return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
    };
    const work = this.latencies.reduce((a, b) => a + b, 0) / 1000;
    const [one, five] = loadavg();
    return [
      `listen: ${this.latencies.length} hops, work per hop ${stats(this.latencies)}; hops with speech (model run): ${stats(this.speechLatencies)}`,
      `listen: ${this.audioEnd.toFixed(2)} s of audio in ${work.toFixed(2)} s of work (${work > 0 ? (this.audioEnd / work).toFixed(1) : '-'}x real time); load average ${one.toFixed(2)} (5 min ${five.toFixed(2)}) on ${availableParallelism()} cores`,
    ].join('\n');
  }
}
