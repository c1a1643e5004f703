// Rows for the kernel families the default model's step does not run: elementwise, dropout (on conv1's
// activation), deltas of log-Mel features, 48 -> 16 kHz resampling of 3.5 s clips, and inference's input
// standardisation and softmax.
import type { Backend } from '../../backend/types.js';
import { deltaReference, frameCount, packClips, resampleClips, resampleReference, stackDeltas, type FeatureBatch } from '../../features/index.js';
import { resamplePlan, resampledLength } from '../../features/fir.js';
import { binary, binaryReference } from '../../ops/elementwise.js';
import { dropoutForward, dropoutMaskReference } from '../../ops/dropout.js';
import { softmax, softmaxReference } from '../../ops/scores.js';
import { standardize, standardizeReference } from '../../ops/standardize.js';
import { check, instance, random, readAll, size, type KernelCase } from './case.js';
import { LAYERS, SMALL_BATCH, layerShapes } from './conv-cases.js';

const bytes = (...counts: number[]) => ({ bytes: 4 * counts.reduce((a, b) => a + b, 0) });

function elementwiseCase(batch: number): KernelCase {
  const shapeOf = (small: boolean) => layerShapes(LAYERS[0], small ? SMALL_BATCH : batch).output;
  const n = size(shapeOf(false));
  return {
    kernel: 'elementwise scale_add', shape: `[${shapeOf(false)}]`, work: bytes(3 * n),
    setup(backend, small) {
      const s = shapeOf(small);
      const [a, b] = [random(size(s), 70), random(size(s), 71)];
      const t = [backend.upload(a, s), backend.upload(b, s)];
      return instance(t, () => [binary(backend, 'scale_add', t[0], t[1], 0.5)], async ([out]) =>
        check('scale_add', await out.read(), binaryReference('scale_add', a, b, 0.5)));
    },
  };
}

function dropoutCase(batch: number): KernelCase {
  const shapeOf = (small: boolean) => layerShapes(LAYERS[0], small ? SMALL_BATCH : batch).output;
  const n = size(shapeOf(false));
  const [p, seed] = [0.25, 1234];
  return {
    kernel: 'dropout forward p=0.25', shape: `[${shapeOf(false)}]`, work: bytes(3 * n),
    setup(backend, small) {
      const s = shapeOf(small);
      const x = random(size(s), 72);
      const t = backend.upload(x, s);
      return instance([t], () => Object.values(dropoutForward(backend, t, p, seed)), async (outs) => {
        const [y, mask] = await readAll(outs);
        const ref = dropoutMaskReference(seed, x.length, p);
        check('dropout mask', mask, ref, 1e-6);
        check('dropout y', y, ref.map((m, i) => m * x[i]), 1e-6);
      });
    },
  };
}

/** [features; Δ; Δ²] of log-Mel-like values, 64 bands x the frames of 3.5 s clips. */
function deltaCase(clips: number): KernelCase {
  const bands = 64;
  const framesOf = (small: boolean) => (small ? [40, 31] : Array<number>(clips).fill(frameCount(56000, 256)));
  const maxFrames = Math.max(...framesOf(false));
  const cells = clips * bands * maxFrames;
  return {
    kernel: 'delta + delta-delta (width 9)', shape: `[${clips},${bands},${maxFrames}] -> [${clips},${3 * bands},${maxFrames}]`,
    // Two 9-tap filters per output cell of the two derivatives: multiply and add each.
    work: { flops: 2 * 2 * 9 * cells, bytes: 4 * 4 * cells },
    setup(backend, small) {
      const frames = framesOf(small);
      const max = Math.max(...frames);
      const host = new Float32Array(frames.length * bands * max);
      const perClip = frames.map((f, c) => random(bands * f, 80 + c, 40));
      perClip.forEach((values, c) => {
        for (let b = 0; b < bands; b++) host.set(values.subarray(b * frames[c], (b + 1) * frames[c]), (c * bands + b) * max);
      });
      const input: FeatureBatch = { features: backend.upload(host, [frames.length, bands, max]), frames };
      return instance([input.features], () => [stackDeltas(backend, input, 2).features], async ([out]) => {
        const values = await out.read();
        frames.forEach((f, c) => {
          for (const order of [1, 2] as const) {
            const got = new Float32Array(bands * f);
            for (let b = 0; b < bands; b++) got.set(values.subarray(((c * 3 + order) * bands + b) * max, ((c * 3 + order) * bands + b) * max + f), b * f);
            check(`delta order ${order}, clip ${c}`, got, deltaReference(perClip[c], bands, f, order));
          }
        });
      });
    },
  };
}

