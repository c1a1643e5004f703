import { expect, it } from 'vitest';
import type { Backend, WebGpuBackend } from '../../src/backend/types.js';
import { batchNormBackward, batchNormBackwardReference, batchNormForward, batchNormReference, batchNormTiling } from '../../src/ops/batchnorm.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('batchnorm');
const cases = golden.names('bn.').filter((n) => n.endsWith('.y1')).map((n) => n.slice('bn.'.length, -'.y1'.length));

// Outputs of O(1..10) (x has offsets up to 5): a few ulps of |x - mean| * invStd * gamma, plus the f32 error of
// the statistics themselves.
const Y_TOL = { atol: 5e-6, rtol: 1e-5 };
// Means, inverse std and running statistics: f32 reductions over up to 24k values, a few ulps.
const STATS_TOL = { atol: 3e-7, rtol: 1e-6 };
// dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)): cancellation leaves absolute errors.
const DX_TOL = { atol: 1e-6, rtol: 1e-5 };

/**
 * dgamma and dbeta are per-channel sums of M terms (dy * xhat, dy) that largely cancel, so f32 errors scale
 * with the sum of |terms|, not with the result: allow one ulp of the largest channel's sum of |terms|, plus a
 * few ulps of the result (the product by invStd).
 */
function channelSumTol(shape: readonly number[], term: (i: number) => number) {
  const [N, C] = shape;
  const HW = shape.reduce((a, b) => a * b, 1) / (N * C);
  const abs = new Float64Array(C);
  for (let i = 0; i < N * C * HW; i++) abs[Math.floor(i / HW) % C] += Math.abs(term(i));
  return { atol: 1.2e-7 * Math.max(...abs), rtol: 1e-6 };
}

function paramGradTols(shape: readonly number[], x: ArrayLike<number>, dy: ArrayLike<number>, mean: ArrayLike<number>, invStd: ArrayLike<number>) {
  const HW = x.length / (shape[0] * shape[1]);
  const c = (i: number) => Math.floor(i / HW) % shape[1];
  return {
    dgamma: channelSumTol(shape, (i) => dy[i] * (x[i] - mean[c(i)]) * invStd[c(i)]),
    dbeta: channelSumTol(shape, (i) => dy[i]),
  };
}

function load(name: string) {
  const g = (key: string) => golden.get(`bn.${name}.${key}`);
  const [momentum, eps] = golden.raw(`bn.${name}.hyper`).data as Float64Array;
  return { g, momentum, eps };
}

function upload(backend: Backend, t: { data: Float32Array; shape: number[] }) {
  return backend.upload(t.data, t.shape);
}

it('has the golden cases', () => expect(cases.length).toBeGreaterThanOrEqual(6));

