// A model is data: the input shape of one example and a stack of layers, written as JSON or TypeScript.
// Shapes are inferred here, before any GPU work, so a stack that does not fit fails naming the layer.
import { conv2dOutputShape } from '../ops/conv2d.js';
import { pool2dOutputShape } from '../ops/pool.js';

/** A size given once for both spatial axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

/** `name` overrides the state-dict prefix of the layer (default: its index, as in an nn.Sequential). */
interface Named {
  name?: string;
}

export interface Conv2dSpec extends Named {
  type: 'conv2d';
  filters: number;
  kernel: Pair;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  /** Default true. */
  bias?: boolean;
}

export interface Pool2dSpec extends Named {
  type: 'maxpool2d' | 'avgpool2d';
  kernel: Pair;
  /** Default: the kernel size (PyTorch's default). */
  stride?: Pair;
  padding?: Pair;
}

export interface DenseSpec extends Named {
  type: 'dense';
  units: number;
  bias?: boolean;
}

export interface ActivationSpec extends Named {
  type: 'relu' | 'leaky_relu' | 'elu';
  /** leaky_relu's negative slope (default 0.01) or elu's alpha (default 1), as in PyTorch. */
  alpha?: number;
}

export interface BatchNormSpec extends Named {
  type: 'batchnorm2d' | 'batchnorm1d';
  /** PyTorch's convention: running = (1 - momentum) * running + momentum * batch. Default 0.1. */
  momentum?: number;
  eps?: number;
}

export interface DropoutSpec extends Named {
  type: 'dropout';
  rate: number;
}

export interface ShapeOnlySpec extends Named {
  type: 'globalavgpool' | 'flatten';
}

export type LayerSpec = Conv2dSpec | Pool2dSpec | DenseSpec | ActivationSpec | BatchNormSpec | DropoutSpec | ShapeOnlySpec;
export type LayerType = LayerSpec['type'];

export interface ModelSpec {
  /** The shape of one example: [channels, height, width] for images (log-Mel: [1, mels, frames]) or [features]. */
  input: number[];
  layers: LayerSpec[];
}

/** Per-example shapes (no batch axis) around one layer. */
export interface LayerShapes {
  input: number[];
  output: number[];
}

export const DEFAULT_LEAKY_SLOPE = 0.01;
export const DEFAULT_ELU_ALPHA = 1;
export const DEFAULT_BN_MOMENTUM = 0.1;
export const DEFAULT_BN_EPS = 1e-5;

