import { expect, it } from 'vitest';
import {
  activationBackward,
  activationBackwardReference,
  activationForward,
  activationReference,
  type ActivationKind,
} from '../../src/ops/activation.js';
import { describeBackends, webgpuBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('activation');
const x = golden.get('activation.x').data;
const dy = golden.get('activation.dy').data;
// Golden names are activation.<kind>.<alpha>.y; ReLU has no alpha.
const cases = golden.names('activation.').filter((n) => n.endsWith('.y')).map((n) => {
  const [kind, ...alpha] = n.slice('activation.'.length, -2).split('.');
  return { name: n.slice(0, -2), kind: kind as ActivationKind, alpha: alpha.length ? Number(alpha.join('.')) : undefined };
});

// ReLU and leaky ReLU select x or dy, or multiply once by alpha (as f32, like PyTorch): exact.
const EXACT = { atol: 0, rtol: 0 };
// ELU: Vulkan allows exp an error of 3 + 2|x| ulp. The forward pass computes exp(x) - 1 (WGSL has no expm1),
// so near 0 the error is absolute: up to 3 ulp of 1 (1.8e-7) times alpha; lavapipe shows 1.5e-7. The gradient
// dy * alpha * exp(x) keeps exp's relative error: 25 ulp (1.5e-6) for |x| <= 10, the goldens' range outside
// the extremes, whose gradients fall below atol.
const ELU_Y = { atol: 2.5e-7, rtol: 0 };
const ELU_DX = { atol: 1e-7, rtol: 2e-6 };
const tolerance = (kind: ActivationKind, grad: boolean) => (kind !== 'elu' ? EXACT : grad ? ELU_DX : ELU_Y);

it('has the golden cases', () => expect(cases.map((c) => c.name)).toHaveLength(5));

describeBackends('activations vs torch', (backend) => {
  for (const { name, kind, alpha } of cases) {
    it(name, async () => {
      const xt = backend.upload(x, [x.length]);
      const y = activationForward(backend, kind, xt, alpha);
      expectClose(await y.read(), golden.get(`${name}.y`).data, tolerance(kind, false), `${name} y`);
      const dyt = backend.upload(dy, [dy.length]);
      const dx = activationBackward(backend, kind, xt, dyt, alpha);
      expectClose(await dx.read(), golden.get(`${name}.dx`).data, tolerance(kind, true), `${name} dx`);
      for (const t of [xt, y, dyt, dx]) t.dispose();
    });
  }

  it('relu backward also takes the forward output (y > 0 exactly where x > 0)', async () => {
    const y = backend.upload(golden.get('activation.relu.y').data, [x.length]);
    const dx = activationBackward(backend, 'relu', y, backend.upload(dy, [dy.length]));
    expectClose(await dx.read(), golden.get('activation.relu.dx').data, EXACT, 'relu dx from y');
  });

  it('keeps the shape', () => {
    const t = backend.upload(x.subarray(0, 24), [2, 3, 4]);
    expect(activationForward(backend, 'elu', t).shape).toEqual([2, 3, 4]);
  });
});

it('covers more than 65,535 workgroups with a 2-D grid (webgpu)', async ({ skip }) => {
  const backend = webgpuBackend();
  if (!backend) return skip();
  const n = 256 * 70_000 + 3;
  const big = new Float32Array(n);
  for (let i = 0; i < n; i++) big[i] = (i % 2000) - 999.5;
  const y = await activationForward(backend, 'leaky_relu', backend.upload(big, [n]), 0.5).read();
  expectClose(y, activationReference('leaky_relu', big, 0.5), EXACT, 'large leaky_relu');
});

it('the float64 references agree with torch', () => {
  for (const { name, kind, alpha } of cases) {
    expectClose(activationReference(kind, x, alpha), golden.get(`${name}.y`).data, { atol: 1e-7, rtol: 1e-7 }, `${name} y`);
    expectClose(activationBackwardReference(kind, x, dy, alpha), golden.get(`${name}.dx`).data, { atol: 1e-7, rtol: 1e-7 }, `${name} dx`);
  }
});

it('the float64 backward references match finite differences', () => {
  // Away from the kink at 0: |x| >= 0.05, and a step of 1e-6.
  const xs = Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1) * (0.05 + (i * 0.37) % 6));
  const g = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i + 1));
  const h = 1e-6;
  for (const [kind, alpha] of [['relu', 0], ['leaky_relu', 0.01], ['leaky_relu', 0.2], ['elu', 1], ['elu', 0.5]] as const) {
    const f = (v: number) => activationReference(kind, [v], alpha)[0];
    const fd = Float64Array.from(xs, (v, i) => (g[i] * (f(v + h) - f(v - h))) / (2 * h));
    expectClose(activationBackwardReference(kind, xs, g, alpha), fd, { atol: 1e-8, rtol: 1e-7 }, `${kind} ${alpha}`);
  }
});
