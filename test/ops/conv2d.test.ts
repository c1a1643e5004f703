import { describe, expect, it } from 'vitest';
import {
  conv2dBackwardBias,
  conv2dBackwardBiasReference,
  conv2dBackwardInput,
  conv2dBackwardInputReference,
  conv2dBackwardWeight,
  conv2dBackwardWeightReference,
  conv2dForward,
  conv2dGeometry,
  conv2dOutputShape,
  conv2dReference,
  conv2dTiling,
  type Conv2dKernel,
  type Conv2dParams,
} from '../../src/ops/conv2d.js';
import type { Backend } from '../../src/backend/types.js';
import type { AdapterReport } from '../../src/gpu/device.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose, type Tolerance } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('conv2d');
const cases = golden.names('conv2d.').filter((n) => n.endsWith('.params')).map((n) => n.slice('conv2d.'.length, -'.params'.length));

// f32 sums of N(0,1) products: the error grows like sqrt(terms) * eps * |terms|. Forward and dx sum at most
// 171 products (C*KH*KW or O*KH*KW).
const TOL_Y: Tolerance = { atol: 2e-5, rtol: 1e-5 };
const TOL_DX: Tolerance = { atol: 2e-5, rtol: 1e-5 };
// Looser: a weight gradient sums N*OH*OW products (up to 960 here) in split-K chunks, in another order than
// torch's GEMM; the worst case measured is 2e-5 beyond rtol.
const TOL_DW: Tolerance = { atol: 1e-4, rtol: 1e-5 };
const TOL_DB: Tolerance = { atol: 2e-5, rtol: 1e-5 };
// Every pipeline costs about a second of LLVM on lavapipe the first time: the fused ReLU is checked on a few
// cases, and on WebGPU the kernels the adapter does not pick by default (the workgroup tiles meant for GPUs,
// the unpadded register tiles that forward passes use only for very wide windows) on the cases that
// exercise strides, dilation, non-square kernels and partial tiles.
const RELU_CASES = ['odd_tiles', 'stride2', 'cin1'];
const OTHER_KERNELS: Record<string, Conv2dKernel[]> = {
  odd_tiles: ['registers', 'workgroup'],
  dilation2_pad2: ['registers', 'workgroup'],
  stride2: ['workgroup'],
  pointwise_1x1_stride2: ['workgroup'],
  nonsquare_2x5: ['workgroup'],
};

function params(name: string): Conv2dParams {
  const [strideH, strideW, padH, padW, dilationH, dilationW] = golden.raw(`conv2d.${name}.params`).data as Int32Array;
  return { strideH, strideW, padH, padW, dilationH, dilationW };
}

const part = (name: string, key: string) => golden.get(`conv2d.${name}.${key}`);

it('has the golden cases', () => expect(cases.length).toBeGreaterThanOrEqual(7));