export function pair(value: Pair | undefined, fallback: number): [number, number] {
  if (value === undefined) return [fallback, fallback];
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/** "layer 3 (conv2d)": how every error about a layer names it. */
export function layerLabel(index: number, spec: LayerSpec): string {
  return `layer ${index} (${spec.type}${spec.name ? ` "${spec.name}"` : ''})`;
}

/** Checks the spec and returns the per-example shapes around every layer; errors name the layer. */
export function inferShapes(spec: ModelSpec): LayerShapes[] {
  if (!Array.isArray(spec.input) || spec.input.length === 0 || !spec.input.every(isPositiveInteger)) {
    throw new Error(`model input must be a shape of positive integers ([channels, height, width] or [features]), got ${JSON.stringify(spec.input)}`);
  }
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw new Error('model has no layers');
  const shapes: LayerShapes[] = [];
  let shape = [...spec.input];
  spec.layers.forEach((layer, i) => {
    try {
      const output = outputShape(layer, shape);
      if (!output.every(isPositiveInteger)) throw new Error(`output shape [${output}] has an empty axis`);
      shapes.push({ input: shape, output });
      shape = output;
    } catch (error) {
      throw new Error(`${layerLabel(i, layer)} with input [${shape}]: ${(error as Error).message}`);
    }
  });
  if (shape.length !== 1) throw new Error(`the model must end in class scores [classes], but its output is [${shape}]: add globalavgpool or flatten, then dense`);
  return shapes;
}

function outputShape(layer: LayerSpec, input: number[]): number[] {
  switch (layer.type) {
    case 'conv2d': {
      const [c] = expectRank(input, 3, 'an image [channels, height, width]');
      positiveInteger(layer, 'filters');
      const weight = [layer.filters, c, ...checkedPair(layer.kernel, 'kernel', 1)];
      return conv2dOutputShape([1, ...input], weight, conv2dParams(layer)).slice(1);
    }
    case 'maxpool2d':
    case 'avgpool2d':
      expectRank(input, 3, 'an image [channels, height, width]');
      return pool2dOutputShape([1, ...input], pool2dParams(layer)).slice(1);
    case 'globalavgpool':
      return [expectRank(input, 3, 'an image [channels, height, width]')[0]];
    case 'flatten':
      return [input.reduce((a, b) => a * b, 1)];
    case 'dense':
      expectRank(input, 1, 'flat features [features]: put globalavgpool or flatten before it');
      positiveInteger(layer, 'units');
      return [layer.units];
    case 'batchnorm2d':
      expectRank(input, 3, 'an image [channels, height, width]');
      checkBatchNorm(layer);
      return input;
    case 'batchnorm1d':
      expectRank(input, 1, 'flat features [features]');
      checkBatchNorm(layer);
      return input;
    case 'relu':
    case 'leaky_relu':
    case 'elu':
      if (layer.alpha !== undefined && !(Number.isFinite(layer.alpha) && layer.alpha >= 0)) throw new Error(`alpha must be a finite number >= 0, got ${layer.alpha}`);
      return input;
    case 'dropout':
      if (!(typeof layer.rate === 'number' && layer.rate >= 0 && layer.rate < 1)) throw new Error(`rate must be in [0, 1), got ${layer.rate}`);
      return input;
    default:
      throw new Error(`unknown layer type ${JSON.stringify((layer as { type: unknown }).type)}`);
  }
}

export function conv2dParams(layer: Conv2dSpec) {
  const [strideH, strideW] = checkedPair(layer.stride, 'stride', 1);
  const [padH, padW] = checkedPair(layer.padding, 'padding', 0, 0);
  const [dilationH, dilationW] = checkedPair(layer.dilation, 'dilation', 1);
  return { strideH, strideW, padH, padW, dilationH, dilationW };
}

export function pool2dParams(layer: Pool2dSpec) {
  const [kernelH, kernelW] = checkedPair(layer.kernel, 'kernel', 1);
  const [strideH, strideW] = checkedPair(layer.stride ?? layer.kernel, 'stride', 1);
  const [padH, padW] = checkedPair(layer.padding, 'padding', 0, 0);
  return { kernelH, kernelW, strideH, strideW, padH, padW };
}

function checkedPair(value: Pair | undefined, field: string, fallback: number, min = 1): [number, number] {
  const result = pair(value, fallback);
  if (!result.every((v) => Number.isInteger(v) && v >= min)) throw new Error(`${field} must be integers >= ${min}, got ${JSON.stringify(value)}`);
  return result;
}

function checkBatchNorm(layer: BatchNormSpec): void {
  if (layer.momentum !== undefined && !(layer.momentum >= 0 && layer.momentum <= 1)) throw new Error(`momentum must be in [0, 1], got ${layer.momentum}`);
  if (layer.eps !== undefined && !(layer.eps > 0)) throw new Error(`eps must be > 0, got ${layer.eps}`);
}

function expectRank(shape: number[], rank: number, what: string): number[] {
  if (shape.length !== rank) throw new Error(`needs ${what}, got [${shape}]`);
  return shape;
}

function positiveInteger<T extends LayerSpec>(layer: T, field: keyof T & string): void {
  if (!isPositiveInteger(layer[field])) throw new Error(`${field} must be a positive integer, got ${JSON.stringify(layer[field])}`);
}

function isPositiveInteger(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
