import { expect, it } from 'vitest';
import type { Backend } from '../../src/backend/types.js';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyBackwardReference,
  softmaxCrossEntropyForward,
  softmaxCrossEntropyReference,
  softmaxCrossEntropySoftBackward,
  softmaxCrossEntropySoftBackwardReference,
  softmaxCrossEntropySoftForward,
  softmaxCrossEntropySoftReference,
} from '../../src/ops/softmax-ce.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('softmax_ce');
const cases = golden.names('ce.').filter((n) => n.endsWith('.loss')).map((n) => n.slice('ce.'.length, -'.loss'.length));

// f32 log-sum-exp of one row plus a sum over <= 32 rows: a few ulps of the loss (up to 2000 at +-1000 logits).
const LOSS_TOL = { atol: 1e-6, rtol: 2e-6 };
// exp and one division per probability: a few ulps, and probabilities of e^-2000 underflow to exactly 0.
const PROBS_TOL = { atol: 1e-9, rtol: 2e-6 };
// p - onehot cancels when p ~ 1: the error is absolute, ~2 ulp(1) * w[y] / sum_i w[y_i] (weights <= 2).
const gradTol = (N: number) => ({ atol: 5e-7 / N, rtol: 2e-6 });

function load(name: string) {
  const p = `ce.${name}`;
  const logits = golden.get(`${p}.logits`);
  const labels = golden.raw(`${p}.labels`).data as Int32Array;
  const weights = golden.names(`${p}.weights`).length ? golden.get(`${p}.weights`).data : null;
  const [N, K] = logits.shape;
  return { logits, labels, weights, N, K, eps: (golden.raw(`${p}.smoothing`).data as Float64Array)[0] };
}

function upload(backend: Backend, c: ReturnType<typeof load>) {
  return {
    logits: backend.upload(c.logits.data, c.logits.shape),
    labels: backend.upload(c.labels, [c.N], 'i32'),
    opts: { classWeights: c.weights && backend.upload(c.weights, [c.K]), labelSmoothing: c.eps },
  };
}

it('has the golden cases', () => expect(cases.length).toBeGreaterThanOrEqual(8));

describeBackends('softmax cross-entropy vs torch.nn.functional.cross_entropy', (backend) => {
  for (const name of cases) {
    it(name, async () => {
      const c = load(name);
      const t = upload(backend, c);
      const { loss, probs } = softmaxCrossEntropyForward(backend, t.logits, t.labels, t.opts);
      const dlogits = softmaxCrossEntropyBackward(backend, probs, t.labels, t.opts);
      expectClose(await loss.read(), golden.get(`ce.${name}.loss`).data, LOSS_TOL, `${name} loss`);
      expectClose(await probs.read(), golden.get(`ce.${name}.probs`).data, PROBS_TOL, `${name} probs`);
      expectClose(await dlogits.read(), golden.get(`ce.${name}.dlogits`).data, gradTol(c.N), `${name} dlogits`);
    });
  }

  it('scales dlogits by lossScale[0]', async () => {
    const c = load('weights_smooth');
    const t = upload(backend, c);
    const { probs } = softmaxCrossEntropyForward(backend, t.logits, t.labels, t.opts);
    const dlogits = softmaxCrossEntropyBackward(backend, probs, t.labels, t.opts, backend.upload([2.5], [1]));
    const expected = golden.get('ce.weights_smooth.dlogits').data.map((v) => 2.5 * v);
    expectClose(await dlogits.read(), expected, { atol: 2.5 * gradTol(c.N).atol, rtol: 2e-6 }, 'scaled dlogits');
  });

  // More rows than a workgroup has invocations, and loops past gpu.js's default 1,000-iteration cap.
  for (const [N, K] of [[1500, 8], [3, 1200]]) {
    it(`[${N}, ${K}] matches the float64 reference`, async () => {
      const logits = Float32Array.from({ length: N * K }, (_, i) => 4 * Math.sin(i * 0.37) + Math.cos(i * 1.3));
      const labels = Int32Array.from({ length: N }, (_, i) => (i * 7) % K);
      const weights = Float32Array.from({ length: K }, (_, k) => 0.5 + (k % 5) * 0.3);
      const opts = { classWeights: backend.upload(weights, [K]), labelSmoothing: 0.1 };
      const tl = backend.upload(labels, [N], 'i32');
      const { loss, probs } = softmaxCrossEntropyForward(backend, backend.upload(logits, [N, K]), tl, opts);
      const dlogits = softmaxCrossEntropyBackward(backend, probs, tl, opts);
      const ref = softmaxCrossEntropyReference(logits, labels, N, K, weights, 0.1);
      expectClose(await loss.read(), [ref.loss], LOSS_TOL, 'loss');
      expectClose(await probs.read(), ref.probs, PROBS_TOL, 'probs');
      expectClose(await dlogits.read(), softmaxCrossEntropyBackwardReference(ref.probs, labels, N, K, weights, 0.1), gradTol(N), 'dlogits');
    });
  }

  it('rejects labels that are not i32 [N]', () => {
    const logits = backend.upload(new Float32Array(16), [2, 8]);
    expect(() => softmaxCrossEntropyForward(backend, logits, backend.upload([0, 1], [2]))).toThrow(/i32/);
  });
});