/** RAVDESS as shipped (48 kHz) to the feature rate. */
function resampleCase(clips: number): KernelCase {
  const [from, to] = [48000, 16000];
  const plan = resamplePlan(from, to);
  const lengthsOf = (small: boolean) => (small ? [4801, 3000] : Array<number>(clips).fill(3.5 * from));
  const outputs = clips * resampledLength(3.5 * from, plan);
  return {
    kernel: `resample ${from / 1000} -> ${to / 1000} kHz`, shape: `${clips} clips x ${3.5 * from} samples, ${plan.taps.length} taps`,
    // Each output sums the taps that meet non-zero inputs of the zero-stuffed signal: taps / up of them.
    work: { flops: 2 * outputs * Math.ceil(plan.taps.length / plan.up), bytes: 4 * (clips * 3.5 * from + outputs) },
    setup(backend: Backend, small) {
      const hosts = lengthsOf(small).map((n, c) => random(n, 90 + c, 0.5));
      const packed = packClips(backend, hosts);
      return instance([packed.samples], () => [resampleClips(backend, packed, from, to).samples], async ([out]) => {
        const values = await out.read();
        let offset = 0;
        hosts.forEach((h, c) => {
          const want = resampleReference(h, from, to, plan);
          check(`resample clip ${c}`, values.subarray(offset, offset + want.length), want);
          offset += want.length;
        });
      });
    },
  };
}

/** The model's input step: per-band standardisation of [N, 1, 64, 188] windows, masked past each length. */
function standardizeCase(batch: number): KernelCase {
  const [C, T] = [64, 188];
  const n = batch * C * T;
  return {
    kernel: 'standardize (masked)', shape: `[${batch},1,${C},${T}]`, work: bytes(2 * n),
    setup(backend, small) {
      const N = small ? SMALL_BATCH : batch;
      const x = random(N * C * T, 95, 20);
      const lengths = Int32Array.from({ length: N }, (_, i) => T - ((i * 37) % 60));
      const [mean, invStd] = [random(C, 96, 5), random(C, 97).map((v) => 1 + Math.abs(v))];
      const t = [backend.upload(x, [N, 1, C, T]), backend.upload(lengths, [N], 'i32'), backend.upload(mean, [C]), backend.upload(invStd, [C])];
      return instance(t, () => [standardize(backend, t[0], t[1], t[2], t[3])], async ([y]) =>
        check('standardize', await y.read(), standardizeReference(x, [N, C, T], lengths, mean, invStd)));
    },
  };
}

/** Inference's class probabilities of a batch of 64 (8 classes). */
function softmaxCase(): KernelCase {
  const [N, K] = [64, 8];
  return {
    kernel: 'softmax (inference)', shape: `[${N},${K}]`, work: bytes(2 * N * K),
    setup(backend) {
      const z = random(N * K, 98, 6);
      const t = backend.upload(z, [N, K]);
      return instance([t], () => [softmax(backend, t)], async ([p]) => check('softmax', await p.read(), softmaxReference(z, K)));
    },
  };
}

export const moreCases = (batch: number, clips: number): KernelCase[] => [
  elementwiseCase(batch), dropoutCase(batch), deltaCase(clips), resampleCase(clips), standardizeCase(batch), softmaxCase(),
];
