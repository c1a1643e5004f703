// What every fuzz case must end in: valid data (finite samples in range, a sane rate, shapes that match the
// bytes) or the project's own error type naming the file. Anything else (another exception type, a message
// naming some other file) fails the case; a crash, hang or out-of-memory fails the whole file.
//
// Case counts: CI runs the counts of CI_RUNS (12,600 in all, well under a minute on two cores). For a longer
// run set SER_GPU_FUZZ_RUNS to the total wanted (e.g. SER_GPU_FUZZ_RUNS=1000000): each property gets its share.
// The seed is fixed so CI sees the same cases every time; SER_GPU_FUZZ_SEED picks other ones. A failure prints
// the seed and path that reproduce it.
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';
import { MAX_SAMPLE_MAGNITUDE, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, type AudioClip } from '../../src/audio/clip.js';
import { InvalidFileError } from '../../src/io/errors.js';

export const CI_RUNS = {
  'wav generated': 3000,
  'wav generated, mutated': 2000,
  'wav from the RAVDESS zip, mutated': 700,
  'flac from RAVDESS, mutated': 800,
  'flac STREAMINFO fields': 300,
  'flac constant-subframe streams, mutated': 300,
  'zip from RAVDESS (trimmed), mutated': 900,
  'zip generated with hostile names, mutated': 600,
  'safetensors goldens, mutated': 2000,
  'safetensors goldens, header fields': 2000,
} as const;

export type PropertyName = keyof typeof CI_RUNS;

const CI_TOTAL = Object.values(CI_RUNS).reduce((a, b) => a + b, 0);
const WANTED = Number(process.env.SER_GPU_FUZZ_RUNS ?? CI_TOTAL);
if (!(Number.isInteger(WANTED) && WANTED > 0)) throw new Error(`SER_GPU_FUZZ_RUNS must be a positive whole number, got ${process.env.SER_GPU_FUZZ_RUNS}`);
const SEED = process.env.SER_GPU_FUZZ_SEED === undefined ? undefined : Number(process.env.SER_GPU_FUZZ_SEED);

/** A test's time limit: the configured two minutes, scaled with SER_GPU_FUZZ_RUNS for longer runs. */
export const FUZZ_TIMEOUT_MS = 120_000 * Math.max(1, WANTED / CI_TOTAL);

export function runsOf(name: PropertyName): number {
  return Math.max(1, Math.round((CI_RUNS[name] * WANTED) / CI_TOTAL));
}

/** A fixed seed per property (so properties do not share cases), unless SER_GPU_FUZZ_SEED is set. */
function seedOf(name: string): number {
  if (SEED !== undefined) return SEED;
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return hash;
}

type Outcome = 'valid' | 'rejected';

interface Tally {
  cases: number;
  valid: number;
  rejected: number;
  slowestMs: number;
}

const tallies = new Map<string, Tally>();

/** Logs, per test file, each property's cases and outcomes: CI's log shows how many ran. */
export function logCaseCounts(file: string): void {
  afterAll(() => {
    let cases = 0;
    const lines: string[] = [];
    for (const [name, t] of tallies) {
      cases += t.cases;
      lines.push(`  ${name}: ${t.cases} cases (${t.valid} valid, ${t.rejected} rejected with an InvalidFileError), slowest ${t.slowestMs.toFixed(0)} ms`);
    }
    console.log(`fuzz: ${file}: ${cases} cases (of ${WANTED} in the whole fuzz suite, seed ${SEED ?? 'fixed per property'})\n${lines.join('\n')}`);
  });
}

/** Runs `check` on `runsOf(name)` generated cases; each must resolve to an outcome. */
export async function fuzz<T>(name: PropertyName, arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<Outcome>): Promise<void> {
  const tally: Tally = { cases: 0, valid: 0, rejected: 0, slowestMs: 0 };
  tallies.set(name, tally);
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const started = performance.now();
      const outcome = await check(value);
      tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
      tally.cases++;
      tally[outcome]++;
    }),
    { numRuns: runsOf(name), seed: seedOf(name) },
  );
  expect(tally.cases).toBe(runsOf(name));
}

/**
 * 'valid' when `run` returns data that `isValid` accepts; 'rejected' when it throws an InvalidFileError whose
 * path is one of `paths`. Any other result throws, failing the case.
 */
export async function validOrOwnError<T>(run: () => T | Promise<T>, paths: readonly string[], isValid: (value: T) => void): Promise<Outcome> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    if (error instanceof InvalidFileError && paths.includes(error.path) && error.message === `${error.path}: ${error.problem}`) return 'rejected';
    throw new Error(`expected valid data or an InvalidFileError naming ${paths.join(' or ')}, got: ${(error as Error)?.stack ?? String(error)}`);
  }
  isValid(value);
  return 'valid';
}

/** A clip anyone downstream can use: named, non-empty, finite, in range, at a sane rate. */
export function checkClip(clip: AudioClip, source: string): void {
  if (clip.source !== source) throw new Error(`clip is named ${clip.source}, expected ${source}`);
  if (!(clip.samples instanceof Float32Array) || clip.samples.length === 0) throw new Error('clip has no samples');
  if (!(Number.isInteger(clip.sampleRate) && clip.sampleRate >= MIN_SAMPLE_RATE && clip.sampleRate <= MAX_SAMPLE_RATE)) {
    throw new Error(`clip has sample rate ${clip.sampleRate}`);
  }
  for (let i = 0; i < clip.samples.length; i++) {
    if (!(Math.abs(clip.samples[i]) <= MAX_SAMPLE_MAGNITUDE)) throw new Error(`sample ${i} is ${clip.samples[i]}`);
  }
}
