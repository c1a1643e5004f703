// Loss and accuracy per epoch, train and validation: one row of two panels per fold, on shared scales
// so folds compare at a glance.
import type { TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from '../../app/run-files.js';
import { epochCounts } from '../format.js';
import { PART_COLORS } from '../vega.js';

interface CurvePoint {
  fold: number;
  epoch: number;
  part: 'train' | 'validation';
  measure: 'loss' | 'WA' | 'UA';
  value: number;
}

function curvePoints(epochs: readonly EpochRecord[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const { fold, epoch, trainLoss, trainWA, valLoss, valWA, valUA } of epochs) {
    const add = (part: CurvePoint['part'], measure: CurvePoint['measure'], value: number | null) => {
      if (value !== null && Number.isFinite(value)) points.push({ fold, epoch, part, measure, value });
    };
    add('train', 'loss', trainLoss);
    add('validation', 'loss', valLoss);
    add('train', 'WA', trainWA);
    add('validation', 'WA', valWA);
    add('validation', 'UA', valUA);
  }
  return points;
}

const PANEL = { width: 360, height: 200 };

export function trainingCurvesSpec(epochs: readonly EpochRecord[]): TopLevelSpec {
  const points = curvePoints(epochs);
  const { perFold } = epochCounts(epochs);
  const folds = [...new Set(epochs.map((e) => e.fold))].sort((a, b) => a - b);
  const lastEpoch = Math.max(...epochs.map((e) => e.epoch));
  const firstEpoch = Math.min(...epochs.map((e) => e.epoch));
  const maxLoss = Math.max(0.5, ...points.filter((p) => p.measure === 'loss').map((p) => p.value));
  // A round top (a tick there) keeps the panel titles of a row level with the accuracy panel's 100%.
  const lossTop = Math.ceil(maxLoss * 2) / 2;
  const parts = [...new Set(points.map((p) => p.part))];
  const accuracyMeasures = (['WA', 'UA'] as const).filter((m) => points.some((p) => p.measure === m));
  const color = {
    field: 'part',
    type: 'nominal' as const,
    title: null,
    scale: { domain: parts, range: parts.map((p) => PART_COLORS[p]) },
    legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolSize: 500 },
  };
  const x = {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'epoch',
    scale: { domain: [firstEpoch, Math.max(lastEpoch, firstEpoch + 1)], nice: false },
    axis: { tickMinStep: 1, format: 'd' },
  };
  const foldTitle = (fold: number) => (folds.length > 1 ? `fold ${fold + 1}: ` : '');
  const row = (fold: number) => ({
    hconcat: [
      {
        ...PANEL,
        title: `${foldTitle(fold)}loss`,
        transform: [{ filter: `datum.fold === ${fold} && datum.measure === 'loss'` }],
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' as const, title: 'cross-entropy', scale: { domain: [0, lossTop], nice: false } },
          color,
        },
      },
      {
        ...PANEL,
        title: `${foldTitle(fold)}accuracy`,
        transform: [{ filter: `datum.fold === ${fold} && datum.measure !== 'loss'` }],
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' as const, title: null, scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          color,
          strokeDash: {
            field: 'measure',
            type: 'nominal' as const,
            title: null,
            scale: { domain: accuracyMeasures, range: accuracyMeasures.map((m) => (m === 'WA' ? [1, 0] : [6, 4])) },
            legend: accuracyMeasures.length < 2 ? null : { orient: 'top', direction: 'horizontal', labelExpr: "datum.label === 'WA' ? 'WA (accuracy)' : 'UA (mean recall)'", symbolType: 'stroke', symbolSize: 500,
              encode: { symbols: { update: { stroke: { value: '#444' } } } } },
          },
          // One line per part and measure, not one per colour.
          detail: { field: 'measure', type: 'nominal' as const },
        },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Training curves', subtitle: `${folds.length > 1 ? `${folds.length} folds, ` : ''}${perFold} epoch${perFold === '1' ? '' : 's'}` },
    data: { values: points },
    vconcat: folds.map(row),
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
  } as TopLevelSpec;
}
