// Dispatch-size helpers shared by the op modules.

/** Workgroups to cover n items with groups of `groupSize`. */
export function groups(n: number, groupSize: number): number {
  return Math.max(1, Math.ceil(n / groupSize));
}

/**
 * A 1-D job over `n` invocations as a 2-D grid, since one dimension holds at most 65,535 workgroups.
 * Shaders recover the flat index as gid.x + gid.y * num_workgroups.x * WG.
 */
export function grid1d(n: number, workgroupSize: number, maxPerDimension = 65535): [number, number] {
  const total = groups(n, workgroupSize);
  if (total <= maxPerDimension) return [total, 1];
  const y = Math.ceil(total / maxPerDimension);
  return [Math.ceil(total / y), y];
}
