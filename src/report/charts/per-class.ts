// Precision, recall and F1 of each class as grouped bars, F1 darkest: the number the chart is about.
import type { TopLevelSpec } from 'vega-lite';
import type { ClassificationMetrics } from '../../eval/metrics.js';

const MEASURES = ['precision', 'recall', 'F1'] as const;

export function perClassSpec(metrics: ClassificationMetrics, name: string): TopLevelSpec {
  const values = metrics.perClass.flatMap((c) =>
    c.support === 0 ? [] : [
      { label: c.label, measure: 'precision', value: c.precision },
      { label: c.label, measure: 'recall', value: c.recall },
      { label: c.label, measure: 'F1', value: c.f1 },
    ],
  );
  const missing = metrics.missing.length > 0 ? ` · no clips of ${metrics.missing.join(', ')}` : '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Per-class precision, recall and F1', subtitle: `${name}${missing}` },
    data: { values },
    width: Math.max(320, 62 * metrics.labels.length),
    height: 240,
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.9 } },
        encoding: {
          x: { field: 'label', type: 'nominal', scale: { domain: metrics.labels }, title: null, axis: { labelAngle: metrics.labels.length > 8 ? -40 : 0, labelLimit: 110 } },
          xOffset: { field: 'measure', type: 'nominal', sort: [...MEASURES], scale: { paddingOuter: 0.15 } },
          y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          color: {
            field: 'measure',
            type: 'nominal',
            title: null,
            sort: [...MEASURES],
            scale: { domain: [...MEASURES], range: ['#9ecae1', '#4292c6', '#08306b'] },
            legend: { orient: 'top', direction: 'horizontal' },
          },
        },
      },
    ],
  } as TopLevelSpec;
}
