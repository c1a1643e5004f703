import { expect, it } from 'vitest';
import { dropoutBackward, dropoutForward, dropoutMaskReference } from '../../src/ops/dropout.js';
import { describeBackends, webgpuBackend, backends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';

const EXACT = { atol: 0, rtol: 0 };
const N = 100_000;
const x = pseudoRandom(N, 1);
const dy = pseudoRandom(N, 2);
// Keep decisions for seed 1234, p = 0.5, elements 0..47, computed in numpy uint32 from the hash's definition.
const PINNED = '010001100001011101100111101010001111001100111001';

/** How many of i = 0..n-1 satisfy f (a loop: Array.prototype.filter is slow on 18M elements). */
function count(n: number, f: (i: number) => boolean): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (f(i)) k++;
  return k;
}

/** |count - n q| within 5 standard deviations of a binomial(n, q) count. */
function expectBinomial(count: number, n: number, q: number, what: string): void {
  const bound = 5 * Math.sqrt(n * q * (1 - q));
  if (Math.abs(count - n * q) > bound) throw new Error(`${what}: ${count} of ${n}, expected ${n * q} ± ${bound.toFixed(0)}`);
}

describeBackends('dropout', (backend) => {
  const forward = async (p: number, seed: number, input = x) => {
    const { y, mask } = dropoutForward(backend, backend.upload(input, [input.length]), p, seed);
    return { y: (await y.read()) as Float32Array, mask: (await mask.read()) as Float32Array, maskTensor: mask };
  };

  it('gives the reference mask, and y = x * mask', async () => {
    const { y, mask } = await forward(0.3, 99);
    expectClose(mask, Float32Array.from(dropoutMaskReference(99, N, 0.3)), EXACT, 'mask');
    expectClose(y, x.map((v, i) => v * mask[i]), EXACT, 'y');
  });

  it('keeps the pinned bit pattern', async () => {
    const { mask } = await forward(0.5, 1234, x.subarray(0, PINNED.length));
    expect(Array.from(mask, (m) => (m > 0 ? '1' : '0')).join('')).toBe(PINNED);
  });

  for (const p of [0.1, 0.5, 0.9]) {
    it(`drops a fraction ${p} within a binomial bound and scales the rest by 1/(1-p)`, async () => {
      const { mask } = await forward(p, 7);
      const scale = Math.fround(1 / (1 - p));
      expect(mask.every((m) => m === 0 || m === scale)).toBe(true);
      expectBinomial(count(N, (i) => mask[i] === 0), N, p, `p=${p} dropped`);
    });
  }

  it('is a function of the seed: the same seed repeats, another seed is independent', async () => {
    const a = await forward(0.5, 1);
    const again = await forward(0.5, 1);
    const b = await forward(0.5, 2);
    expectClose(again.mask, a.mask, EXACT, 'same seed');
    // Independent masks agree on an element with probability p^2 + (1-p)^2 = 0.5.
    expectBinomial(count(N, (i) => a.mask[i] === b.mask[i]), N, 0.5, 'agreement of seeds 1 and 2');
    // Nor is seed 2 a shift of seed 1 (a weak hash of seed + index would be).
    expectBinomial(count(N - 1, (i) => a.mask[i + 1] === b.mask[i]), N - 1, 0.5, 'agreement with a shift');
  });

  it('keeps everything at p = 0 and drops everything at p = 1', async () => {
    expectClose((await forward(0, 3)).y, x, EXACT, 'p=0');
    expectClose((await forward(1, 3)).y, new Float32Array(N), EXACT, 'p=1');
  });

  it('backward is dy * mask', async () => {
    const { maskTensor, mask } = await forward(0.25, 5);
    const dx = dropoutBackward(backend, backend.upload(dy, [N]), maskTensor);
    expectClose(await dx.read(), dy.map((v, i) => v * mask[i]), EXACT, 'dx');
  });

  it('rejects bad p and seeds', () => {
    const t = backend.upload([1, 2], [2]);
    expect(() => dropoutForward(backend, t, 1.5, 1)).toThrow(/not in \[0, 1\]/);
    expect(() => dropoutForward(backend, t, 0.5, -1)).toThrow(/not a u32/);
    expect(() => dropoutForward(backend, t, 0.5, 2 ** 32)).toThrow(/not a u32/);
  });
});

it('webgpu and gpu.js give the same mask bit for bit, past 65,535 workgroups', async ({ skip }) => {
  const webgpu = webgpuBackend();
  if (!webgpu) return skip();
  const cpu = backends.find((b) => b.kind === 'cpu')!.backend!;
  const n = 256 * 70_000 + 3;
  const masks: ArrayLike<number>[] = [];
  for (const backend of [webgpu, cpu]) {
    const { y, mask } = dropoutForward(backend, backend.zeros([n]), 0.4, 0xdeadbeef);
    masks.push(await mask.read());
    y.dispose();
    mask.dispose();
  }
  expectClose(masks[0], masks[1], EXACT, 'webgpu mask vs cpu mask');
  expectBinomial(count(n, (i) => masks[0][i] === 0), n, 0.4, 'dropped');
});

it('the reference matches the pinned bits, and its backward matches finite differences', () => {
  const bits = Array.from(dropoutMaskReference(1234, PINNED.length, 0.5), (m) => (m > 0 ? '1' : '0')).join('');
  expect(bits).toBe(PINNED);
  // y = x * mask is linear in x: d(sum(dy * y))/dx by central differences is dy * mask.
  const mask = dropoutMaskReference(11, 64, 0.3);
  const loss = (v: Float64Array) => v.reduce((s, xi, i) => s + dy[i] * xi * mask[i], 0);
  const xs = Float64Array.from(x.subarray(0, 64));
  const fd = xs.map((_, i) => {
    const up = xs.slice();
    const down = xs.slice();
    up[i] += 1e-4;
    down[i] -= 1e-4;
    return (loss(up) - loss(down)) / 2e-4;
  });
  expectClose(Float64Array.from(mask, (m, i) => dy[i] * m), fd, { atol: 1e-9, rtol: 1e-9 }, 'dropout backward');
});

function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 2 ** 23 - 1;
  }
  return out;
}
