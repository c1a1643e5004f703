// The comparison helper lives in the package (src/expect-close.ts), where the benchmarks use it too.
export { compareClose, expectClose, type CloseReport, type Tolerance } from '../../src/expect-close.js';