describeBackends('conv2d vs torch', (backend) => {
  for (const name of cases) {
    const p = params(name);
    const kernels = [undefined, ...(backend.kind === 'webgpu' ? (OTHER_KERNELS[name] ?? []) : [])];
    for (const kernel of kernels) {
      const label = kernel ? ` [${kernel}]` : '';
      const relu = RELU_CASES.includes(name);
      it(`${name}: forward with bias${relu ? ', and with the fused ReLU' : ''}${label}`, async () => {
        const [x, w, b, y] = ['x', 'w', 'b', 'y'].map((k) => part(name, k));
        const [tx, tw, tb] = [backend.upload(x.data, x.shape), backend.upload(w.data, w.shape), backend.upload(b.data, b.shape)];
        const out = conv2dForward(backend, tx, tw, tb, p, 'none', { kernel });
        expect(out.shape).toEqual(y.shape);
        expectClose(await out.read(), y.data, TOL_Y, `${name} y`);
        out.dispose();
        if (relu) {
          const activated = conv2dForward(backend, tx, tw, tb, p, 'relu', { kernel });
          expectClose(await activated.read(), y.data.map((v) => Math.max(v, 0)), TOL_Y, `${name} relu(y)`);
          activated.dispose();
        }
        for (const t of [tx, tw, tb]) t.dispose();
      });

      it(`${name}: backward to the input${label}`, async () => {
        const [x, w, dy, dx] = ['x', 'w', 'dy', 'dx'].map((k) => part(name, k));
        const [tw, tdy] = [backend.upload(w.data, w.shape), backend.upload(dy.data, dy.shape)];
        const out = conv2dBackwardInput(backend, tdy, tw, p, x.shape, { kernel });
        expect(out.shape).toEqual(x.shape);
        expectClose(await out.read(), dx.data, TOL_DX, `${name} dx`);
        for (const t of [tw, tdy, out]) t.dispose();
      });
    }

    it(`${name}: backward to the weights and bias`, async () => {
      const [x, w, dy, dw, db] = ['x', 'w', 'dy', 'dw', 'db'].map((k) => part(name, k));
      const [tx, tdy] = [backend.upload(x.data, x.shape), backend.upload(dy.data, dy.shape)];
      const gw = conv2dBackwardWeight(backend, tx, tdy, p, w.shape);
      const gb = conv2dBackwardBias(backend, tdy);
      expect([gw.shape, gb.shape]).toEqual([w.shape, db.shape]);
      expectClose(await gw.read(), dw.data, TOL_DW, `${name} dw`);
      expectClose(await gb.read(), db.data, TOL_DB, `${name} db`);
      for (const t of [tx, tdy, gw, gb]) t.dispose();
    });
  }

  it('a realistic layer ([2,64,8,23] * [128,64,3,3], padding 1) matches the float64 reference', async () => {
    await checkAgainstReference(backend, [2, 64, 8, 23], [128, 64, 3, 3], SAME_3X3, {
      // 576-term sums of U(-1,1) products (~4x the golden cases' terms).
      y: { atol: 5e-5, rtol: 1e-5 },
      dx: { atol: 1e-4, rtol: 1e-5 },
      dw: { atol: 1e-4, rtol: 1e-5 },
      db: { atol: 5e-5, rtol: 1e-5 },
    });
  });

  it('sums a bias gradient over many split-K chunks (dy [2,3,300,60])', async () => {
    const shape = [2, 3, 300, 60];
    const dy = uniform(shape.reduce((a, b) => a * b), 7);
    const db = conv2dBackwardBias(backend, backend.upload(dy, shape));
    // 36,000 U(-1,1) terms per channel.
    expectClose(await db.read(), conv2dBackwardBiasReference(dy, shape), { atol: 1e-3, rtol: 1e-5 }, 'db');
  });

  it('rejects mismatched shapes', () => {
    const x = backend.upload(new Float32Array(2 * 3 * 5 * 5), [2, 3, 5, 5]);
    const w = backend.upload(new Float32Array(4 * 2 * 3 * 3), [4, 2, 3, 3]);
    expect(() => conv2dForward(backend, x, w, null, SAME_3X3)).toThrow(/channels/);
    const dy = backend.upload(new Float32Array(2 * 4 * 4 * 4), [2, 4, 4, 4]);
    expect(() => conv2dBackwardWeight(backend, x, dy, SAME_3X3, [4, 3, 3, 3])).toThrow(/dy/);
  });
});

const SAME_3X3: Conv2dParams = { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1 };

