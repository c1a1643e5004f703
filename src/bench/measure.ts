// Timing helpers shared by the benchmark suites: repeated measurements summarised as median and spread.

/** Milliseconds over the repeats: the median is reported, min and max show the spread. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  repeats: number;
}

/** Wall-clock milliseconds of `work`, which must wait for its own completion. */
export async function wallMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** `repeats` measurements after `warmup` unmeasured ones. */
export async function timeRepeats(measure: () => Promise<number>, repeats: number, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await measure();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) samples.push(await measure());
  return summarise(samples);
}

export function summarise(samples: readonly number[]): Timing {
  if (samples.length === 0) throw new Error('summarise: no measurements');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], repeats: sorted.length };
}

/** Half the min-max range relative to the median, as printed: "±3%". */
export const spread = (t: Timing) => (t.median > 0 ? (t.max - t.min) / (2 * t.median) : 0);

export const formatSpread = (t: Timing) => `±${(100 * spread(t)).toFixed(0)}%`;