it('the float64 reference agrees with torch', () => {
  for (const name of cases) {
    const c = load(name);
    const ref = softmaxCrossEntropyReference(c.logits.data, c.labels, c.N, c.K, c.weights, c.eps);
    expectClose([ref.loss], golden.get(`ce.${name}.loss`).data, { atol: 0, rtol: 1e-7 }, `${name} reference loss`);
    const grad = softmaxCrossEntropyBackwardReference(ref.probs, c.labels, c.N, c.K, c.weights, c.eps);
    expectClose(grad, golden.get(`ce.${name}.dlogits`).data, { atol: 1e-12, rtol: 1e-7 }, `${name} reference dlogits`);
  }
});

it('the float64 backward matches finite differences of the float64 loss', () => {
  const h = 1e-6;
  for (const name of ['plain', 'weights_smooth', 'batch1_weights_smooth']) {
    const c = load(name);
    const z = Float64Array.from(c.logits.data);
    const lossAt = () => softmaxCrossEntropyReference(z, c.labels, c.N, c.K, c.weights, c.eps).loss;
    const grad = softmaxCrossEntropyBackwardReference(softmaxCrossEntropyReference(z, c.labels, c.N, c.K, c.weights, c.eps).probs, c.labels, c.N, c.K, c.weights, c.eps);
    const fd = z.map((v, i) => {
      z[i] = v + h;
      const up = lossAt();
      z[i] = v - h;
      const down = lossAt();
      z[i] = v;
      return (up - down) / (2 * h);
    });
    expectClose(grad, fd, { atol: 1e-8, rtol: 1e-6 }, `${name} finite differences`);
  }
});

// Probability targets (ce_soft.*): the same kernels' arithmetic with t' in place of the one-hot.
const softCases = golden.names('ce_soft.').filter((n) => n.endsWith('.loss')).map((n) => n.slice('ce_soft.'.length, -'.loss'.length));

function loadSoft(name: string) {
  const p = `ce_soft.${name}`;
  const logits = golden.get(`${p}.logits`);
  const targets = golden.get(`${p}.targets`).data;
  const weights = golden.names(`${p}.weights`).length ? golden.get(`${p}.weights`).data : null;
  const [N, K] = logits.shape;
  return { logits, targets, weights, N, K, eps: (golden.raw(`${p}.smoothing`).data as Float64Array)[0] };
}

function uploadSoft(backend: Backend, c: ReturnType<typeof loadSoft>) {
  return {
    logits: backend.upload(c.logits.data, c.logits.shape),
    targets: backend.upload(c.targets, [c.N, c.K]),
    opts: { classWeights: c.weights && backend.upload(c.weights, [c.K]), labelSmoothing: c.eps },
  };
}

it('has the soft-target golden cases', () => expect(softCases.length).toBeGreaterThanOrEqual(7));