describeBackends('batchnorm vs torch.nn.BatchNorm2d/1d', (backend) => {
  for (const name of cases) {
    it(`${name}: two training steps, backward, eval`, async () => {
      const { g, momentum, eps } = load(name);
      const x = upload(backend, g('x'));
      const gamma = upload(backend, g('gamma'));
      const beta = upload(backend, g('beta'));
      const state = { runningMean: upload(backend, g('rm0')), runningVar: upload(backend, g('rv0')) };

      const step1 = batchNormForward(backend, x, gamma, beta, state, { training: true, momentum, eps });
      expectClose(await step1.y.read(), g('y1').data, Y_TOL, `${name} y (train)`);
      expectClose(await step1.mean.read(), g('mean1').data, STATS_TOL, `${name} saved mean`);
      expectClose(await step1.invStd.read(), g('invstd1').data, STATS_TOL, `${name} saved invStd`);
      expectClose(await state.runningMean.read(), g('rm1').data, STATS_TOL, `${name} running mean, step 1`);
      expectClose(await state.runningVar.read(), g('rv1').data, STATS_TOL, `${name} running var, step 1`);

      const grads = batchNormBackward(backend, x, upload(backend, g('dy')), gamma, step1.mean, step1.invStd);
      expectClose(await grads.dx.read(), g('dx').data, DX_TOL, `${name} dx`);
      const tols = paramGradTols(g('x').shape, g('x').data, g('dy').data, g('mean1').data, g('invstd1').data);
      expectClose(await grads.dgamma.read(), g('dgamma').data, tols.dgamma, `${name} dgamma`);
      expectClose(await grads.dbeta.read(), g('dbeta').data, tols.dbeta, `${name} dbeta`);

      const step2 = batchNormForward(backend, upload(backend, g('x2')), gamma, beta, state, { training: true, momentum, eps });
      expectClose(await step2.y.read(), g('y2').data, Y_TOL, `${name} y (train, step 2)`);
      expectClose(await state.runningMean.read(), g('rm2').data, STATS_TOL, `${name} running mean, step 2`);
      const rv2 = await state.runningVar.read();
      expectClose(rv2, g('rv2').data, STATS_TOL, `${name} running var, step 2`);

      const evalOut = batchNormForward(backend, x, gamma, beta, state, { training: false, momentum, eps });
      expectClose(await evalOut.y.read(), g('y_eval').data, Y_TOL, `${name} y (eval)`);
      expectClose(await state.runningVar.read(), rv2, { atol: 0, rtol: 0 }, `${name} eval leaves running var`);
    });
  }

  // Up to 24k values per channel, planes far longer than, near and shorter than a workgroup, against the
  // float64 reference; on WebGPU also with the interleaved tiling that hardware adapters get.
  const variants: [string, Backend][] = [['', backend]];
  if (backend?.kind === 'webgpu') variants.push([' (interleaved tiling)', asHardware(backend)]);
  for (const [suffix, b] of variants)
    for (const shape of [[8, 16, 64, 47], [40, 6, 1, 23], [100, 5], [3, 4, 5, 1]]) {
      it(`[${shape}] matches the float64 reference${suffix}`, () => checkAgainstReference(b, shape));
    }

  it('refuses training on one value per channel, as PyTorch', () => {
    const x = backend.upload([1, 2, 3], [1, 3]);
    const p = backend.upload([1, 1, 1], [3]);
    const state = { runningMean: backend.upload([0, 0, 0], [3]), runningVar: backend.upload([1, 1, 1], [3]) };
    expect(() => batchNormForward(backend, x, p, p, state, { training: true })).toThrow(/more than 1 value/);
  });
});

/** Deterministic pseudo-normal values (sum of uniforms from an LCG), scaled and offset. */
function seeded(n: number, seed: number, scale: number, offset: number): Float32Array {
  let s = seed * 2654435761;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: n }, () => offset + scale * (uniform() + uniform() + uniform() - 1.5) * 2);
}

/** The backend as a hardware adapter would drive it: same device, the interleaved tiling. */
function asHardware(backend: WebGpuBackend): Backend {
  return new Proxy(backend, { get: (target, key) => (key === 'adapter' ? { ...target.adapter, isSoftware: false } : Reflect.get(target, key)) });
}

async function checkAgainstReference(backend: Backend, shape: number[]) {
  const size = shape.reduce((a, b) => a * b, 1);
  const C = shape[1];
  const x = seeded(size, 1, 3, 2);
  const dy = seeded(size, 2, 1, 0);
  const gamma = seeded(C, 3, 0.5, 1);
  const beta = seeded(C, 4, 0.5, 0);
  const rm = seeded(C, 5, 0.5, 0);
  const rv = seeded(C, 6, 0.2, 1);
  const ref = batchNormReference(x, shape, gamma, beta, rm, rv, { training: true });
  const refGrads = batchNormBackwardReference(x, shape, dy, gamma, ref.mean, ref.invStd);
  const state = { runningMean: backend.upload(rm, [C]), runningVar: backend.upload(rv, [C]) };
  const tx = backend.upload(x, shape);
  const tgamma = backend.upload(gamma, [C]);
  const out = batchNormForward(backend, tx, tgamma, backend.upload(beta, [C]), state, { training: true });
  const grads = batchNormBackward(backend, tx, backend.upload(dy, shape), tgamma, out.mean, out.invStd);
  expectClose(await out.y.read(), ref.y, Y_TOL, 'y');
  expectClose(await state.runningMean.read(), ref.runningMean, STATS_TOL, 'running mean');
  expectClose(await state.runningVar.read(), ref.runningVar, STATS_TOL, 'running var');
  expectClose(await grads.dx.read(), refGrads.dx, DX_TOL, 'dx');
  const tols = paramGradTols(shape, x, dy, ref.mean, ref.invStd);
  expectClose(await grads.dgamma.read(), refGrads.dgamma, tols.dgamma, 'dgamma');
  expectClose(await grads.dbeta.read(), refGrads.dbeta, tols.dbeta, 'dbeta');
}

