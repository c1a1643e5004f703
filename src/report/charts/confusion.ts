// The confusion matrix twice, side by side: counts, and each row divided by its true-class total (the
// diagonal is then each class's recall). Values are written in the cells.
import type { TopLevelSpec } from 'vega-lite';
import type { ClassificationMetrics } from '../../eval/metrics.js';

interface Cell {
  truth: string;
  predicted: string;
  count: number;
  /** count / support of the row; null for a class with no clips. */
  rate: number | null;
  rateText: string;
}

function cells({ labels, confusion }: ClassificationMetrics): Cell[] {
  return labels.flatMap((truth, t) => {
    const support = confusion[t].reduce((a, b) => a + b, 0);
    return labels.map((predicted, p) => {
      const count = confusion[t][p];
      const rate = support > 0 ? count / support : null;
      return { truth, predicted, count, rate, rateText: rate === null ? '–' : `${Math.round(rate * 100)}%` };
    });
  });
}

/** Cell size: room for "100%" and a 3-digit count; few classes get bigger cells, so titles and legend fit. */
const CELL = 46;
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
const MIN_PANEL = 300;

export function confusionSpec(metrics: ClassificationMetrics, name: string): TopLevelSpec {
  const { labels } = metrics;
  const values = cells(metrics);
  const maxCount = Math.max(1, ...values.map((c) => c.count));
  const axes = {
    x: { field: 'predicted', type: 'ordinal' as const, sort: labels, title: 'predicted', axis: { labelAngle: -40, labelLimit: 110 } },
    y: { field: 'truth', type: 'ordinal' as const, sort: labels, title: 'true', axis: { labelLimit: 110 } },
  };
  const side = Math.max(CELL * labels.length, MIN_PANEL);
  const size = { width: side, height: side };
  const panel = (title: string, colorField: 'count' | 'rate', domainMax: number, textField: 'count' | 'rateText', legendFormat: string) => ({
    ...size,
    title,
    encoding: axes,
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: colorField,
            type: 'quantitative' as const,
            title: null,
            // ColorBrewer Blues from its near-white end (vega's "blues" starts at a light blue), so empty
            // cells stand apart from cells of one or two clips.
            scale: { range: BLUES, domain: [0, domainMax] },
            legend: { format: legendFormat, gradientLength: size.height - 20 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: labels.length > 10 ? 10 : 12 },
        encoding: {
          text: { field: textField, type: textField === 'count' ? 'quantitative' : 'nominal' },
          // Dark text on light cells, white on dark ones.
          color: { condition: { test: `datum.${colorField} > ${domainMax * 0.55}`, value: 'white' }, value: '#222' },
        },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Confusion matrix', subtitle: `${name} · ${metrics.total} clips` },
    data: { values },
    hconcat: [panel('counts', 'count', maxCount, 'count', 'd'), panel('row-normalised (recall per true class)', 'rate', 1, 'rateText', '.0%')],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}
