// The report of a run directory: DIR/plots/*.png|svg and DIR/report.html, rebuilt from the run's files
// alone (`ser-gpu report DIR`), so it needs no GPU and can be regenerated after the run.
import { basename, join, resolve } from 'node:path';
import { holdsOutNoActor, RUN_FILES } from '../app/run-files.js';
import { writeFileAtomic } from '../io/atomic.js';
import { duration, epochCounts, percent } from './format.js';
import { meanStd } from '../eval/metrics.js';
import { fragment, h, page, type Html } from './html.js';
import { evaluationPlots, examplePlots, trainingCurvesPlot, writePlots, type EvaluationPlots, type Plot } from './plots.js';
import { readRunDirectory } from './read-run.js';
import { cards, epochTables, evaluationSection, examplesGrid, figure, notes, settingsTable, splitTable } from './sections.js';
import type { RunReportInput } from './types.js';

export interface RunReportPlots {
  curves: Plot | null;
  evaluations: EvaluationPlots[];
  examples: Plot[];
}

export async function runReportPlots(input: RunReportInput): Promise<RunReportPlots> {
  return {
    curves: input.epochs.length > 0 ? await trainingCurvesPlot(input.epochs) : null,
    evaluations: await evaluationPlots(input.evaluations),
    examples: examplePlots(input.examples),
  };
}

function headline(input: RunReportInput): Html {
  const { evaluations, epochs, info } = input;
  const items: { label: string; value: string; title?: string }[] = [];
  // A run without test actors is evaluated on its validation actors, or without those on its training actors: say which.
  const part = evaluations.every((e) => /\btest\b/.test(e.name)) ? 'test' : holdsOutNoActor(info.splits) ? 'training-actor' : 'validation';
  if (evaluations.length > 1) {
    const wa = meanStd(evaluations.map((e) => e.metrics.wa));
    const ua = meanStd(evaluations.map((e) => e.metrics.ua));
    const title = `mean ± sample standard deviation over ${evaluations.length} evaluations`;
    items.push({ label: `${part} WA, mean ± std`, value: `${percent(wa.mean)} ± ${percent(wa.std)}`, title }, { label: `${part} UA, mean ± std`, value: `${percent(ua.mean)} ± ${percent(ua.std)}`, title });
  } else if (evaluations.length === 1) {
    items.push({ label: `${part} WA`, value: percent(evaluations[0].metrics.wa) }, { label: `${part} UA`, value: percent(evaluations[0].metrics.ua) });
  }
  const valUAs = epochs.map((e) => e.valUA).filter((v): v is number => v !== null);
  if (valUAs.length > 0) items.push({ label: 'best validation UA', value: percent(Math.max(...valUAs)) });
  if (epochs.length > 0) {
    const { folds, perFold } = epochCounts(epochs);
    items.push({ label: folds > 1 ? `epochs in each of ${folds} folds` : 'epochs', value: perFold });
  }
  if (info.seconds !== undefined) items.push({ label: 'training time', value: duration(info.seconds) });
  return cards(items);
}

export function runReportHtml(input: RunReportInput, plots: RunReportPlots, dir: string): string {
  const { info, epochs, evaluations } = input;
  const name = basename(resolve(dir));
  const sections: [id: string, title: string, body: Html][] = [
    ['settings', 'Settings', settingsTable(info.settings)],
    ['split', info.splits.length > 1 ? `Split: ${info.splits.length} folds by actor` : 'Split', splitTable(info.splits)],
  ];
  if (epochs.length > 0) sections.push(['training', 'Training', fragment(plots.curves ? figure(plots.curves) : null, epochTables(epochs))]);
  if (evaluations.length > 0) sections.push(['evaluation', evaluations.length > 1 ? 'Evaluation (test actors of each fold)' : 'Evaluation', evaluationSection(evaluations, plots.evaluations)]);
  if (plots.examples.length > 0) {
    sections.push(['examples', 'A Mel spectrogram per emotion', fragment(h('p', { class: 'muted' }, 'One clip of each emotion, with the run\u2019s feature settings.'), examplesGrid(plots.examples))]);
  }
  const meta = [
    `started ${info.startedAt}`,
    info.finishedAt ? `finished ${info.finishedAt}` : 'not finished',
    info.backend,
    `labels: ${info.labels.join(', ')}`,
  ];
  return page(`ser-gpu run ${name}`, [
    h('h1', {}, `Training run ${name}`),
    h('p', { class: 'muted' }, meta.join(' · ')),
    h('pre', {}, info.command),
    headline(input),
    input.notes && input.notes.length > 0 ? notes(input.notes) : null,
    h('nav', {}, sections.map(([id, title]) => h('a', { href: `#${id}` }, title))),
    sections.map(([id, title, body]) => h('section', { id }, h('h2', {}, title), body)),
    h('footer', {}, `Written by ser-gpu from ${resolve(dir)} on ${new Date().toISOString()}. `, `Versions: ${Object.entries(info.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`),
  ]);
}

export interface WrittenReport {
  report: string;
  plots: string[];
  notes: string[];
}

/**
 * Reads run directory `dir` and writes DIR/plots/ (a PNG and an SVG of each figure) and DIR/report.html.
 * Everything is drawn before anything is written, and each file is written atomically, so a failure
 * leaves the previous report in place.
 */
export async function writeRunReport(dir: string): Promise<WrittenReport> {
  const input = readRunDirectory(dir);
  const plots = await runReportPlots(input);
  const html = runReportHtml(input, plots, dir);
  const all = [...(plots.curves ? [plots.curves] : []), ...plots.evaluations.flatMap((e) => [e.confusion, e.perClass]), ...plots.examples];
  const written = writePlots(join(dir, RUN_FILES.plots), all);
  const report = join(dir, RUN_FILES.report);
  writeFileAtomic(report, html);
  return { report, plots: written, notes: input.notes ?? [] };
}
