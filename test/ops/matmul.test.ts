import { expect, it } from 'vitest';
import { matmul, matmulReference, matmulTiling } from '../../src/ops/matmul.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('core');
const cases = golden.names('matmul.').filter((n) => n.endsWith('.c')).map((n) => n.slice('matmul.'.length, -'.c'.length));
// f32 sums of up to 130 products of N(0,1) values: errors grow like sqrt(K) * eps * |terms|.
const TOL = { atol: 1e-5, rtol: 1e-5 };

it('has the golden cases', () => expect(cases.length).toBeGreaterThanOrEqual(6));

// Every adapter's tiling runs here (lavapipe), so each kernel and tile is checked on every machine.
const ADAPTERS = {
  lavapipe: { isSoftware: true, subgroupMinSize: 8 },
  'software, 4-lane subgroups': { isSoftware: true, subgroupMinSize: 4 },
  'real GPU': { isSoftware: false, subgroupMinSize: 32 },
};

it('tiles per adapter, shrinking the tile to small shapes', () => {
  expect(matmulTiling(ADAPTERS.lavapipe, 512, 512)).toEqual({ shader: 'matmul_subgroup', WG: 8, TM: 16, TV: 4 });
  expect(matmulTiling(ADAPTERS.lavapipe, 1, 8)).toEqual({ shader: 'matmul_subgroup', WG: 8, TM: 1, TV: 1 });
  expect(matmulTiling(ADAPTERS.lavapipe, 5, 70)).toEqual({ shader: 'matmul_subgroup', WG: 8, TM: 8, TV: 4 });
  expect(matmulTiling(ADAPTERS['software, 4-lane subgroups'], 512, 512)).toEqual({ shader: 'matmul', WG: 8, TM: 16, TN: 8 });
  expect(matmulTiling(ADAPTERS['software, 4-lane subgroups'], 5, 20)).toEqual({ shader: 'matmul', WG: 8, TM: 8, TN: 4 });
  expect(matmulTiling(ADAPTERS['real GPU'], 512, 512)).toEqual({ shader: 'matmul', WG: 64, TM: 4, TN: 4 });
});

describeBackends('matmul vs torch.matmul', (backend) => {
  for (const [adapter, report] of Object.entries(ADAPTERS)) {
    for (const name of cases) {
      it(`${name} (${adapter} tiling)`, async () => {
        const a = golden.get(`matmul.${name}.a`);
        const b = golden.get(`matmul.${name}.b`);
        const c = golden.get(`matmul.${name}.c`);
        const transA = name.startsWith('transA');
        const transB = name.startsWith('transB');
        const ta = backend.upload(a.data, a.shape);
        const tb = backend.upload(b.data, b.shape);
        const [M, N] = c.shape.slice(-2);
        const out = matmul(backend, ta, tb, { transA, transB, tiling: matmulTiling(report, M, N) });
        expect(out.shape).toEqual(c.shape);
        expectClose(await out.read(), c.data, TOL, `matmul ${name}`);
        for (const t of [ta, tb, out]) t.dispose();
      });
    }
  }

  it('accumulates into an existing output (C += A·B)', async () => {
    const { data: a, shape: sa } = golden.get('matmul.odd_37x29x53.a');
    const { data: b, shape: sb } = golden.get('matmul.odd_37x29x53.b');
    const { data: c } = golden.get('matmul.odd_37x29x53.c');
    const out = backend.upload(c, [37, 29]);
    matmul(backend, backend.upload(a, sa.slice(1)), backend.upload(b, sb.slice(1)), { out });
    expectClose(await out.read(), Array.from(c, (v) => 2 * v), { atol: 2e-5, rtol: 1e-5 }, 'matmul accumulate');
  });

  for (const [adapter, report] of Object.entries(ADAPTERS)) {
    it(`adds a bias and sums inner sizes past gpu.js's 1,000-iteration loop cap (${adapter} tiling)`, async () => {
      const [M, N, K] = [3, 260, 1500];
      const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
      const bias = Float32Array.from({ length: N }, (_, i) => i / 100);
      const tiling = matmulTiling(report, M, N);
      const out = matmul(backend, backend.upload(a, [M, K]), backend.upload(b, [K, N]), { bias: backend.upload(bias, [N]), tiling });
      const want = matmulReference(a, b, M, N, K).map((v, i) => v + bias[i % N]);
      // 1,500 f32 products of magnitude <= 1.
      expectClose(await out.read(), want, { atol: 1e-4, rtol: 1e-5 }, 'matmul K=1500 + bias');
    });
  }
});

it('the float64 reference agrees with torch', () => {
  const a = golden.get('matmul.transB_20x70x9.a');
  const b = golden.get('matmul.transB_20x70x9.b');
  const c = golden.get('matmul.transB_20x70x9.c');
  expectClose(matmulReference(a.data, b.data, 20, 70, 9, false, true), c.data, { atol: 1e-5, rtol: 1e-5 }, 'reference');
});
