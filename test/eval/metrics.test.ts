import { describe, expect, it } from 'vitest';
import { classificationMetrics, metricsFromConfusion } from '../../src/eval/metrics.js';

const labels = ['a', 'b', 'c'];

describe('classification metrics', () => {
  it('WA, UA and per-class figures of a small case worked by hand', () => {
    // truth a a a b c c, predicted a b a b c a: a 2/3 right, b 1/1, c 1/2.
    const m = classificationMetrics([0, 0, 0, 1, 2, 2], [0, 1, 0, 1, 2, 0], labels);
    expect(m.confusion).toEqual([[2, 1, 0], [0, 1, 0], [1, 0, 1]]);
    expect(m.wa).toBeCloseTo(4 / 6, 12);
    expect(m.ua).toBeCloseTo((2 / 3 + 1 + 1 / 2) / 3, 12);
    expect(m.perClass[0]).toMatchObject({ precision: 2 / 3, recall: 2 / 3, support: 3 });
    expect(m.perClass[1].precision).toBeCloseTo(1 / 2, 12);
    expect(m.missing).toEqual([]);
  });

  it('metrics of a confusion matrix summed over folds are those of the folds\' clips taken together', () => {
    const foldA = classificationMetrics([0, 1, 2], [0, 2, 2], labels);
    const foldB = classificationMetrics([0, 0, 1], [1, 0, 1], labels);
    const summed = foldA.confusion.map((row, t) => row.map((n, p) => n + foldB.confusion[t][p]));
    expect(metricsFromConfusion(summed, labels)).toEqual(classificationMetrics([0, 1, 2, 0, 0, 1], [0, 2, 2, 1, 0, 1], labels));
  });

  it('leaves a class without clips out of UA and names it', () => {
    const m = metricsFromConfusion([[1, 1, 0], [0, 2, 0], [0, 0, 0]], labels);
    expect(m.missing).toEqual(['c']);
    expect(m.ua).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(m.total).toBe(4);
  });
});
