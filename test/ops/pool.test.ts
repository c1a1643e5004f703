import { expect, it } from 'vitest';
import {
  avgPool2dBackward,
  avgPool2dBackwardReference,
  avgPool2dForward,
  avgPool2dReference,
  globalAvgPoolBackward,
  globalAvgPoolBackwardReference,
  globalAvgPoolForward,
  globalAvgPoolReference,
  maxBackwardEntry,
  maxForwardEntry,
  maxPool2dBackward,
  maxPool2dBackwardReference,
  maxPool2dForward,
  maxPool2dReference,
  pool2dOutputShape,
  reluMaxPool2dReference,
  type Pool2dParams,
} from '../../src/ops/pool.js';
import { describeBackends, webgpuBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('pool');
const casesOf = (op: string) => golden.names(`${op}.`).filter((n) => n.endsWith('.x')).map((n) => n.slice(op.length + 1, -2));
const maxCases = casesOf('max');
const avgCases = casesOf('avg');
const globalCases = casesOf('global');
const reluMaxCases = casesOf('relu_max');

function paramsOf(key: string): Pool2dParams {
  const [kernelH, kernelW, strideH, strideW, padH, padW] = golden.raw(`${key}.params`).data as Int32Array;
  return { kernelH, kernelW, strideH, strideW, padH, padW };
}

// Max pooling selects an input value: exact. Its gradient sums up to ceil(k/s)^2 = 4 dy values: WGSL adds
// them in f32 in PyTorch's order (bit-exact); gpu.js and the float64 reference sum in float64 and round once,
// which differs from f32 partial sums (|sum| < 8) by up to an ulp of each.
const EXACT = { atol: 0, rtol: 0 };
const MAX_DX = { atol: 5e-7, rtol: 2.4e-7 };
// Window sums of up to 9 N(0,1) values, then a division. WGSL matches PyTorch bit for bit; gpu.js sums in
// float64 (up to 1.2e-7 off: half an ulp of f32 partial sums below 8, eight times, over 9 is 4e-7 at worst).
const AVG = { atol: 5e-7, rtol: 1e-6 };
// Plane means of up to 368 N(0,1) values, summed in another order than PyTorch's (observed <= 5e-8).
const GLOBAL = { atol: 2e-7, rtol: 1e-6 };

it('has the golden cases', () => {
  expect(maxCases.length).toBeGreaterThanOrEqual(7);
  expect(avgCases.length).toBeGreaterThanOrEqual(5);
  expect(globalCases.length).toBeGreaterThanOrEqual(3);
  expect(reluMaxCases.length).toBeGreaterThanOrEqual(4);
});

it('computes output shapes with floor rounding and rejects bad parameters', () => {
  const k2 = { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 };
  expect(pool2dOutputShape([2, 3, 7, 9], k2)).toEqual([2, 3, 3, 4]);
  expect(pool2dOutputShape([32, 16, 64, 188], k2)).toEqual([32, 16, 32, 94]);
  expect(() => pool2dOutputShape([1, 1, 4, 4], { ...k2, padH: 2 })).toThrow(/half the kernel/);
  expect(() => pool2dOutputShape([1, 1, 1, 4], k2)).toThrow(/does not fit/);
  expect(() => pool2dOutputShape([1, 4, 4], k2)).toThrow(/N, C, H, W/);
});

describeBackends('pooling vs torch', (backend) => {
  const maxDx = backend.kind === 'webgpu' ? EXACT : MAX_DX;
  for (const name of maxCases) {
    it(`max ${name}`, async () => {
      const key = `max.${name}`;
      const x = golden.get(`${key}.x`);
      const dy = golden.get(`${key}.dy`);
      const xt = backend.upload(x.data, x.shape);
      const { y, argmax } = maxPool2dForward(backend, xt, paramsOf(key));
      expect(y.shape).toEqual(dy.shape);
      expectClose(await y.read(), golden.get(`${key}.y`).data, EXACT, `${key} y`);
      expect(Array.from(await argmax.read())).toEqual(Array.from(golden.raw(`${key}.argmax`).data as Int32Array));
      const dyt = backend.upload(dy.data, dy.shape);
      const dx = maxPool2dBackward(backend, dyt, argmax, x.shape);
      expectClose(await dx.read(), golden.get(`${key}.dx`).data, maxDx, `${key} dx`);
      for (const t of [xt, y, argmax, dyt, dx]) t.dispose();
    });
  }

  // max_pool2d(relu(x)) in one pass: y selects a value or is 0 (exact); dx routes each dy to its argmax or
  // nowhere, summed over at most 4 overlapping windows as above.
  for (const name of reluMaxCases) {
    it(`relu then max ${name}, fused`, async () => {
      const key = `relu_max.${name}`;
      const x = golden.get(`${key}.x`);
      const dy = golden.get(`${key}.dy`);
      const xt = backend.upload(x.data, x.shape);
      const { y, argmax } = maxPool2dForward(backend, xt, paramsOf(key), true);
      expectClose(await y.read(), golden.get(`${key}.y`).data, EXACT, `${key} y`);
      const dyt = backend.upload(dy.data, dy.shape);
      const dx = maxPool2dBackward(backend, dyt, argmax, x.shape);
      expectClose(await dx.read(), golden.get(`${key}.dx`).data, maxDx, `${key} dx`);
      for (const t of [xt, y, argmax, dyt, dx]) t.dispose();
    });
  }

  it('max backward takes the parameters for an argmax made elsewhere, and asks for them otherwise', async () => {
    const key = 'max.k3s2p1_8x11';
    const x = golden.get(`${key}.x`);
    const dy = golden.get(`${key}.dy`);
    const argmax = backend.upload(golden.raw(`${key}.argmax`).data as Int32Array, dy.shape, 'i32');
    const dyt = backend.upload(dy.data, dy.shape);
    expect(() => maxPool2dBackward(backend, dyt, argmax, x.shape)).toThrow(/pass the Pool2dParams/);
    const dx = maxPool2dBackward(backend, dyt, argmax, x.shape, paramsOf(key));
    expectClose(await dx.read(), golden.get(`${key}.dx`).data, maxDx, `${key} dx`);
  });

  // Windows that tile the plane (stride = kernel, no padding) take the tiled kernels; other disjoint windows
  // (stride >= kernel) the scatter-per-output kernel. Both must also write the dx elements no window covers
  // (odd H/W, gaps, padding); overlapping windows keep the gather kernel.
  it('max pooling: tiling windows on a grid, disjoint ones scatter per output, overlapping ones gather per input', async () => {
    const entries: (string | undefined)[] = [];
    const run = backend.kind === 'webgpu' ? backend.runtime.run : null;
    const cases: [string, number[], Pool2dParams, string][] = [
      ...maxCases.map((name): [string, number[], Pool2dParams, string] => [`golden ${name}`, golden.get(`max.${name}.x`).shape, paramsOf(`max.${name}`), name]),
      ['k2s2 odd 5x7', [2, 3, 5, 7], { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 }, ''],
      ['k3x2 tiles, a row and a column left over, 10x7', [2, 2, 10, 7], { kernelH: 3, kernelW: 2, strideH: 3, strideW: 2, padH: 0, padW: 0 }, ''],
      ['k2s2 wider than a workgroup, 6x141', [1, 3, 6, 141], { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 }, ''],
      ['k2s2p1 odd 7x5', [1, 2, 7, 5], { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 1, padW: 1 }, ''],
      ['k2x1 s3x2 gaps 11x9', [1, 2, 11, 9], { kernelH: 2, kernelW: 1, strideH: 3, strideW: 2, padH: 1, padW: 0 }, ''],
      ['k3s2 overlapping 9x7', [1, 2, 9, 7], { kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 0, padW: 0 }, ''],
      ['k2x2 s2x1 overlapping in W 5x7', [1, 2, 5, 7], { kernelH: 2, kernelW: 2, strideH: 2, strideW: 1, padH: 0, padW: 0 }, ''],
    ];
    try {
      if (backend.kind === 'webgpu') {
        backend.runtime.run = (op) => {
          if (op.shader === 'pool') entries.push(op.entry);
          return run!.call(backend.runtime, op);
        };
      }
      for (const [what, shape, p, goldenName] of cases) {
        const disjoint = p.strideH >= p.kernelH && p.strideW >= p.kernelW;
        const tiled = p.strideH === p.kernelH && p.strideW === p.kernelW && p.padH === 0 && p.padW === 0;
        const out = pool2dOutputShape(shape, p);
        expect(maxForwardEntry(p, out), what).toBe(tiled ? 'max_forward_tiled' : 'max_forward');
        expect(maxBackwardEntry(p, out), what).toBe(tiled ? 'max_backward_tiled' : disjoint ? 'max_backward_disjoint' : 'max_backward');
        const x = goldenName ? golden.get(`max.${goldenName}.x`).data : pseudoRandom(shape.reduce((a, b) => a * b), 11);
        const ref = maxPool2dReference(x, shape, p);
        const dy = goldenName ? golden.get(`max.${goldenName}.dy`).data : pseudoRandom(ref.y.length, 12);
        const xt = backend.upload(x, shape);
        entries.length = 0;
        const { y, argmax } = maxPool2dForward(backend, xt, p);
        if (backend.kind === 'webgpu') expect(entries, what).toEqual([maxForwardEntry(p, out)]);
        expectClose(await y.read(), ref.y, EXACT, `${what} y vs reference`);
        expectClose(await argmax.read(), ref.argmax, EXACT, `${what} argmax vs reference`);
        const dyt = backend.upload(dy, y.shape);
        // A NaN-filled buffer of dx's size, released so the pool hands it to dx: every element must be written.
        backend.upload(new Float32Array(xt.size).fill(NaN), shape).dispose();
        entries.length = 0;
        const dx = maxPool2dBackward(backend, dyt, argmax, shape);
        if (backend.kind === 'webgpu') expect(entries, what).toEqual([maxBackwardEntry(p, out)]);
        const got = await dx.read();
        if (goldenName) expectClose(got, golden.get(`max.${goldenName}.dx`).data, maxDx, `${what} dx vs torch`);
        // One dy per input element when disjoint: exact on every backend; overlapping windows sum several (MAX_DX).
        expectClose(got, maxPool2dBackwardReference(dy, ref.argmax, shape), disjoint ? EXACT : MAX_DX, `${what} dx vs reference`);
        for (const t of [xt, y, argmax, dyt, dx]) t.dispose();
      }
    } finally {
      if (run && backend.kind === 'webgpu') backend.runtime.run = run;
    }
  });

  for (const name of avgCases) {
    it(`avg ${name}`, async () => {
      const key = `avg.${name}`;
      const x = golden.get(`${key}.x`);
      const dy = golden.get(`${key}.dy`);
      const y = avgPool2dForward(backend, backend.upload(x.data, x.shape), paramsOf(key));
      expect(y.shape).toEqual(dy.shape);
      expectClose(await y.read(), golden.get(`${key}.y`).data, AVG, `${key} y`);
      const dx = avgPool2dBackward(backend, backend.upload(dy.data, dy.shape), x.shape, paramsOf(key));
      expectClose(await dx.read(), golden.get(`${key}.dx`).data, AVG, `${key} dx`);
    });
  }

  for (const name of globalCases) {
    it(`global avg ${name}`, async () => {
      const key = `global.${name}`;
      const x = golden.get(`${key}.x`);
      const dy = golden.get(`${key}.dy`);
      const y = globalAvgPoolForward(backend, backend.upload(x.data, x.shape));
      expect(y.shape).toEqual(dy.shape);
      expectClose(await y.read(), golden.get(`${key}.y`).data, GLOBAL, `${key} y`);
      const dx = globalAvgPoolBackward(backend, backend.upload(dy.data, dy.shape), x.shape);
      expectClose(await dx.read(), golden.get(`${key}.dx`).data, GLOBAL, `${key} dx`);
    });
  }

  it("max pools the reference network's [32,16,64,188] activations by 2", async () => {
    const shape = [32, 16, 64, 188];
    const p = { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 };
    const x = pseudoRandom(32 * 16 * 64 * 188, 1);
    const dy = pseudoRandom(32 * 16 * 32 * 94, 2);
    const ref = maxPool2dReference(x, shape, p);
    const { y, argmax } = maxPool2dForward(backend, backend.upload(x, shape), p);
    const dx = maxPool2dBackward(backend, backend.upload(dy, y.shape), argmax, shape);
    expect(y.shape).toEqual([32, 16, 32, 94]);
    expectClose(await y.read(), ref.y, EXACT, 'y');
    expectClose(await argmax.read(), ref.argmax, EXACT, 'argmax');
    expectClose(await dx.read(), maxPool2dBackwardReference(dy, ref.argmax, shape), EXACT, 'dx');
  });
});

it('covers more than 65,535 workgroups with a 2-D grid (webgpu)', async ({ skip }) => {
  const backend = webgpuBackend();
  if (!backend) return skip();
  // Every entry point recovers its index alike; avg backward writes the most elements per element read.
  const shape = [1, 1, 2, 8_400_000]; // 16.8M invocations = 65,625 workgroups
  const p = { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 };
  const dy = pseudoRandom(4_200_000, 4);
  const dx = avgPool2dBackward(backend, backend.upload(dy, [1, 1, 1, 4_200_000]), shape, p);
  expectClose(await dx.read(), avgPool2dBackwardReference(dy, shape, p), EXACT, 'dx');
});

it('the float64 references agree with torch', () => {
  for (const name of maxCases) {
    const key = `max.${name}`;
    const x = golden.get(`${key}.x`);
    const ref = maxPool2dReference(x.data, x.shape, paramsOf(key));
    expectClose(ref.y, golden.get(`${key}.y`).data, EXACT, `${key} y`);
    expect(Array.from(ref.argmax)).toEqual(Array.from(golden.raw(`${key}.argmax`).data as Int32Array));
    expectClose(maxPool2dBackwardReference(golden.get(`${key}.dy`).data, ref.argmax, x.shape), golden.get(`${key}.dx`).data, MAX_DX, `${key} dx`);
  }
  for (const name of reluMaxCases) {
    const key = `relu_max.${name}`;
    const x = golden.get(`${key}.x`);
    const ref = reluMaxPool2dReference(x.data, x.shape, paramsOf(key));
    expectClose(ref.y, golden.get(`${key}.y`).data, EXACT, `${key} y`);
    expectClose(maxPool2dBackwardReference(golden.get(`${key}.dy`).data, ref.argmax, x.shape), golden.get(`${key}.dx`).data, MAX_DX, `${key} dx`);
  }
  for (const name of avgCases) {
    const key = `avg.${name}`;
    const x = golden.get(`${key}.x`);
    expectClose(avgPool2dReference(x.data, x.shape, paramsOf(key)), golden.get(`${key}.y`).data, AVG, `${key} y`);
    expectClose(avgPool2dBackwardReference(golden.get(`${key}.dy`).data, x.shape, paramsOf(key)), golden.get(`${key}.dx`).data, AVG, `${key} dx`);
  }
  for (const name of globalCases) {
    const key = `global.${name}`;
    const x = golden.get(`${key}.x`);
    expectClose(globalAvgPoolReference(x.data, x.shape), golden.get(`${key}.y`).data, GLOBAL, `${key} y`);
    expectClose(globalAvgPoolBackwardReference(golden.get(`${key}.dy`).data, x.shape), golden.get(`${key}.dx`).data, GLOBAL, `${key} dx`);
  }
});

it('the float64 backward references match finite differences', () => {
  const shape = [1, 2, 7, 9];
  const n = 2 * 7 * 9;
  // Distinct values 0.01 apart: a 1e-4 step never changes a window's maximum (pooling is piecewise linear).
  const x = Float64Array.from(shuffle(n), (k) => 0.01 * k);
  for (const p of [
    { kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1 },
    { kernelH: 2, kernelW: 3, strideH: 1, strideW: 2, padH: 1, padW: 1 },
    { kernelH: 2, kernelW: 2, strideH: 3, strideW: 3, padH: 0, padW: 0 },
  ]) {
    const [, , oh, ow] = pool2dOutputShape(shape, p);
    const dy = pseudoRandom(2 * oh * ow, 5);
    const { argmax } = maxPool2dReference(x, shape, p);
    const maxFd = finiteDifference((v) => maxPool2dReference(v, shape, p).y, x, dy);
    expectClose(maxPool2dBackwardReference(dy, argmax, shape), maxFd, { atol: 1e-9, rtol: 1e-9 }, `max ${JSON.stringify(p)}`);
    // Shifted so that about half the values are negative, none within a step of 0 (ReLU's kink).
    const shifted = x.map((v) => v - 0.605);
    const reluMaxFd = finiteDifference((v) => reluMaxPool2dReference(v, shape, p).y, shifted, dy);
    const gated = reluMaxPool2dReference(shifted, shape, p).argmax;
    expect(gated.some((a) => a < 0)).toBe(true);
    expectClose(maxPool2dBackwardReference(dy, gated, shape), reluMaxFd, { atol: 1e-9, rtol: 1e-9 }, `relu+max ${JSON.stringify(p)}`);
    const avgFd = finiteDifference((v) => avgPool2dReference(v, shape, p), x, dy);
    expectClose(avgPool2dBackwardReference(dy, shape, p), avgFd, { atol: 1e-9, rtol: 1e-9 }, `avg ${JSON.stringify(p)}`);
  }
  const dy = pseudoRandom(2, 6);
  const globalFd = finiteDifference((v) => globalAvgPoolReference(v, shape), x, dy);
  expectClose(globalAvgPoolBackwardReference(dy, shape), globalFd, { atol: 1e-9, rtol: 1e-9 }, 'global');
});

/** d(sum(dy * f(x)))/dx by central differences with step 1e-4. */
function finiteDifference(f: (x: Float64Array) => ArrayLike<number>, x: Float64Array, dy: ArrayLike<number>): Float64Array {
  const h = 1e-4;
  const loss = (v: Float64Array) => Array.from(f(v)).reduce((s, y, i) => s + y * dy[i], 0);
  return Float64Array.from(x, (_, i) => {
    const v = x.slice();
    v[i] = x[i] + h;
    const up = loss(v);
    v[i] = x[i] - h;
    return (up - loss(v)) / (2 * h);
  });
}

/** Deterministic values in [-1, 1), exactly representable in f32. */
function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

/** A deterministic permutation of 0..n-1. */
function shuffle(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const r = pseudoRandom(n, 7);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(((r[i] + 1) / 2) * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
