// Usage errors: bad or missing arguments, found before any GPU work. main.ts exits 2 for these, 1 for a
// failure, 130 for an interrupted run.
import { existsSync } from 'node:fs';
import { splitZipSource } from '../audio/zip.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Throws a UsageError naming the flag unless `value` is an integer >= min. */
export function integerFlag(flag: string, value: number | undefined, min = 1): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) throw new UsageError(`--${flag} must be a whole number >= ${min}, got ${value}`);
}

/** Throws a UsageError naming the flag unless `value` is a finite number above (or at, with `orEqual`) `min`. */
export function numberFlag(flag: string, value: number | undefined, min: number, orEqual = false): void {
  const ok = value === undefined || (Number.isFinite(value) && (orEqual ? value >= min : value > min));
  if (!ok) throw new UsageError(`--${flag} must be a number ${orEqual ? '>=' : '>'} ${min}, got ${value}`);
}

/** Every input path must exist ("archive.zip:member" is checked by its archive). */
export function existingInputs(flag: string, inputs: readonly string[] | undefined): void {
  for (const input of inputs ?? []) {
    const path = splitZipSource(input)?.zipPath ?? input;
    if (!existsSync(path)) throw new UsageError(`${flag}: ${input} does not exist`);
  }
}

/** Parses with `parse`, turning its error into a UsageError that names the flag. */
export function parsedFlag<T>(flag: string, text: string | undefined, parse: (text: string) => T): T | undefined {
  if (text === undefined) return undefined;
  try {
    return parse(text);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

/** `text` itself once `parse` accepts it: a flag whose settings keep the text, checked at the command line. */
export function checkedText(flag: string, text: string, parse: (text: string) => unknown): string {
  parsedFlag(flag, text, parse);
  return text;
}
