// Timing helpers shared by the benchmarks.

/** Wall-clock milliseconds of `work`, which must wait for its own completion. */
export async function wallMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * The least of `repeats` measurements after `warmup` unmeasured ones. The machine may be shared, and
 * other load only ever adds time, so the minimum is the least disturbed measurement.
 */
export async function bestOf(measure: () => Promise<number>, repeats: number, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await measure();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) best = Math.min(best, await measure());
  return best;
}
