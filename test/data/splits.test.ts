import { describe, expect, it } from 'vitest';
import { actorFolds, assertActorsDisjoint, scanCorpus, splitByActors } from '../../src/data/index.js';
import { hasSharedData, RAVDESS_FLAC } from '../audio/fixtures.js';

// Three clips for each of actors 1..10.
const items = Array.from({ length: 30 }, (_, i) => ({ id: i, actor: (i % 10) + 1 }));
const actorsIn = (part: readonly { actor: number }[]) => [...new Set(part.map((item) => item.actor))].sort((a, b) => a - b);

describe('splitByActors', () => {
  it('puts each listed actor wholly in test or validation and everyone else in train', () => {
    const { train, val, test } = splitByActors(items, { testActors: [1, 2], valActors: [3] });
    expect(actorsIn(test)).toEqual([1, 2]);
    expect(actorsIn(val)).toEqual([3]);
    expect(actorsIn(train)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(train.length + val.length + test.length).toBe(items.length);
  });

  it('refuses an actor in both test and validation, a missing actor, no test actors and unknown actors', () => {
    expect(() => splitByActors(items, { testActors: [1, 2], valActors: [2] })).toThrow('actors 2 are in both test and validation');
    expect(() => splitByActors(items, { testActors: [21] })).toThrow('actor 21 has no items');
    expect(() => splitByActors(items, { testActors: [] })).toThrow('no test actors');
    expect(() => splitByActors([...items, { id: 99, actor: -1 }], { testActors: [1] })).toThrow('1 items have no actor');
  });
});

describe('actorFolds', () => {
  it('tests every actor in exactly one of k folds, never training on it there', () => {
    const folds = actorFolds(items, 3);
    expect(folds.map((fold) => fold.testActors)).toEqual([[1, 4, 7, 10], [2, 5, 8], [3, 6, 9]]);
    for (const fold of folds) {
      expect(actorsIn(fold.test)).toEqual(fold.testActors);
      expect(actorsIn(fold.train).filter((actor) => fold.testActors.includes(actor))).toEqual([]);
      expect(fold.train.length + fold.test.length).toBe(items.length);
    }
  });

  it('rejects k outside 2..actors', () => {
    expect(() => actorFolds(items, 1)).toThrow('k must be an integer from 2 to the number of actors (10), got 1');
    expect(() => actorFolds(items, 11)).toThrow('got 11');
    expect(() => actorFolds(items, 2.5)).toThrow('got 2.5');
  });
});

describe('assertActorsDisjoint', () => {
  it('names the actor and the two parts that share it', () => {
    const shared = { train: [{ actor: 1 }, { actor: 2 }], test: [{ actor: 2 }] };
    expect(() => assertActorsDisjoint(shared)).toThrow('actor 2 is in both train and test');
    expect(() => assertActorsDisjoint({ train: [{ actor: 1 }, { actor: 1 }], test: [{ actor: 2 }] })).not.toThrow();
  });
});

describe.skipIf(!hasSharedData)('splits of the real RAVDESS corpus (needs ../shared/data)', () => {
  it('splits 20 actors x 60 clips by actor, and 5 folds cover each actor once', async () => {
    const corpus = await scanCorpus([RAVDESS_FLAC]);
    const { train, val, test } = splitByActors(corpus, { testActors: [1, 2, 3, 4], valActors: [5, 6] });
    expect([train.length, val.length, test.length]).toEqual([840, 120, 240]);
    assertActorsDisjoint({ train, val, test });

    const folds = actorFolds(corpus, 5);
    expect(folds.flatMap((fold) => fold.testActors).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Round-robin over sorted actors alternates odd (male) and even (female): 2 of each per fold.
    for (const fold of folds) {
      expect(fold.test.length).toBe(240);
      expect(fold.testActors.filter((actor) => actor % 2 === 1)).toHaveLength(2);
    }
  });
});
