// Rows for the reference network's four conv3x3 layers (padding 1, each after a 2x2 max-pool but the
// first): forward with bias and ReLU fused, backward-input, backward-weight and the bias gradient.
import {
  conv2dBackwardBias, conv2dBackwardBiasReference, conv2dBackwardInput, conv2dBackwardInputReference, conv2dBackwardWeight,
  conv2dBackwardWeightReference, conv2dForward, conv2dGeometry, conv2dReference, conv2dTiling, type Conv2dKernel, type Conv2dParams, type Conv2dPass,
} from '../../ops/conv2d.js';
import type { WebGpuBackend } from '../../backend/types.js';
import type { Tensor } from '../../tensor.js';
import { check, instance, random, size, type KernelCase } from './case.js';

export const CONV: Conv2dParams = { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1 };
/** Input channels, height and width, and output channels of each layer of the default model. */
export const LAYERS = [
  { C: 1, H: 64, W: 188, O: 16 },
  { C: 16, H: 32, W: 94, O: 32 },
  { C: 32, H: 16, W: 47, O: 64 },
  { C: 64, H: 8, W: 23, O: 128 },
];
/** Validation batch: the same planes and channels, so the op picks the same kernels. */
export const SMALL_BATCH = 2;

type Layer = (typeof LAYERS)[number];

export function layerShapes(l: Layer, n: number) {
  return { input: [n, l.C, l.H, l.W], weight: [l.O, l.C, 3, 3], output: [n, l.O, l.H, l.W] };
}

export function convCases(l: Layer, name: string, batch: number, kernel?: Conv2dKernel): KernelCase[] {
  const full = layerShapes(l, batch);
  const g = conv2dGeometry(full.input, full.weight, CONV);
  const flops = 2 * g.N * g.O * g.OH * g.OW * g.C * g.KH * g.KW;
  const shape = `[${full.input}]*[${full.weight}]`;

  /** A case over x, w, b and dy of the layer; `pass` records the op, `reference` computes it in float64. */
  const make = (
    label: string,
    pass: Conv2dPass | null,
    record: (t: Record<'x' | 'w' | 'b' | 'dy', Tensor>, s: ReturnType<typeof layerShapes>) => Tensor,
    reference: (h: Record<'x' | 'w' | 'b' | 'dy', Float32Array>, s: ReturnType<typeof layerShapes>) => Float64Array,
  ): KernelCase => ({
    kernel: `${name} ${label}`,
    shape: pass ? shape : `[${full.output}]`,
    work: pass ? { flops, bytes: 4 * (size(full.input) + size(full.weight) + size(full.output) + l.O) } : { bytes: 4 * (size(full.output) + l.O) },
    variant: pass ? (backend: WebGpuBackend) => conv2dTiling(backend.runtime.report, pass, g, pass === 'backwardWeight' ? undefined : kernel).name : undefined,
    tfjs: pass ? { pass, input: full.input, weight: full.weight } : undefined,
    setup(backend, small) {
      // The bias gradient's split depends on the batch, and its reference is a plain sum: validate at full size.
      const s = layerShapes(l, small && pass ? SMALL_BATCH : batch);
      const h = { x: random(size(s.input), 1), w: random(size(s.weight), 2), b: random(l.O, 3), dy: random(size(s.output), 4) };
      const t = { x: backend.upload(h.x, s.input), w: backend.upload(h.w, s.weight), b: backend.upload(h.b, [l.O]), dy: backend.upload(h.dy, s.output) };
      return instance(Object.values(t), () => [record(t, s)], async ([out]) => check(`${name} ${label}`, await out.read(), reference(h, s)));
    },
  });

  return [
    make('forward+bias+relu', 'forward',
      (t) => conv2dForward(t.x.backend, t.x, t.w, t.b, CONV, 'relu', { kernel }),
      (h, s) => conv2dReference(h.x, s.input, h.w, s.weight, h.b, CONV, 'relu')),
    make('backward-input', 'backwardInput',
      (t, s) => conv2dBackwardInput(t.x.backend, t.dy, t.w, CONV, s.input, { kernel }),
      (h, s) => conv2dBackwardInputReference(h.dy, h.w, s.weight, CONV, s.input)),
    make('backward-weight', 'backwardWeight',
      (t, s) => conv2dBackwardWeight(t.x.backend, t.x, t.dy, CONV, s.weight),
      (h, s) => conv2dBackwardWeightReference(h.x, s.input, h.dy, CONV, s.weight)),
    make('bias grad', null,
      (t) => conv2dBackwardBias(t.x.backend, t.dy),
      (h, s) => conv2dBackwardBiasReference(h.dy, s.output)),
  ];
}
