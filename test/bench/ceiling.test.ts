// The ceiling kernels (shaders/ceiling.wgsl) on both backends against their float64 references.
import { expect, it } from 'vitest';
import { copyPeak, fmaFlops, fmaPeak, fmaPeakReference } from '../../src/ops/ceiling.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));

describeBackends('ceiling kernels vs float64', (backend) => {
  // 1 and 7 iterations take the loop's remainder trips (it runs four steps per trip), 512 its unrolled ones.
  // 512 iterations of acc <- acc * m + c with |m| < 1: each f32 rounding shrinks by m afterwards, so the
  // error stays within ~1 / (1 - m) = 256 ulps of |acc| (~2e-5 relative), summed over 8 chains.
  for (const iterations of [1, 7, 512]) {
    it(`fma_peak: ${iterations} iterations of 8 vec4 chains, 300 threads (a partial workgroup)`, async () => {
      const loop = { iterations, m: 1 - 2 ** -8, c: 0.01 };
      const x0 = values(4 * 300, 1);
      const out = fmaPeak(backend, backend.upload(x0, [300, 4]), loop);
      expectClose(await out.read(), fmaPeakReference(x0, loop), { atol: 1e-5, rtol: 5e-5 }, 'fma_peak');
    });
  }

  it('copy: every vec4, past the 65,535-workgroup limit of one grid dimension', async () => {
    const n = 64 * 70_000 + 5;
    const src = values(4 * n, 2);
    const out = await copyPeak(backend, backend.upload(src, [n, 4])).read();
    expectClose(out, src, { atol: 0, rtol: 0 }, 'copy');
  });

  it('rejects a tensor that is not [n, 4]', () => {
    expect(() => copyPeak(backend, backend.upload(new Float32Array(6), [2, 3]))).toThrow(/expected \[n, 4\], got \[2,3\]/);
  });
});

it('counts 2 FLOPs per FMA: 8 chains x 4 lanes per thread and iteration', () => {
  expect(fmaFlops(10, { iterations: 3, m: 0.5, c: 0 })).toBe(2 * 8 * 4 * 10 * 3);
});
