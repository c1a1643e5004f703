// The parts of a report page, shared by the run report and the evaluation report.
import type { EpochRecord, EvaluationRecord, SplitRecord } from '../app/run-files.js';
import { actorRanges, fixed, percent, rate } from './format.js';
import { meanStd } from '../eval/metrics.js';
import { fragment, h, svgImage, type Child, type Html } from './html.js';
import type { EvaluationPlots, Plot } from './plots.js';

export function cards(items: readonly { label: string; value: string; title?: string }[]): Html {
  return h('div', { class: 'cards' }, items.map(({ label, value, title }) => h('div', { class: 'card', title }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label))));
}

export function notes(lines: readonly string[]): Html {
  return fragment(lines.map((line) => h('p', { class: 'note' }, line)));
}

export function figure(plot: Plot, caption?: string): Html {
  return h('figure', { id: `plot-${plot.name}` }, svgImage(plot.svg, plot.title), caption ? h('figcaption', {}, caption) : null);
}

/** A table of text-or-number cells; `numeric` columns align right. */
function table(head: readonly string[], rows: readonly Child[][], options: { numeric?: (column: number) => boolean; rowClass?: (row: number) => string | undefined; foot?: Child[]; className?: string } = {}): Html {
  const numeric = options.numeric ?? ((column) => column > 0);
  const cell = (tag: 'td' | 'th', column: number, content: Child) => h(tag, { class: numeric(column) ? undefined : 'text' }, content);
  return h(
    'table',
    { class: options.className },
    h('thead', {}, h('tr', {}, head.map((title, c) => cell('th', c, title)))),
    h('tbody', {}, rows.map((row, r) => h('tr', { class: options.rowClass?.(r) }, row.map((content, c) => cell('td', c, content))))),
    options.foot ? h('tfoot', {}, h('tr', {}, options.foot.map((content, c) => cell('td', c, content)))) : null,
  );
}

/** Settings as a two-column table; nested values as compact JSON, long ones folded away. */
export function settingsTable(settings: Record<string, unknown>): Html {
  const value = (v: unknown): Child => {
    if (v === null || v === undefined) return '–';
    if (typeof v !== 'object') return String(v);
    if (Array.isArray(v) && v.every((item) => typeof item !== 'object')) return v.length > 0 ? v.join(', ') : 'none';
    const compact = JSON.stringify(v);
    if (compact.length <= 90) return h('code', {}, compact);
    return h('details', {}, h('summary', {}, `${compact.slice(0, 70)}…`), h('pre', {}, JSON.stringify(v, null, 2)));
  };
  return table(['setting', 'value'], Object.entries(settings).map(([key, v]) => [key, value(v)]), { numeric: () => false, className: 'settings' });
}

export function splitTable(splits: readonly SplitRecord[]): Html {
  const part = (actors: readonly number[]) => (actors.length === 0 ? 'none' : `${actorRanges(actors)} (${actors.length})`);
  const rows = splits.map((s, k) => [...(splits.length > 1 ? [`fold ${k + 1}`] : []), part(s.train), part(s.val), part(s.test)]);
  const head = [...(splits.length > 1 ? ['fold'] : []), 'train actors', 'validation actors', 'test actors'];
  return fragment(
    table(head, rows, { numeric: () => false }),
    h('p', { class: 'muted' }, 'Speaker-independent: no actor is in two parts of a fold. The number of actors is in brackets.'),
  );
}

/** The epoch with the highest validation UA (null without validation). */
function bestEpoch(epochs: readonly EpochRecord[]): EpochRecord | null {
  let best: EpochRecord | null = null;
  for (const e of epochs) if (e.valUA !== null && (best === null || e.valUA > (best.valUA ?? -1))) best = e;
  return best;
}

/** Longer tables start folded, so the evaluation below stays in reach. */
const OPEN_TABLE_ROWS = 40;

