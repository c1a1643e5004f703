import { expect, it } from 'vitest';
import { drawMixup, mixup, mixupReference } from '../../src/ops/augment-mix.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

// l x + (1 - l) y in f32 (possibly fused): two roundings of values of magnitude <= 80, and 1 - l's.
const MIX_TOL = { atol: 2e-5, rtol: 1e-6 };
// A target is l, 1 - l, or their f32 sum.
const TARGET_TOL = { atol: 1.2e-7, rtol: 0 };

describeBackends('mixup', (backend) => {
  const N = 12;
  const [bands, maxFrames] = [8, 30];
  const frames = Array.from({ length: N }, (_, c) => 5 + ((c * 7) % 26));
  const x = Float32Array.from({ length: N * bands * maxFrames }, (_, i) => (i % maxFrames < frames[Math.floor(i / (bands * maxFrames))] ? -80 + 70 * Math.abs(Math.sin(i * 0.37)) : 0));
  const labels = Int32Array.from({ length: N }, (_, c) => (c * 5) % 8);

  it('mixes features and targets as the float64 reference', async () => {
    const plan = drawMixup(N, 0.4, 123);
    const out = mixup(backend, backend.upload(x, [N, bands, maxFrames]), frames, backend.upload(labels, [N], 'i32'), 8, plan);
    const ref = mixupReference(x, N, labels, 8, plan);
    expectClose(await out.features.read(), ref.features, MIX_TOL, 'features');
    expectClose(await out.targets.read(), ref.targets, TARGET_TOL, 'targets');
    expect(out.frames).toEqual(frames.map((n, c) => Math.max(n, frames[plan.perm[c]])));
    const t = (await out.targets.read()) as Float32Array;
    for (let c = 0; c < N; c++) expect(Math.abs(t.subarray(8 * c, 8 * c + 8).reduce((s, v) => s + v, 0) - 1)).toBeLessThan(2e-7);
  });

  it('rejects a plan of another batch size and labels that are not i32', () => {
    const f = backend.upload(x, [N, bands, maxFrames]);
    expect(() => mixup(backend, f, frames, backend.upload(labels, [N], 'i32'), 8, drawMixup(N + 1, 1, 1))).toThrow(/plan is for 13 clips/);
    expect(() => mixup(backend, f, frames, backend.upload(labels, [N]), 8, drawMixup(N, 1, 1))).toThrow(/i32/);
  });
});

it('the pairing is a seeded permutation', () => {
  const a = drawMixup(1000, 0.4, 7);
  expect([...a.perm].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  expect(drawMixup(1000, 0.4, 7)).toEqual(a);
  const b = drawMixup(1000, 0.4, 8);
  // Two independent permutations agree at ~1 place on average.
  expect(a.perm.filter((p, i) => p === b.perm[i]).length).toBeLessThan(8);
  expect(b.lambda.filter((l, i) => l === a.lambda[i]).length).toBe(0);
});

for (const alpha of [0.2, 0.4, 1, 2]) {
  it(`lambda ~ Beta(${alpha}, ${alpha}): moments and the CDF`, () => {
    const n = 20000;
    const { lambda } = drawMixup(n, alpha, 11);
    expect(lambda.every((l) => l >= 0 && l <= 1)).toBe(true);
    const mean = lambda.reduce((s, v) => s + v, 0) / n;
    const variance = lambda.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    const want = 1 / (4 * (2 * alpha + 1));
    // Standard errors: mean sqrt(var / n) <= 0.0035; variance ~ sqrt((m4 - var^2) / n) <= 0.0015.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(variance - want)).toBeLessThan(0.006);
    // Kolmogorov-Smirnov against the Beta CDF (numerical integration): the 0.1% critical value is 1.95 / sqrt(n).
    const sorted = Float64Array.from(lambda).sort();
    let d = 0;
    for (const q of [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]) {
      const below = sorted.findIndex((v) => v > q);
      d = Math.max(d, Math.abs((below < 0 ? n : below) / n - betaCdf(q, alpha)));
    }
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
  });
}

/** The regularised incomplete beta I_q(a, a) by the midpoint rule on t = u^(1/a) (which removes the singularity at 0). */
function betaCdf(q: number, a: number): number {
  const integral = (to: number) => {
    // integral_0^to t^(a-1) (1-t)^(a-1) dt with t = s^(1/a): (1/a) integral_0^(to^a) (1 - s^(1/a))^(a-1) ds.
    const steps = 200000;
    const top = to ** a;
    let sum = 0;
    for (let i = 0; i < steps; i++) {
      const s = ((i + 0.5) / steps) * top;
      sum += (1 - s ** (1 / a)) ** (a - 1);
    }
    return (sum * top) / steps / a;
  };
  // Symmetry: I_q = B(q) / (2 B(0.5)).
  return q <= 0.5 ? integral(q) / (2 * integral(0.5)) : 1 - integral(1 - q) / (2 * integral(0.5));
}
