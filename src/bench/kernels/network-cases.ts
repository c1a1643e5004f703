// Rows for the rest of the reference network's training step (ReLU backward, pooling, dense, softmax
// cross-entropy, Adam), plus batchnorm and square matmuls, at a given batch (32 on WebGPU:
// twice the recipe's training batch, so that a GPU's rows are not all launch-bound).
import type { Backend, WebGpuBackend } from '../../backend/types.js';
import { activationBackward, activationBackwardReference } from '../../ops/activation.js';
import { batchNormBackward, batchNormBackwardReference, batchNormForward, batchNormReference, batchNormTiling } from '../../ops/batchnorm.js';
import { denseBackward, denseBackwardReference, denseForward, denseReference } from '../../ops/dense.js';
import { matmul, matmulReference, matmulTiling, tilingName } from '../../ops/matmul.js';
import { Optimizer, OptimizerReference, type AdamConfig } from '../../ops/optim.js';
import {
  globalAvgPoolBackward, globalAvgPoolBackwardReference, globalAvgPoolForward, globalAvgPoolReference,
  maxPool2dBackward, maxPool2dBackwardReference, maxPool2dForward, maxPool2dReference, type Pool2dParams,
} from '../../ops/pool.js';
import { softmaxCrossEntropyBackward, softmaxCrossEntropyBackwardReference, softmaxCrossEntropyForward, softmaxCrossEntropyReference } from '../../ops/softmax-ce.js';
import { check, instance, random, readAll, size, type KernelCase } from './case.js';
import { LAYERS, SMALL_BATCH, layerShapes } from './conv-cases.js';

const POOL: Pool2dParams = { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 };
const CLASSES = 8;
const FEATURES = LAYERS[3].O;

const bytes = (...counts: number[]) => ({ bytes: 4 * counts.reduce((a, b) => a + b, 0) });

/** ReLU backward on a conv layer's output (the forward ReLU is fused into the conv). */
export function reluCase(l: (typeof LAYERS)[number], name: string, batch: number): KernelCase {
  const n = size(layerShapes(l, batch).output);
  return {
    kernel: `${name} relu backward`,
    shape: `[${layerShapes(l, batch).output}]`,
    work: bytes(n, n, n),
    setup(backend, small) {
      const shape = layerShapes(l, (small ? SMALL_BATCH : batch)).output;
      const [y, dy] = [random(size(shape), 5), random(size(shape), 6)];
      const t = [backend.upload(y, shape), backend.upload(dy, shape)];
      return instance(t, () => [activationBackward(backend, 'relu', t[0], t[1])], async ([dx]) =>
        check(`${name} relu backward`, await dx.read(), activationBackwardReference('relu', y, dy)));
    },
  };
}

export function maxPoolCases(l: (typeof LAYERS)[number], name: string, batch: number): KernelCase[] {
  const n = size(layerShapes(l, batch).output);
  const shape = `[${layerShapes(l, batch).output}]`;
  const inputs = (backend: Backend, small: boolean) => {
    const s = layerShapes(l, (small ? SMALL_BATCH : batch)).output;
    const x = random(size(s), 7);
    return { s, x, t: backend.upload(x, s) };
  };
  return [
    {
      kernel: `${name} maxpool2 forward`, shape, work: bytes(n, n / 4, n / 4),
      setup(backend, small) {
        const { s, x, t } = inputs(backend, small);
        return instance([t], () => Object.values(maxPool2dForward(backend, t, POOL)), async (outs) => {
          const [y, argmax] = await readAll(outs);
          const ref = maxPool2dReference(x, s, POOL);
          check(`${name} maxpool forward`, y, ref.y, 0);
          check(`${name} maxpool argmax`, argmax, ref.argmax, 0);
        });
      },
    },
    {
      kernel: `${name} maxpool2 backward`, shape, work: bytes(n / 4, n / 4, n),
      setup(backend, small) {
        const { s, t } = inputs(backend, small);
        const { y, argmax } = maxPool2dForward(backend, t, POOL);
        const dy = random(y.size, 8);
        const dyT = backend.upload(dy, y.shape);
        return instance([t, y, argmax, dyT], () => [maxPool2dBackward(backend, dyT, argmax, s)], async ([dx]) =>
          check(`${name} maxpool backward`, await dx.read(), maxPool2dBackwardReference(dy, await argmax.read(), s), 0));
      },
    },
  ];
}