it('tilings cover every value of a channel exactly once, in non-empty runs', () => {
  for (const isSoftware of [true, false])
    for (const N of [1, 2, 3, 32, 100])
      for (const HW of [1, 2, 5, 23, 63, 64, 65, 184, 752, 3008, 12032]) {
        if (N * HW > 400_000) continue;
        const t = batchNormTiling(isSoftware, N, HW);
        const seen = new Uint8Array(N * HW);
        for (let run = 0; run < t.Ts * t.Tn; run++) {
          const ts = run % t.Ts;
          const [lo, hi, step] = t.chunked ? [Math.min(ts * t.L, HW), Math.min(ts * t.L + t.L, HW), 1] : [ts, HW, t.Ts];
          let count = 0;
          for (let n = Math.floor(run / t.Ts); n < N; n += t.Tn) for (let s = lo; s < hi; s += step, count++) seen[n * HW + s]++;
          if (count === 0) throw new Error(`empty run ${run} of ${JSON.stringify(t)} for N=${N} HW=${HW}`);
        }
        expect(seen.every((v) => v === 1), `${isSoftware ? 'chunked' : 'interleaved'} N=${N} HW=${HW}`).toBe(true);
      }
});

it('the float64 reference agrees with torch', () => {
  for (const name of cases) {
    const { g, momentum, eps } = load(name);
    const x = g('x');
    const ref = batchNormReference(x.data, x.shape, g('gamma').data, g('beta').data, g('rm0').data, g('rv0').data, { training: true, momentum, eps });
    const tight = { atol: 1e-6, rtol: 1e-6 };
    expectClose(ref.y, g('y1').data, tight, `${name} reference y`);
    expectClose(ref.runningVar, g('rv1').data, tight, `${name} reference running var`);
    const grads = batchNormBackwardReference(x.data, x.shape, g('dy').data, g('gamma').data, ref.mean, ref.invStd);
    expectClose(grads.dx, g('dx').data, tight, `${name} reference dx`);
    expectClose(grads.dgamma, g('dgamma').data, tight, `${name} reference dgamma`);
    const evalRef = batchNormReference(x.data, x.shape, g('gamma').data, g('beta').data, g('rm2').data, g('rv2').data, { training: false, eps });
    expectClose(evalRef.y, g('y_eval').data, tight, `${name} reference y (eval)`);
  }
});

it('the float64 backward matches finite differences of the float64 forward', () => {
  const h = 1e-6;
  for (const name of ['bn2d_small', 'bn1d', 'bn1d_batch2']) {
    const { g } = load(name);
    const shape = g('x').shape;
    const x = Float64Array.from(g('x').data);
    const gamma = Float64Array.from(g('gamma').data);
    const beta = Float64Array.from(g('beta').data);
    const dy = g('dy').data;
    const C = gamma.length;
    // L = sum(y * dy), whose gradients are the backward of upstream gradient dy.
    const loss = () => batchNormReference(x, shape, gamma, beta, new Float64Array(C), new Float64Array(C).fill(1), { training: true }).y.reduce((s, v, i) => s + v * dy[i], 0);
    const fd = (v: Float64Array) =>
      v.map((old, i) => {
        v[i] = old + h;
        const up = loss();
        v[i] = old - h;
        const down = loss();
        v[i] = old;
        return (up - down) / (2 * h);
      });
    const ref = batchNormReference(x, shape, gamma, beta, new Float64Array(C), new Float64Array(C).fill(1), { training: true });
    const grads = batchNormBackwardReference(x, shape, dy, gamma, ref.mean, ref.invStd);
    const tol = { atol: 1e-7, rtol: 1e-6 };
    expectClose(grads.dx, fd(x), tol, `${name} dx vs finite differences`);
    expectClose(grads.dgamma, fd(gamma), tol, `${name} dgamma vs finite differences`);
    expectClose(grads.dbeta, fd(beta), tol, `${name} dbeta vs finite differences`);
  }
});