/** Deterministic U(-1, 1) values. */
function uniform(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function checkAgainstReference(backend: Backend, inputShape: number[], weightShape: number[], p: Conv2dParams, tol: Record<'y' | 'dx' | 'dw' | 'db', Tolerance>) {
  const outShape = conv2dOutputShape(inputShape, weightShape, p);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const [x, w, b, dy] = [size(inputShape), size(weightShape), weightShape[0], size(outShape)].map((n, i) => uniform(n, i + 1));
  const [tx, tw, tb, tdy] = [backend.upload(x, inputShape), backend.upload(w, weightShape), backend.upload(b, [b.length]), backend.upload(dy, outShape)];
  expectClose(await conv2dForward(backend, tx, tw, tb, p, 'relu').read(), conv2dReference(x, inputShape, w, weightShape, b, p, 'relu'), tol.y, 'relu(y)');
  expectClose(await conv2dBackwardInput(backend, tdy, tw, p, inputShape).read(), conv2dBackwardInputReference(dy, w, weightShape, p, inputShape), tol.dx, 'dx');
  expectClose(await conv2dBackwardWeight(backend, tx, tdy, p, weightShape).read(), conv2dBackwardWeightReference(x, inputShape, dy, p, weightShape), tol.dw, 'dw');
  expectClose(await conv2dBackwardBias(backend, tdy).read(), conv2dBackwardBiasReference(dy, outShape), tol.db, 'db');
}

describe('conv2d float64 reference', () => {
  it('agrees with torch on every golden case', () => {
    for (const name of cases) {
      const p = params(name);
      const [x, w, b, dy, y, dx, dw, db] = ['x', 'w', 'b', 'dy', 'y', 'dx', 'dw', 'db'].map((k) => part(name, k));
      // torch computes in f32: its rounding, not the reference's, sets these bounds.
      expectClose(conv2dReference(x.data, x.shape, w.data, w.shape, b.data, p), y.data, { atol: 1e-5, rtol: 1e-5 }, `${name} y`);
      expectClose(conv2dBackwardInputReference(dy.data, w.data, w.shape, p, x.shape), dx.data, { atol: 1e-5, rtol: 1e-5 }, `${name} dx`);
      expectClose(conv2dBackwardWeightReference(x.data, x.shape, dy.data, p, w.shape), dw.data, { atol: 5e-5, rtol: 1e-5 }, `${name} dw`);
      expectClose(conv2dBackwardBiasReference(dy.data, dy.shape), db.data, { atol: 1e-5, rtol: 1e-5 }, `${name} db`);
    }
  });

  // Central differences of L = sum(conv2d(x, w, b) * g): L is linear in each argument, so in float64 the
  // difference quotient equals the gradient up to rounding.
  const fdCases: [string, number[], number[], Conv2dParams][] = [
    ['3x3 stride 2 padding 1', [2, 2, 5, 6], [3, 2, 3, 3], { strideH: 2, strideW: 2, padH: 1, padW: 1, dilationH: 1, dilationW: 1 }],
    ['2x3 dilation 2 padding (2,0) stride (1,2)', [1, 3, 7, 8], [2, 3, 2, 3], { strideH: 1, strideW: 2, padH: 2, padW: 0, dilationH: 2, dilationW: 2 }],
  ];
  for (const [title, inputShape, weightShape, p] of fdCases) {
    it(`finite differences match dx, dw, db: ${title}`, () => {
      const outShape = conv2dOutputShape(inputShape, weightShape, p);
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const [x, w, b, g] = [size(inputShape), size(weightShape), weightShape[0], size(outShape)].map((n, i) => Float64Array.from(uniform(n, 11 + i)));
      const loss = () => conv2dReference(x, inputShape, w, weightShape, b, p).reduce((s, v, i) => s + v * g[i], 0);
      const numeric = (t: Float64Array) =>
        t.map((v, i) => {
          const h = 1e-3;
          t[i] = v + h;
          const up = loss();
          t[i] = v - h;
          const down = loss();
          t[i] = v;
          return (up - down) / (2 * h);
        });
      const tol = { atol: 1e-9, rtol: 1e-9 };
      expectClose(numeric(x), conv2dBackwardInputReference(g, w, weightShape, p, inputShape), tol, 'dx');
      expectClose(numeric(w), conv2dBackwardWeightReference(x, inputShape, g, p, weightShape), tol, 'dw');
      expectClose(numeric(b), conv2dBackwardBiasReference(g, outShape), tol, 'db');
    });
  }
});

describe('conv2d geometry and tiling', () => {
  const p: Conv2dParams = { strideH: 2, strideW: 1, padH: 0, padW: 2, dilationH: 1, dilationW: 2 };
  it('follows torch output sizes', () => {
    expect(conv2dOutputShape([2, 3, 10, 14], [4, 3, 2, 5], p)).toEqual([2, 4, 5, 10]);
    expect(() => conv2dOutputShape([1, 1, 2, 2], [1, 1, 5, 5], SAME_3X3)).toThrow(/smaller/);
    expect(() => conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 3], { ...SAME_3X3, strideH: 0 })).toThrow(/stride/);
  });

  it('picks register tiles on software adapters and workgroup tiles on GPUs, and names them', () => {
    const report = (isSoftware: boolean) => ({ isSoftware }) as AdapterReport;
    const g = conv2dGeometry([32, 16, 32, 94], [32, 16, 3, 3], SAME_3X3);
    expect(conv2dTiling(report(true), 'forward', g)).toMatchObject({ entry: 'gemm_padded', constants: { TM: 12, WINQ: 4, TNQ: 4, WG: 64, FLIP: 0 } });
    // The run that computes a padded row fastest: 16 columns are two runs of 8, not two of 12.
    const sixteen = conv2dGeometry([2, 4, 5, 16], [6, 4, 3, 3], SAME_3X3);
    expect(conv2dTiling(report(true), 'forward', sixteen)).toMatchObject({ entry: 'gemm_padded', constants: { TM: 8, WINQ: 3 } });
    // 8 output channels per window below 16 of them (here 6), 16 from 16 on (backward: the input's 16).
    expect(conv2dTiling(report(true), 'forward', sixteen).constants.TNQ).toBe(2);
    expect(conv2dTiling(report(true), 'backwardInput', g)).toMatchObject({ entry: 'gemm_padded', constants: { FLIP: 1, TNQ: 4 } });
    expect(conv2dTiling(report(false), 'backwardInput', g)).toMatchObject({ entry: 'gemm_workgroup', constants: { TRANSPOSED: 1 } });
    // Subgroups narrower than the register kernels' 8 weight lanes (SwiftShader's 4): the workgroup kernel.
    const swiftShader = { isSoftware: true, subgroupMinSize: 4 } as AdapterReport;
    expect(conv2dTiling(swiftShader, 'forward', g).entry).toBe('gemm_workgroup');
    expect(conv2dTiling(swiftShader, 'backwardInput', g).entry).toBe('gemm_workgroup');
    // Strided backward-input and windows wider than 32 columns need the unpadded register tiles.
    const strided = conv2dGeometry([2, 4, 11, 10], [6, 4, 3, 3], { ...SAME_3X3, strideH: 2, strideW: 2 });
    expect(conv2dTiling(report(true), 'backwardInput', strided)).toMatchObject({ entry: 'gemm_registers', constants: { TRANSPOSED: 1 } });
    const wide = conv2dGeometry([1, 1, 8, 60], [1, 1, 1, 15], { ...SAME_3X3, padH: 0, dilationW: 3 });
    expect(conv2dTiling(report(true), 'forward', wide).entry).toBe('gemm_registers');
    expect(() => conv2dTiling(report(true), 'forward', wide, 'padded')).toThrow(/padded/);
    // Kernels over 5 columns (the padded kernels' arrays of taps per row) as well.
    const seven = conv2dGeometry([1, 1, 8, 20], [1, 1, 1, 7], { ...SAME_3X3, padH: 0, padW: 3 });
    expect(conv2dTiling(report(true), 'forward', seven).entry).toBe('gemm_registers');
    // Weight gradients: runs of 4 pixels over padded copies at stride 1, the unpadded kernel otherwise.
    const weight = conv2dTiling(report(true), 'backwardWeight', g);
    expect(weight).toMatchObject({ entry: 'weight_grad_padded', constants: { WINQ: 2 } });
    expect(weight.name).toMatch(/padded splitK/);
    expect(conv2dTiling(report(true), 'backwardWeight', strided).entry).toBe('weight_grad');
    expect(conv2dTiling(report(true), 'backwardWeight', wide).entry).toBe('weight_grad');
    expect(conv2dTiling(report(true), 'backwardWeight', seven).entry).toBe('weight_grad');
    // One input channel: 3 (c, kh) rows would leave most of the padded kernel's 8 per workgroup idle.
    const oneChannel = conv2dGeometry([2, 1, 16, 20], [4, 1, 3, 3], SAME_3X3);
    expect(conv2dTiling(report(true), 'backwardWeight', oneChannel).entry).toBe('weight_grad');
  });
});
