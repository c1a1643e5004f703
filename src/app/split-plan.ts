// Which actors each model trains, validates and is tested on. Always speaker-independent: an actor's clips
// are in exactly one part. With --folds K, fold i tests every K-th actor and takes its validation actors from
// its own training actors, never from its test actors ('auto'). No validation actors ([], the recipe's
// default) means every actor that does not test trains, for the whole schedule, and nothing is selected on
// held-out data.
import type { SplitRecord } from './run-files.js';

export interface SplitRequest {
  /**
   * [] for none; 'auto' (also what undefined means, as in runs saved before the default was none): the last
   * fifth of the non-test actors, or with folds as many of each fold's training actors as a test fold has.
   */
  valActors?: number[] | 'auto';
  testActors?: number[];
  folds?: number;
}

export function planSplits(actors: readonly number[], request: SplitRequest): SplitRecord[] {
  const sorted = [...new Set(actors)].sort((a, b) => a - b);
  if (sorted.some((a) => a < 0)) throw new Error('some clips have no actor, so no speaker-independent split is possible: give a CSV with an actor column');
  const named = Array.isArray(request.valActors) ? request.valActors : [];
  const missing = [...named, ...(request.testActors ?? [])].filter((a) => !sorted.includes(a));
  if (missing.length > 0) throw new Error(`actors ${missing.join(', ')} have no clips in the data (present: ${sorted.join(', ')})`);
  if (request.folds !== undefined) {
    if (named.length > 0 || request.testActors) throw new Error('--folds chooses the test and validation actors itself: drop --test-actors, and give --val-actors only as none or auto');
    return foldSplits(sorted, request.folds, !Array.isArray(request.valActors)); // [] here: none
  }
  const test = request.testActors ?? [];
  const overlap = test.filter((a) => named.includes(a));
  if (overlap.length > 0) throw new Error(`actors ${overlap.join(', ')} are in both the validation and the test actors`);
  const rest = sorted.filter((a) => !test.includes(a));
  // 'auto': the last fifth of the actors (at least one) validates.
  const val = Array.isArray(request.valActors) ? named : rest.slice(rest.length - Math.max(1, Math.round(rest.length / 5)));
  const train = rest.filter((a) => !val.includes(a));
  if (train.length === 0) throw new Error(`no actors left to train on (actors ${sorted.join(', ')}, validation ${val.join(', ')}, test ${test.join(', ') || 'none'})`);
  return [{ train, val, test }];
}

function foldSplits(actors: readonly number[], k: number, validate: boolean): SplitRecord[] {
  if (!Number.isInteger(k) || k < 2 || k > actors.length) throw new Error(`--folds must be an integer from 2 to the number of actors (${actors.length}), got ${k}`);
  return Array.from({ length: k }, (_, fold) => {
    const test = actors.filter((_, i) => i % k === fold);
    const rest = actors.filter((a) => !test.includes(a));
    if (!validate) return { train: rest, val: [], test };
    // As many validation actors as a test fold has, spread over the training actors.
    const stride = Math.max(1, Math.floor(rest.length / test.length));
    const val = rest.filter((_, i) => i % stride === fold % stride).slice(0, Math.min(test.length, rest.length - 1));
    return { train: rest.filter((a) => !val.includes(a)), val, test };
  });
}

/** "1-4,7" → [1, 2, 3, 4, 7]; "none" → []. */
export function parseActorList(text: string): number[] {
  if (text.trim() === 'none') return [];
  const actors: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new Error(`"${part}" is not an actor number or range like 17-20`);
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (to < from) throw new Error(`"${part}": the range ends before it starts`);
    for (let a = from; a <= to; a++) actors.push(a);
  }
  if (actors.length === 0) throw new Error('no actors given');
  return [...new Set(actors)];
}

/** --val-actors: "auto", "none" or a list. */
export function parseValActors(text: string): number[] | 'auto' {
  return text.trim() === 'auto' ? 'auto' : parseActorList(text);
}
