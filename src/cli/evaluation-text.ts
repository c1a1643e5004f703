// An evaluation as a person reads it: the headline metrics, a per-class table and the confusion matrix.
import type { EvaluateResult } from '../app/evaluate.js';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function formatEvaluation(result: EvaluateResult): string {
  const { metrics } = result;
  const width = Math.max(9, ...metrics.labels.map((l) => l.length));
  const lines = [
    `model ${result.model} on ${result.name}`,
    `${metrics.total} clips: WA ${pct(metrics.wa)}, UA ${pct(metrics.ua)}, loss ${result.loss.toFixed(4)}`,
    '',
    `${'class'.padEnd(width)}  precision  recall     F1  clips`,
    ...metrics.perClass.map((c) =>
      `${c.label.padEnd(width)}  ${pct(c.precision).padStart(9)}  ${pct(c.recall).padStart(6)}  ${pct(c.f1).padStart(6)}  ${String(c.support).padStart(5)}`,
    ),
    '',
    'confusion matrix (rows: true class, columns: predicted)',
    `${''.padEnd(width)}  ${metrics.labels.map((l) => l.slice(0, 5).padStart(5)).join(' ')}`,
    ...metrics.confusion.map((row, k) => `${metrics.labels[k].padEnd(width)}  ${row.map((n) => String(n).padStart(5)).join(' ')}`),
  ];
  if (metrics.missing.length) lines.push('', `no clips of: ${metrics.missing.join(', ')} (left out of UA)`);
  if (result.unmapped.length) lines.push('', `not scored, labels the model does not know (use --label-map): ${result.unmapped.map((u) => `${u.label} (${u.clips})`).join(', ')}`);
  if (result.unlabelled) lines.push('', `not scored, no label: ${result.unlabelled} clips`);
  if (result.skipped.length) lines.push('', `skipped ${result.skipped.length} files that could not be decoded:`, ...result.skipped.map((s) => `  ${s.source}: ${s.error}`));
  return lines.join('\n') + '\n';
}
