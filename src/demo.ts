// The kernel demo behind `ser-gpu demo`: a matmul on the backend, verified against float64, then timed.
import type { Backend } from './backend/types.js';
import { matmul, matmulReference } from './ops/matmul.js';

export interface DemoResult {
  backend: string;
  size: number;
  maxAbsError: number;
  ok: boolean;
  ms: number;
  gflops: number;
}

/** Deterministic inputs in [-1, 1): a demo must print the same error every run. */
function lcgValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export async function runMatmulDemo(backend: Backend, size: number, repeats = 5): Promise<DemoResult> {
  const a = lcgValues(size * size, 1);
  const b = lcgValues(size * size, 2);
  const ta = backend.upload(a, [size, size]);
  const tb = backend.upload(b, [size, size]);
  const first = matmul(backend, ta, tb);
  const got = await first.read();
  first.dispose();
  const want = matmulReference(a, b, size, size, size);
  let maxAbsError = 0;
  for (let i = 0; i < want.length; i++) maxAbsError = Math.max(maxAbsError, Math.abs(got[i] - want[i]));
  const start = performance.now();
  for (let r = 0; r < repeats; r++) matmul(backend, ta, tb).dispose();
  await backend.sync();
  const ms = (performance.now() - start) / repeats;
  // f32 accumulation over `size` terms of magnitude <= 1: a loose but meaningful bound.
  const ok = maxAbsError <= 1e-6 * size * 4;
  return { backend: backend.name, size, maxAbsError, ok, ms, gflops: (2 * size ** 3) / (ms * 1e6) };
}

export function formatDemo(r: DemoResult): string {
  return (
    `matmul ${r.size}x${r.size}x${r.size} on ${r.backend}\n` +
    `  max |error| vs float64: ${r.maxAbsError.toExponential(2)} ${r.ok ? '(ok)' : '(TOO LARGE)'}\n` +
    `  ${r.ms.toFixed(2)} ms, ${r.gflops.toFixed(2)} GFLOP/s\n`
  );
}
