// The report of an evaluation alone (`ser-gpu evaluate --report FILE`): one self-contained HTML file
// with the metrics, the per-class table, the confusion matrix and the per-class chart.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EvaluationRecord } from '../app/run-files.js';
import { writeFileAtomic } from '../io/atomic.js';
import { h, page } from './html.js';
import { evaluationPlots } from './plots.js';
import { evaluationSection, settingsTable } from './sections.js';

export interface EvaluationReportContext {
  /** The command line, as typed. */
  command?: string;
  /** The model folder evaluated. */
  model?: string;
  /** The --data paths. */
  data?: string[];
  /** Anything else worth showing (label map, backend, versions), as a settings table. */
  settings?: Record<string, unknown>;
}

export async function evaluationReportHtml(evaluations: readonly EvaluationRecord[], context: EvaluationReportContext = {}): Promise<string> {
  if (evaluations.length === 0) throw new Error('evaluation report: no evaluation to report');
  const plots = await evaluationPlots(evaluations);
  const settings = { ...(context.model !== undefined && { model: context.model }), ...(context.data !== undefined && { data: context.data }), ...context.settings };
  const title = context.model ? `Evaluation of ${context.model}` : 'Evaluation';
  return page(`ser-gpu ${title}`, [
    h('h1', {}, title),
    h('p', { class: 'muted' }, `${evaluations.length === 1 ? evaluations[0].name : `${evaluations.length} evaluations`} · written ${new Date().toISOString()}`),
    context.command ? h('pre', {}, context.command) : null,
    Object.keys(settings).length > 0 ? h('section', { id: 'settings' }, h('h2', {}, 'Settings'), settingsTable(settings)) : null,
    h('section', { id: 'evaluation' }, h('h2', {}, 'Metrics'), evaluationSection(evaluations, plots)),
    h('footer', {}, 'WA: accuracy over all clips. UA: the mean over the classes present of each class\u2019s recall.'),
  ]);
}

/** Writes `file` atomically (its folder is created if missing). */
export async function writeEvaluationReport(file: string, evaluations: readonly EvaluationRecord[], context: EvaluationReportContext = {}): Promise<string> {
  const html = await evaluationReportHtml(evaluations, context);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, html);
  return file;
}