describeBackends('softmax cross-entropy with probability targets vs torch.nn.functional.cross_entropy', (backend) => {
  for (const name of softCases) {
    it(name, async () => {
      const c = loadSoft(name);
      const t = uploadSoft(backend, c);
      const { loss, probs } = softmaxCrossEntropySoftForward(backend, t.logits, t.targets, t.opts);
      const dlogits = softmaxCrossEntropySoftBackward(backend, probs, t.targets, t.opts);
      expectClose(await loss.read(), golden.get(`ce_soft.${name}.loss`).data, LOSS_TOL, `${name} loss`);
      expectClose(await probs.read(), golden.get(`ce_soft.${name}.probs`).data, PROBS_TOL, `${name} probs`);
      expectClose(await dlogits.read(), golden.get(`ce_soft.${name}.dlogits`).data, gradTol(c.N), `${name} dlogits`);
    });
  }

  it('one-hot targets give the integer-label loss and gradient', async () => {
    const c = load('weights_smooth');
    const onehot = new Float32Array(c.N * c.K);
    c.labels.forEach((y, i) => (onehot[i * c.K + y] = 1));
    const t = upload(backend, c);
    // Without weights both means divide by N, so the two definitions coincide.
    const opts = { labelSmoothing: c.eps };
    const soft = softmaxCrossEntropySoftForward(backend, t.logits, backend.upload(onehot, [c.N, c.K]), opts);
    const hard = softmaxCrossEntropyForward(backend, t.logits, t.labels, opts);
    expectClose(await soft.loss.read(), await hard.loss.read(), LOSS_TOL, 'loss');
    const dSoft = softmaxCrossEntropySoftBackward(backend, soft.probs, backend.upload(onehot, [c.N, c.K]), opts, backend.upload([2.5], [1]));
    const dHard = softmaxCrossEntropyBackward(backend, hard.probs, t.labels, opts, backend.upload([2.5], [1]));
    expectClose(await dSoft.read(), await dHard.read(), { atol: 2.5 * gradTol(c.N).atol, rtol: 2e-6 }, 'scaled dlogits');
  });

  it('[1500, 8] soft targets match the float64 reference', async () => {
    const [N, K] = [1500, 8];
    const logits = Float32Array.from({ length: N * K }, (_, i) => 4 * Math.sin(i * 0.37) + Math.cos(i * 1.3));
    const targets = new Float32Array(N * K);
    for (let i = 0; i < N; i++) {
      const l = Math.fround(0.5 + 0.5 * Math.sin(i));
      targets[i * K + (i % K)] += l;
      targets[i * K + ((i * 3 + 1) % K)] += 1 - l;
    }
    const weights = Float32Array.from({ length: K }, (_, k) => 0.5 + (k % 5) * 0.3);
    const opts = { classWeights: backend.upload(weights, [K]), labelSmoothing: 0.1 };
    const tt = backend.upload(targets, [N, K]);
    const { loss, probs } = softmaxCrossEntropySoftForward(backend, backend.upload(logits, [N, K]), tt, opts);
    const dlogits = softmaxCrossEntropySoftBackward(backend, probs, tt, opts);
    const ref = softmaxCrossEntropySoftReference(logits, targets, N, K, weights, 0.1);
    expectClose(await loss.read(), [ref.loss], LOSS_TOL, 'loss');
    expectClose(await probs.read(), ref.probs, PROBS_TOL, 'probs');
    expectClose(await dlogits.read(), softmaxCrossEntropySoftBackwardReference(ref.probs, targets, N, K, weights, 0.1), gradTol(N), 'dlogits');
  });

  it('rejects soft targets of another shape', () => {
    const logits = backend.upload(new Float32Array(16), [2, 8]);
    expect(() => softmaxCrossEntropySoftForward(backend, logits, backend.upload(new Float32Array(8), [1, 8]))).toThrow(/f32 \[2, 8\]/);
  });
});

it('the soft-target float64 reference agrees with torch and with finite differences', () => {
  for (const name of softCases) {
    const c = loadSoft(name);
    const ref = softmaxCrossEntropySoftReference(c.logits.data, c.targets, c.N, c.K, c.weights, c.eps);
    expectClose([ref.loss], golden.get(`ce_soft.${name}.loss`).data, { atol: 0, rtol: 1e-7 }, `${name} reference loss`);
    const grad = softmaxCrossEntropySoftBackwardReference(ref.probs, c.targets, c.N, c.K, c.weights, c.eps);
    expectClose(grad, golden.get(`ce_soft.${name}.dlogits`).data, { atol: 1e-12, rtol: 1e-7 }, `${name} reference dlogits`);
  }
  const h = 1e-6;
  for (const name of ['mixup', 'dense_weights_smooth', 'batch1_weights_smooth']) {
    const c = loadSoft(name);
    const z = Float64Array.from(c.logits.data);
    const lossAt = () => softmaxCrossEntropySoftReference(z, c.targets, c.N, c.K, c.weights, c.eps).loss;
    const grad = softmaxCrossEntropySoftBackwardReference(softmaxCrossEntropySoftReference(z, c.targets, c.N, c.K, c.weights, c.eps).probs, c.targets, c.N, c.K, c.weights, c.eps);
    const fd = z.map((v, i) => {
      z[i] = v + h;
      const up = lossAt();
      z[i] = v - h;
      const down = lossAt();
      z[i] = v;
      return (up - down) / (2 * h);
    });
    expectClose(grad, fd, { atol: 1e-8, rtol: 1e-6 }, `${name} finite differences`);
  }
});
