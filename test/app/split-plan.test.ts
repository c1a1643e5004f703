import { describe, expect, it } from 'vitest';
import { parseActorList, planSplits } from '../../src/app/split-plan.js';

const actors = Array.from({ length: 20 }, (_, i) => i + 1);

describe('planSplits', () => {
  it('with --folds 5, tests every 5th actor and validates on 4 of each fold\'s own training actors', () => {
    const splits = planSplits(actors, { folds: 5, valActors: 'auto' });
    expect(planSplits(actors, { folds: 5 })).toEqual(splits); // runs saved before the default was none
    expect(splits[0].test).toEqual([1, 6, 11, 16]);
    for (const s of splits) {
      expect(s.val).toHaveLength(4);
      expect(s.train).toHaveLength(12);
      expect(new Set([...s.train, ...s.val, ...s.test]).size).toBe(20);
    }
  });

  it('with no validation actors, every actor that does not test trains', () => {
    const splits = planSplits(actors, { folds: 5, valActors: [] });
    expect(splits.map((s) => s.test)).toEqual(planSplits(actors, { folds: 5, valActors: 'auto' }).map((s) => s.test));
    for (const s of splits) {
      expect(s.val).toEqual([]);
      expect(s.train).toEqual(actors.filter((a) => !s.test.includes(a)));
    }
    expect(planSplits(actors, { valActors: [] })).toEqual([{ train: actors, val: [], test: [] }]);
    expect(planSplits(actors, { valActors: [], testActors: [19, 20] })).toEqual([{ train: actors.slice(0, 18), val: [], test: [19, 20] }]);
  });

  it('auto validates on the last fifth of a single run\'s actors', () => {
    // 18 actors left after the test ones: round(18 / 5) = 4 validate.
    expect(planSplits(actors, { valActors: 'auto', testActors: [1, 2] })).toEqual([{ train: actors.slice(2, 16), val: [17, 18, 19, 20], test: [1, 2] }]);
  });

  it('refuses named validation actors with --folds', () => {
    expect(() => planSplits(actors, { folds: 5, valActors: [3] })).toThrow(/--folds chooses the test and validation actors itself/);
  });
});

describe('parseActorList', () => {
  it('reads ranges, lists and none', () => {
    expect(parseActorList('1-4,7')).toEqual([1, 2, 3, 4, 7]);
    expect(parseActorList('none')).toEqual([]);
    expect(() => parseActorList('')).toThrow(/no actors given/);
  });
});