function globalPoolCases(batch: number): KernelCase[] {
  const shapeOf = (small: boolean) => layerShapes(LAYERS[3], (small ? SMALL_BATCH : batch)).output;
  const n = size(shapeOf(false));
  return [
    {
      kernel: 'global avg pool forward', shape: `[${shapeOf(false)}]`, work: bytes(n, batch * FEATURES),
      setup(backend, small) {
        const s = shapeOf(small);
        const x = random(size(s), 9);
        const t = backend.upload(x, s);
        return instance([t], () => [globalAvgPoolForward(backend, t)], async ([y]) => check('global avg pool forward', await y.read(), globalAvgPoolReference(x, s)));
      },
    },
    {
      kernel: 'global avg pool backward', shape: `[${shapeOf(false)}]`, work: bytes(batch * FEATURES, n),
      setup(backend, small) {
        const s = shapeOf(small);
        const dy = random(s[0] * s[1], 10);
        const t = backend.upload(dy, s.slice(0, 2));
        return instance([t], () => [globalAvgPoolBackward(backend, t, s)], async ([dx]) =>
          check('global avg pool backward', await dx.read(), globalAvgPoolBackwardReference(dy, s)));
      },
    },
  ];
}

function denseCases(batch: number): KernelCase[] {
  const [N, I, O] = [batch, FEATURES, CLASSES];
  const setup = (backend: Backend) => {
    const h = { x: random(N * I, 11), w: random(O * I, 12), b: random(O, 13), dy: random(N * O, 14) };
    const t = { x: backend.upload(h.x, [N, I]), w: backend.upload(h.w, [O, I]), b: backend.upload(h.b, [O]), dy: backend.upload(h.dy, [N, O]) };
    return { h, t, owned: Object.values(t) };
  };
  return [
    {
      kernel: 'dense forward', shape: `[${N},${I}]*[${O},${I}]ᵀ`, work: { flops: 2 * N * I * O, bytes: 4 * (N * I + O * I + O + N * O) },
      setup(backend) {
        const { h, t, owned } = setup(backend);
        return instance(owned, () => [denseForward(backend, t.x, t.w, t.b)], async ([y]) => check('dense forward', await y.read(), denseReference(h.x, h.w, h.b, N, I, O)));
      },
    },
    {
      kernel: 'dense backward', shape: `[${N},${I}]*[${O},${I}]ᵀ`, work: { flops: 4 * N * I * O, bytes: 4 * (2 * N * I + 2 * O * I + N * O + O) },
      setup(backend) {
        const { h, t, owned } = setup(backend);
        return instance(owned, () => Object.values(denseBackward(backend, t.x, t.w, t.dy)), async (outs) => {
          const [dx, dw, db] = await readAll(outs);
          const ref = denseBackwardReference(h.x, h.w, h.dy, N, I, O);
          check('dense dx', dx, ref.dx);
          check('dense dw', dw, ref.dw);
          check('dense db', db, ref.db);
        });
      },
    },
  ];
}

function crossEntropyCases(batch: number): KernelCase[] {
  const [N, K] = [batch, CLASSES];
  const setup = (backend: Backend) => {
    const logits = random(N * K, 15, 4);
    const labels = Int32Array.from({ length: N }, (_, i) => (i * 5) % K);
    return { logits, labels, t: { logits: backend.upload(logits, [N, K]), labels: backend.upload(labels, [N], 'i32') } };
  };
  return [
    {
      kernel: 'softmax CE forward', shape: `[${N},${K}]`, work: bytes(2 * N * K, N, 1),
      setup(backend) {
        const { logits, labels, t } = setup(backend);
        return instance(Object.values(t), () => Object.values(softmaxCrossEntropyForward(backend, t.logits, t.labels)), async (outs) => {
          const [loss, probs] = await readAll(outs);
          const ref = softmaxCrossEntropyReference(logits, labels, N, K);
          check('CE loss', loss, [ref.loss]);
          check('CE probs', probs, ref.probs);
        });
      },
    },
    {
      kernel: 'softmax CE backward', shape: `[${N},${K}]`, work: bytes(2 * N * K, N),
      setup(backend) {
        const { labels, t } = setup(backend);
        const { loss, probs } = softmaxCrossEntropyForward(backend, t.logits, t.labels);
        loss.dispose();
        return instance([...Object.values(t), probs], () => [softmaxCrossEntropyBackward(backend, probs, t.labels)], async ([dlogits]) =>
          check('CE backward', await dlogits.read(), softmaxCrossEntropyBackwardReference(await probs.read(), labels, N, K)));
      },
    },
  ];
}

