import { expect, it } from 'vitest';
import { columnSum, denseBackward, denseBackwardReference, denseForward, denseReference } from '../../src/ops/dense.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('dense');
const cases = golden.names('dense.').filter((n) => n.endsWith('.y')).map((n) => n.slice('dense.'.length, -'.y'.length));
// f32 sums of up to 128 products of N(0,1) values (forward, dx) or of 32 (dw, db): torch sums in another
// order, so errors grow like sqrt(terms) * eps * |terms|.
const TOL = { atol: 2e-5, rtol: 1e-5 };

function load(name: string) {
  const get = (t: string) => golden.get(`dense.${name}.${t}`);
  const hasBias = golden.names(`dense.${name}.b`).length > 0;
  const [N, I] = get('x').shape;
  const O = get('w').shape[0];
  return { N, I, O, x: get('x'), w: get('w'), dy: get('dy'), b: hasBias ? get('b') : null, y: get('y'), dx: get('dx'), dw: get('dw'), db: hasBias ? get('db') : null };
}

it('has the golden cases', () => expect(cases).toEqual(expect.arrayContaining(['single_1x7x3', 'nobias_4x10x5', 'head_32x128x8'])));

describeBackends('dense vs torch.nn.functional.linear (autograd)', (backend) => {
  for (const name of cases) {
    it(name, async () => {
      const c = load(name);
      const x = backend.upload(c.x.data, c.x.shape);
      const w = backend.upload(c.w.data, c.w.shape);
      const b = c.b && backend.upload(c.b.data, c.b.shape);
      const dy = backend.upload(c.dy.data, c.dy.shape);
      const y = denseForward(backend, x, w, b);
      const { dx, dw, db } = denseBackward(backend, x, w, dy);
      expect([y.shape, dx.shape, dw.shape, db.shape]).toEqual([[c.N, c.O], [c.N, c.I], [c.O, c.I], [c.O]]);
      expectClose(await y.read(), c.y.data, TOL, `${name} y`);
      expectClose(await dx.read(), c.dx.data, TOL, `${name} dx`);
      expectClose(await dw.read(), c.dw.data, TOL, `${name} dw`);
      if (c.db) expectClose(await db.read(), c.db.data, TOL, `${name} db`);
      for (const t of [x, w, b, dy, y, dx, dw, db]) t?.dispose();
    });
  }

  it('sums bias gradients over more rows than gpu.js loops by default (1,000)', async () => {
    const [N, O] = [1500, 3];
    const dy = Float32Array.from({ length: N * O }, (_, i) => Math.sin(i));
    const want = denseBackwardReference(new Float32Array(N), new Float32Array(O), dy, N, 1, O).db;
    expectClose(await columnSum(backend, backend.upload(dy, [N, O])).read(), want, { atol: 1e-4, rtol: 1e-5 }, 'db');
  });
});

it('the float64 references agree with torch', () => {
  for (const name of cases) {
    const c = load(name);
    expectClose(denseReference(c.x.data, c.w.data, c.b?.data ?? null, c.N, c.I, c.O), c.y.data, TOL, `${name} y`);
    const g = denseBackwardReference(c.x.data, c.w.data, c.dy.data, c.N, c.I, c.O);
    expectClose(g.dx, c.dx.data, TOL, `${name} dx`);
    expectClose(g.dw, c.dw.data, TOL, `${name} dw`);
    if (c.db) expectClose(g.db, c.db.data, TOL, `${name} db`);
  }
});

it('the float64 backward matches central finite differences of sum(y * dy)', () => {
  const c = load('odd_5x13x6');
  const [x, w, b] = [Float64Array.from(c.x.data), Float64Array.from(c.w.data), Float64Array.from(c.b!.data)];
  const loss = () => denseReference(x, w, b, c.N, c.I, c.O).reduce((s, v, i) => s + v * c.dy.data[i], 0);
  const numeric = (v: Float64Array) =>
    v.map((_, i) => {
      const h = 1e-6;
      const saved = v[i];
      v[i] = saved + h;
      const up = loss();
      v[i] = saved - h;
      const down = loss();
      v[i] = saved;
      return (up - down) / (2 * h);
    });
  const g = denseBackwardReference(x, w, c.dy.data, c.N, c.I, c.O);
  // The loss is linear in each input, so central differences are exact up to rounding (~eps * |loss| / h).
  const FD = { atol: 1e-7, rtol: 1e-7 };
  expectClose(g.dx, numeric(x), FD, 'dx');
  expectClose(g.dw, numeric(w), FD, 'dw');
  expectClose(g.db, numeric(b), FD, 'db');
});
