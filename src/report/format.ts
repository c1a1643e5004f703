// How numbers read in the report: fractions as percentages, losses to 3 places, actors as ranges.
import type { EpochRecord } from '../app/run-files.js';

export function percent(fraction: number | null, digits = 1): string {
  return fraction === null || !Number.isFinite(fraction) ? '–' : `${(fraction * 100).toFixed(digits)}%`;
}

export function fixed(value: number | null, digits = 3): string {
  return value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** Learning rates span decades: 1e-3, 2.5e-4. */
export function rate(value: number): string {
  return value === 0 ? '0' : value.toExponential(1).replace('.0e', 'e').replace('e-', 'e−');
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** [1, 2, 3, 5, 7, 8] -> "1-3, 5, 7-8". */
export function actorRanges(actors: readonly number[]): string {
  if (actors.length === 0) return 'none';
  const sorted = [...actors].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1] + 1) continue;
    const end = sorted[i - 1];
    parts.push(end === start ? String(start) : `${start}-${end}`);
    start = sorted[i];
  }
  return parts.join(', ');
}

/** The folds of a run and its epochs per fold: "30", or "24-30" when early stopping ended folds apart. */
export function epochCounts(epochs: readonly EpochRecord[]): { folds: number; perFold: string } {
  const folds = [...new Set(epochs.map((e) => e.fold))];
  const counts = folds.map((fold) => epochs.filter((e) => e.fold === fold).length);
  const [fewest, most] = [Math.min(...counts), Math.max(...counts)];
  return { folds: folds.length, perFold: fewest === most ? String(most) : `${fewest}-${most}` };
}