/** One Adam step over every parameter of the network: conv weights and biases, dense weight and bias. */
function adamCase(): KernelCase {
  const shapes = [...LAYERS.flatMap((l) => [layerShapes(l, 1).weight, [l.O]]), [CLASSES, FEATURES], [CLASSES]];
  const total = shapes.reduce((a, s) => a + size(s), 0);
  const config: AdamConfig = { kind: 'adam', lr: 1e-3 };
  return {
    kernel: 'adam step', shape: `${shapes.length} tensors, ${total} params`, work: bytes(7 * total),
    setup(backend) {
      const params = shapes.map((s, i) => random(size(s), 20 + i));
      const grads = shapes.map((s, i) => random(size(s), 40 + i));
      const slots = shapes.map((s, i) => ({ param: backend.upload(params[i], s), grad: backend.upload(grads[i], s) }));
      const optimizer = new Optimizer(backend, slots, config);
      const owned = slots.flatMap((s) => [s.param, s.grad]);
      return {
        run: () => (optimizer.step(), []),
        // One step moves a parameter by about lr: compare the steps, not the parameters around them.
        async validate() {
          const ref = new OptimizerReference(params, config);
          ref.step(grads);
          const after = await readAll(slots.map((s) => s.param));
          after.forEach((p, i) => check(`adam step of tensor ${i}`, p.map((v, j) => v - params[i][j]), ref.params[i].map((v, j) => v - params[i][j]), 1e-3));
        },
        dispose: () => {
          optimizer.dispose();
          owned.forEach((t) => t.dispose());
        },
      };
    },
  };
}

function batchNormCases(batch: number): KernelCase[] {
  const C = 16;
  const shapeOf = (small: boolean) => [(small ? SMALL_BATCH : batch), C, 64, 188];
  const n = size(shapeOf(false));
  const variant = (backend: WebGpuBackend) => {
    const t = batchNormTiling(backend.adapter.isSoftware, batch, 64 * 188);
    return `${t.chunked ? 'chunked' : 'interleaved'} Ts=${t.Ts} Tn=${t.Tn}${t.chunked ? ` L=${t.L}` : ''}`;
  };
  const setup = (backend: Backend, small: boolean) => {
    const s = shapeOf(small);
    const h = { x: random(size(s), 50, 3), dy: random(size(s), 51), gamma: random(C, 52), beta: random(C, 53), rm: new Float32Array(C), rv: new Float32Array(C).fill(1) };
    const t = { x: backend.upload(h.x, s), dy: backend.upload(h.dy, s), gamma: backend.upload(h.gamma, [C]), beta: backend.upload(h.beta, [C]) };
    const state = { runningMean: backend.upload(h.rm, [C]), runningVar: backend.upload(h.rv, [C]) };
    return { s, h, t, state, owned: [...Object.values(t), ...Object.values(state)] };
  };
  return [
    {
      kernel: 'batchnorm forward (train)', shape: `[${shapeOf(false)}]`, work: bytes(3 * n), variant,
      setup(backend, small) {
        const { s, h, t, state, owned } = setup(backend, small);
        return instance(owned, () => Object.values(batchNormForward(backend, t.x, t.gamma, t.beta, state, { training: true })), async (outs) => {
          const [y, mean, invStd] = await readAll(outs);
          const ref = batchNormReference(h.x, s, h.gamma, h.beta, h.rm, h.rv, { training: true });
          check('batchnorm y', y, ref.y);
          check('batchnorm mean', mean, ref.mean);
          check('batchnorm invStd', invStd, ref.invStd);
        });
      },
    },
    {
      kernel: 'batchnorm backward', shape: `[${shapeOf(false)}]`, work: bytes(5 * n), variant,
      setup(backend, small) {
        const { s, h, t, state, owned } = setup(backend, small);
        const { y, mean, invStd } = batchNormForward(backend, t.x, t.gamma, t.beta, state, { training: true });
        y.dispose();
        return instance([...owned, mean, invStd], () => Object.values(batchNormBackward(backend, t.x, t.dy, t.gamma, mean, invStd)), async (outs) => {
          const [dx, dgamma, dbeta] = await readAll(outs);
          const ref = batchNormBackwardReference(h.x, s, h.dy, h.gamma, await mean.read(), await invStd.read());
          check('batchnorm dx', dx, ref.dx);
          check('batchnorm dgamma', dgamma, ref.dgamma);
          check('batchnorm dbeta', dbeta, ref.dbeta);
        });
      },
    },
  ];
}

function matmulCase(n: number): KernelCase {
  return {
    kernel: 'matmul', shape: `${n}x${n}x${n}`, work: { flops: 2 * n ** 3, bytes: 4 * 3 * n * n },
    variant: (backend) => tilingName(matmulTiling(backend.adapter, n, n)),
    setup(backend) {
      const [a, b] = [random(n * n, 60), random(n * n, 61)];
      const t = [backend.upload(a, [n, n]), backend.upload(b, [n, n])];
      return instance(t, () => [matmul(backend, t[0], t[1])], async ([c]) => check(`matmul ${n}`, await c.read(), matmulReference(a, b, n, n, n)));
    },
  };
}

/** The training step's rows after the convolution layers', in the order a step runs them. */
export const tailCases = (batch: number): KernelCase[] => [...globalPoolCases(batch), ...denseCases(batch), ...crossEntropyCases(batch), adamCase()];

/** Batchnorm (not in the default model) and square matmuls of the given sizes. */
export const extraCases = (batch: number, matmulSizes: readonly number[]): KernelCase[] => [...batchNormCases(batch), ...matmulSizes.map(matmulCase)];
