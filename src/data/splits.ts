// Speaker-independent splits: every actor's clips go to exactly one part, so a model is never
// evaluated on a voice it was trained on.

interface HasActor {
  actor: number;
}

// A type alias rather than an interface, so it can be passed where a Record of parts is expected.
export type ActorSplit<T> = {
  train: T[];
  val: T[];
  test: T[];
};

export interface ActorFold<T> {
  testActors: number[];
  train: T[];
  test: T[];
}

/** Test and validation actors as listed; every other actor trains. */
export function splitByActors<T extends HasActor>(
  items: readonly T[],
  { testActors, valActors = [] }: { testActors: readonly number[]; valActors?: readonly number[] },
): ActorSplit<T> {
  const present = actorsOf(items);
  if (testActors.length === 0) throw new Error('splitByActors: no test actors given');
  for (const actor of [...testActors, ...valActors]) {
    if (!present.includes(actor)) throw new Error(`splitByActors: actor ${actor} has no items`);
  }
  const both = testActors.filter((actor) => valActors.includes(actor));
  if (both.length > 0) throw new Error(`splitByActors: actors ${both.join(', ')} are in both test and validation`);

  const split: ActorSplit<T> = { train: [], val: [], test: [] };
  for (const item of items) {
    if (testActors.includes(item.actor)) split.test.push(item);
    else if (valActors.includes(item.actor)) split.val.push(item);
    else split.train.push(item);
  }
  assertActorsDisjoint(split);
  return split;
}

/** k folds over the sorted actors, assigned round-robin (fold i tests actors i, i+k, ...), so each actor is tested once. */
export function actorFolds<T extends HasActor>(items: readonly T[], k: number): ActorFold<T>[] {
  const actors = actorsOf(items);
  if (!Number.isInteger(k) || k < 2 || k > actors.length) {
    throw new Error(`actorFolds: k must be an integer from 2 to the number of actors (${actors.length}), got ${k}`);
  }
  return Array.from({ length: k }, (_, fold) => {
    const testActors = actors.filter((_, index) => index % k === fold);
    const { train, test } = splitByActors(items, { testActors });
    return { testActors, train, test };
  });
}

/** Throws if any actor appears in more than one of the named parts. */
export function assertActorsDisjoint(parts: Record<string, readonly HasActor[]>): void {
  const owner = new Map<number, string>();
  for (const [part, items] of Object.entries(parts)) {
    for (const { actor } of items) {
      const previous = owner.get(actor);
      if (previous !== undefined && previous !== part) throw new Error(`actor ${actor} is in both ${previous} and ${part}`);
      owner.set(actor, part);
    }
  }
}

/** Sorted distinct actors; throws on items with an unknown actor (-1), which no split can place. */
function actorsOf(items: readonly HasActor[]): number[] {
  const unknown = items.filter((item) => item.actor < 0).length;
  if (unknown > 0) throw new Error(`${unknown} items have no actor (-1), so a speaker-independent split is impossible`);
  return [...new Set(items.map((item) => item.actor))].sort((a, b) => a - b);
}
