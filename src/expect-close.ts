// Compares computed values to a reference: |a - b| <= atol + rtol * |ref| for every element.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface CloseReport {
  maxAbs: number;
  maxRel: number;
  worstIndex: number;
  mismatches: number;
}

export function compareClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, mask?: ArrayLike<boolean>): CloseReport & { lines: string[] } {
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = -1;
  let worstExcess = -Infinity;
  let mismatches = 0;
  const lines: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (mask && !mask[i]) continue;
    const a = actual[i];
    const e = expected[i];
    const diff = Math.abs(a - e);
    const bound = tol.atol + tol.rtol * Math.abs(e);
    // NaN compares false everywhere: treat it as an unbounded error.
    const excess = Number.isNaN(diff) ? Infinity : diff - bound;
    if (!Number.isNaN(diff)) {
      maxAbs = Math.max(maxAbs, diff);
      if (e !== 0) maxRel = Math.max(maxRel, diff / Math.abs(e));
    }
    if (excess > worstExcess) {
      worstExcess = excess;
      worstIndex = i;
    }
    if (excess > 0) {
      mismatches++;
      if (lines.length < 5) lines.push(`  [${i}] got ${a}, expected ${e} (|diff| ${diff.toExponential(3)} > ${bound.toExponential(3)})`);
    }
  }
  return { maxAbs, maxRel, worstIndex, mismatches, lines };
}

/** Throws a readable report (max abs/rel error, worst index, first mismatches) when any element is off. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what = 'values', mask?: ArrayLike<boolean>): CloseReport {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  const report = compareClose(actual, expected, tol, mask);
  if (report.mismatches > 0) {
    throw new Error(
      `${what}: ${report.mismatches}/${expected.length} elements outside atol=${tol.atol} rtol=${tol.rtol}; ` +
        `max abs err ${report.maxAbs.toExponential(3)}, max rel err ${report.maxRel.toExponential(3)}, worst at [${report.worstIndex}]\n` +
        report.lines.join('\n'),
    );
  }
  return report;
}