export function epochTables(epochs: readonly EpochRecord[]): Html {
  const folds = [...new Set(epochs.map((e) => e.fold))].sort((a, b) => a - b);
  const head = ['epoch', 'step', 'train loss', 'train WA', 'val loss', 'val WA', 'val UA', 'learning rate', 'seconds'];
  return fragment(
    folds.map((fold) => {
      const rows = epochs.filter((e) => e.fold === fold).sort((a, b) => a.epoch - b.epoch);
      const best = bestEpoch(rows);
      const summary =
        `${folds.length > 1 ? `fold ${fold + 1}: ` : ''}${rows.length} epoch${rows.length === 1 ? '' : 's'}` +
        (best ? `, best validation UA ${percent(best.valUA)} at epoch ${best.epoch}` : ', no validation actors');
      return h(
        'details',
        { open: epochs.length <= OPEN_TABLE_ROWS },
        h('summary', {}, summary),
        table(
          head,
          rows.map((e) => [e.epoch, e.step, fixed(e.trainLoss), percent(e.trainWA), fixed(e.valLoss), percent(e.valWA), percent(e.valUA), rate(e.lr), e.seconds.toFixed(1)]),
          { rowClass: (r) => (rows[r] === best ? 'best' : undefined) },
        ),
      );
    }),
    h('p', { class: 'muted' }, `WA: accuracy over all clips. UA: the mean over classes of each class\u2019s recall.${epochs.some((e) => e.valUA !== null) ? ' Highlighted: the epoch with the highest validation UA.' : ''}`),
  );
}

/** Several evaluations (one per fold): a summary table with mean ± std, then each one in full. */
export function evaluationSection(evaluations: readonly EvaluationRecord[], plots: readonly EvaluationPlots[]): Html {
  const many = evaluations.length > 1;
  let overview: Html | null = null;
  if (many) {
    const wa = meanStd(evaluations.map((e) => e.metrics.wa));
    const ua = meanStd(evaluations.map((e) => e.metrics.ua));
    const loss = meanStd(evaluations.map((e) => e.loss));
    overview = table(
      ['evaluation', 'WA', 'UA', 'loss', 'clips'],
      evaluations.map((e) => [e.name, percent(e.metrics.wa), percent(e.metrics.ua), fixed(e.loss), e.metrics.total]),
      { foot: ['mean ± std', `${percent(wa.mean)} ± ${percent(wa.std)}`, `${percent(ua.mean)} ± ${percent(ua.std)}`, `${fixed(loss.mean)} ± ${fixed(loss.std)}`, evaluations.reduce((n, e) => n + e.metrics.total, 0)] },
    );
  }
  return fragment(
    overview,
    evaluations.map((evaluation, i) => {
      const { metrics } = evaluation;
      return fragment(
        many || evaluation.name ? h('h3', {}, evaluation.name) : null,
        cards([
          { label: 'WA (accuracy)', value: percent(metrics.wa) },
          { label: 'UA (mean recall)', value: percent(metrics.ua) },
          { label: 'loss', value: fixed(evaluation.loss) },
          { label: 'clips', value: String(metrics.total) },
        ]),
        metrics.missing.length > 0 ? notes([`No clips of ${metrics.missing.join(', ')}: left out of UA; their recall is undefined.`]) : null,
        h(
          'div',
          { class: 'side-by-side' },
          table(
            ['class', 'precision', 'recall', 'F1', 'support'],
            metrics.perClass.map((c) => [c.label, c.support > 0 ? percent(c.precision) : '–', c.support > 0 ? percent(c.recall) : '–', c.support > 0 ? percent(c.f1) : '–', c.support]),
          ),
          plots[i] ? figure(plots[i].perClass) : null,
        ),
        plots[i] ? figure(plots[i].confusion, 'Rows: the true class; columns: the prediction. Right: each row divided by its number of clips, so the diagonal is each class\u2019s recall.') : null,
      );
    }),
  );
}

export function examplesGrid(plots: readonly Plot[]): Html {
  return h('div', { class: 'grid' }, plots.map((plot) => figure(plot)));
}
