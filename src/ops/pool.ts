// 2-D max, average and global-average pooling over NCHW, forward and backward: shaders/pool.wgsl on
// WebGPU, gpu.js kernels on the CPU backend, and float64 references for the finite-difference tests.
import type { Backend, CpuKernelFunction, WebGpuBackend } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import { sizeOf, type Tensor } from '../tensor.js';

export interface Pool2dParams {
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
}

const WG = 256;
/** global_avg_backward's workgroup: 64 planes, one per invocation. */
const PLANE_WG = 64;

/** [N, C, OH, OW] with PyTorch's floor rounding; padding at most half the kernel, as PyTorch requires. */
export function pool2dOutputShape(input: readonly number[], p: Pool2dParams): number[] {
  if (input.length !== 4) throw new Error(`pool2d: input [${input}] is not [N, C, H, W]`);
  const fields: [keyof Pool2dParams, number][] = [['kernelH', 1], ['kernelW', 1], ['strideH', 1], ['strideW', 1], ['padH', 0], ['padW', 0]];
  for (const [name, min] of fields) {
    if (!Number.isInteger(p[name]) || p[name] < min) throw new Error(`pool2d: ${name} = ${p[name]} is not an integer >= ${min}`);
  }
  if (2 * p.padH > p.kernelH || 2 * p.padW > p.kernelW) {
    throw new Error(`pool2d: padding ${p.padH}x${p.padW} exceeds half the kernel ${p.kernelH}x${p.kernelW}`);
  }
  const [n, c, h, w] = input;
  const oh = Math.floor((h + 2 * p.padH - p.kernelH) / p.strideH) + 1;
  const ow = Math.floor((w + 2 * p.padW - p.kernelW) / p.strideW) + 1;
  if (oh < 1 || ow < 1) throw new Error(`pool2d: a ${p.kernelH}x${p.kernelW} window does not fit input [${input}]`);
  return [n, c, oh, ow];
}

/** The uniform fields after `total`, in the order of the shader's Params (and the gpu.js kernels' arguments). */
function geometry(input: readonly number[], output: readonly number[], p: Pool2dParams): number[] {
  return [input[2], input[3], output[2], output[3], p.kernelH, p.kernelW, p.strideH, p.strideW, p.padH, p.padW];
}

function dispatch(backend: WebGpuBackend, entry: string, out: Tensor, geom: number[], inputs: Tensor[], extra: Tensor[] = [], constants: Record<string, number> = {}): void {
  backend.runtime.run({
    shader: 'pool',
    entry,
    constants: { WG, ...constants },
    uniforms: [out.size, ...geom],
    buffers: [...inputs.map((t) => t.buffer), out.buffer, ...extra.map((t) => t.buffer)],
    workgroups: grid1d(out.size, WG),
  });
}

/** The *_tiled entries' workgroup: along an output row (23-94 wide in the default model). */
const TILED_WG = 32;

/** Windows that tile the plane: stride = kernel, no padding (the default model's 2x2 pools). */
const tiles = (p: Pool2dParams) => p.strideH === p.kernelH && p.strideW === p.kernelW && p.padH === 0 && p.padW === 0;

/** The parameters behind each argmax tensor maxPool2dForward made, so its backward pass need not repeat them. */
const argmaxParams = new WeakMap<Tensor, Pool2dParams>();

/**
 * Max pooling of x, or with `relu` of relu(x) in the same pass (ReLU and max commute): y = 0 and argmax = -1
 * (no gradient) where a window holds no positive value, so maxPool2dBackward gives relu(x)'s gradient too.
 */
export function maxPool2dForward(backend: Backend, x: Tensor, p: Pool2dParams, relu = false): { y: Tensor; argmax: Tensor } {
  const shape = pool2dOutputShape(x.shape, p);
  const geom = geometry(x.shape, shape, p);
  let y: Tensor;
  let argmax: Tensor;
  if (backend.kind === 'webgpu') {
    y = backend.empty(shape);
    argmax = backend.empty(shape, 'i32');
    const entry = maxForwardEntry(p, shape);
    if (entry === 'max_forward_tiled') runTiled(backend, entry, p, shape, geom, [x, y, argmax], { RELU: Number(relu) });
    else dispatch(backend, entry, y, geom, [x], [argmax], { RELU: Number(relu) });
  } else {
    const n = sizeOf(shape);
    const at = backend.kernel('pool.max_argmax', maxArgmaxCpu, n)(x.host, ...geom, Number(relu)) as Float32Array;
    argmax = backend.wrap(at, shape, 'i32');
    y = backend.wrap(backend.kernel('pool.max_gather', maxGatherCpu, n)(x.host, argmax.host, geom[0] * geom[1], geom[2] * geom[3]) as Float32Array, shape);
  }
  argmaxParams.set(argmax, { ...p });
  return { y, argmax };
}

/**
 * dx = dy routed to each window's argmax, summed where windows overlap. `p` defaults to the parameters of
 * the maxPool2dForward call that made `argmax`; pass it for an argmax tensor made any other way.
 */
export function maxPool2dBackward(backend: Backend, dy: Tensor, argmax: Tensor, inputShape: readonly number[], p = argmaxParams.get(argmax)): Tensor {
  if (!p) throw new Error('maxPool2dBackward: argmax was not made by maxPool2dForward; pass the Pool2dParams');
  const shape = pool2dOutputShape(inputShape, p);
  if (dy.size !== sizeOf(shape) || argmax.size !== dy.size) {
    throw new Error(`maxPool2dBackward: dy [${dy.shape}] and argmax [${argmax.shape}] are not the output shape [${shape}]`);
  }
  const geom = geometry(inputShape, shape, p);
  if (backend.kind === 'webgpu') {
    const dx = backend.empty(inputShape);
    const entry = maxBackwardEntry(p, shape);
    if (entry === 'max_backward_tiled') {
      runTiled(backend, entry, p, shape, geom, [dy, dx, argmax]);
    } else if (entry === 'max_backward_disjoint') {
      // One invocation per output; it writes every dx element of its cell (see the shader).
      backend.runtime.run({
        shader: 'pool',
        entry,
        constants: { WG },
        uniforms: [dy.size, ...geom],
        buffers: [dy.buffer, dx.buffer, argmax.buffer],
        workgroups: grid1d(dy.size, WG),
      });
    } else {
      dispatch(backend, entry, dx, geom, [dy], [argmax]);
    }
    return dx;
  }
  return backend.wrap(backend.kernel('pool.max_backward', maxBackwardCpu, sizeOf(inputShape))(dy.host, argmax.host, ...geom) as Float32Array, inputShape);
}

/**
 * The grid of the *_tiled entries, [ow, oh, planes], in workgroups: null unless the windows tile the plane and
 * every dimension is within WebGPU's 65,535.
 */
function tiledGrid(p: Pool2dParams, output: readonly number[]): [number, number, number] | null {
  if (!tiles(p)) return null;
  const [n, c, oh, ow] = output;
  const grid: [number, number, number] = [Math.ceil(ow / TILED_WG), oh, n * c];
  return grid.every((g) => g <= 65535) ? grid : null;
}

function runTiled(backend: WebGpuBackend, entry: string, p: Pool2dParams, output: readonly number[], geom: number[], tensors: Tensor[], constants: Record<string, number> = {}): void {
  backend.runtime.run({
    shader: 'pool',
    entry,
    constants: { WG: TILED_WG, KH: p.kernelH, KW: p.kernelW, ...constants },
    uniforms: [sizeOf(output), ...geom],
    buffers: tensors.map((t) => t.buffer),
    workgroups: tiledGrid(p, output)!,
  });
}

/** The WGSL entry point maxPool2dForward uses for an output of `output`'s shape. */
export function maxForwardEntry(p: Pool2dParams, output: readonly number[]): 'max_forward_tiled' | 'max_forward' {
  return tiledGrid(p, output) ? 'max_forward_tiled' : 'max_forward';
}

/**
 * The WGSL entry point maxPool2dBackward uses: windows that tile the plane, on a grid without divisions; other
 * disjoint windows (stride >= kernel in both axes) one invocation per output scattering to its window;
 * otherwise one per input gathering from the windows holding it.
 */
export function maxBackwardEntry(p: Pool2dParams, output: readonly number[]): 'max_backward_tiled' | 'max_backward_disjoint' | 'max_backward' {
  if (tiledGrid(p, output)) return 'max_backward_tiled';
  return p.strideH >= p.kernelH && p.strideW >= p.kernelW ? 'max_backward_disjoint' : 'max_backward';
}

export function avgPool2dForward(backend: Backend, x: Tensor, p: Pool2dParams): Tensor {
  return avgPool(backend, x, p, pool2dOutputShape(x.shape, p));
}

/** The forward pass into a tensor of `shape` (the pooled shape, or any shape of its size). */
function avgPool(backend: Backend, x: Tensor, p: Pool2dParams, shape: readonly number[]): Tensor {
  const geom = geometry(x.shape, pool2dOutputShape(x.shape, p), p);
  if (backend.kind === 'webgpu') {
    const y = backend.empty(shape);
    dispatch(backend, 'avg_forward', y, geom, [x]);
    return y;
  }
  return backend.wrap(backend.kernel('pool.avg_forward', avgForwardCpu, sizeOf(shape))(x.host, ...geom) as Float32Array, shape);
}

export function avgPool2dBackward(backend: Backend, dy: Tensor, inputShape: readonly number[], p: Pool2dParams): Tensor {
  const shape = pool2dOutputShape(inputShape, p);
  if (dy.size !== sizeOf(shape)) throw new Error(`avgPool2dBackward: dy [${dy.shape}] is not the output shape [${shape}]`);
  const geom = geometry(inputShape, shape, p);
  if (backend.kind === 'webgpu') {
    const dx = backend.empty(inputShape);
    dispatch(backend, 'avg_backward', dx, geom, [dy]);
    return dx;
  }
  return backend.wrap(backend.kernel('pool.avg_backward', avgBackwardCpu, sizeOf(inputShape))(dy.host, ...geom) as Float32Array, inputShape);
}

/** Global average pooling is average pooling with one window covering the plane. */
function wholePlane(inputShape: readonly number[]): Pool2dParams {
  if (inputShape.length !== 4) throw new Error(`globalAvgPool: input [${inputShape}] is not [N, C, H, W]`);
  return { kernelH: inputShape[2], kernelW: inputShape[3], strideH: 1, strideW: 1, padH: 0, padW: 0 };
}

/** [N, C, H, W] -> [N, C]: the mean of each plane. */
export function globalAvgPoolForward(backend: Backend, x: Tensor): Tensor {
  return avgPool(backend, x, wholePlane(x.shape), x.shape.slice(0, 2));
}

export function globalAvgPoolBackward(backend: Backend, dy: Tensor, inputShape: readonly number[]): Tensor {
  const p = wholePlane(inputShape);
  if (backend.kind !== 'webgpu') return avgPool2dBackward(backend, dy, inputShape, p);
  const planes = inputShape[0] * inputShape[1];
  if (dy.size !== planes) throw new Error(`globalAvgPoolBackward: dy [${dy.shape}] is not [${inputShape.slice(0, 2)}]`);
  const dx = backend.empty(inputShape);
  backend.runtime.run({
    shader: 'pool',
    entry: 'global_avg_backward',
    constants: { WG: PLANE_WG },
    uniforms: [planes, ...geometry(inputShape, [planes, 1, 1, 1], p)],
    buffers: [dy.buffer, dx.buffer],
    workgroups: grid1d(planes, PLANE_WG),
  });
  return dx;
}

// gpu.js kernels, one per output element like the WGSL entry points (see shaders/pool.wgsl for the maths).
// gpu.js returns one array per kernel, so the max forward pass is argmax then a gather.
const maxArgmaxCpu: CpuKernelFunction = function (
  x: number[], H: number, W: number, OH: number, OW: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number, relu: number,
) {
  const i = this.thread.x;
  const r = i % (OH * OW);
  const h0 = Math.floor(r / OW) * SH - PH;
  const w0 = (r % OW) * SW - PW;
  const base = Math.floor(i / (OH * OW)) * H * W;
  const hLo = Math.max(h0, 0);
  const wLo = Math.max(w0, 0);
  let bestAt = hLo * W + wLo;
  let best = x[base + bestAt];
  for (let ih = hLo; ih < Math.min(h0 + KH, H); ih++) {
    for (let iw = wLo; iw < Math.min(w0 + KW, W); iw++) {
      const v = x[base + ih * W + iw];
      if (v > best) {
        best = v;
        bestAt = ih * W + iw;
      }
    }
  }
  if (relu > 0 && !(best > 0)) return -1;
  return bestAt;
};

/** The value at each argmax; 0 where it is -1 (relu). */
const maxGatherCpu: CpuKernelFunction = function (x: number[], argmax: number[], planeIn: number, planeOut: number) {
  const i = this.thread.x;
  if (argmax[i] < 0) return 0;
  return x[Math.floor(i / planeOut) * planeIn + argmax[i]];
};

const maxBackwardCpu: CpuKernelFunction = function (
  dy: number[], argmax: number[], H: number, W: number, OH: number, OW: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number,
) {
  const i = this.thread.x;
  const r = i % (H * W);
  const ph = Math.floor(r / W) + PH;
  const pw = (r % W) + PW;
  const base = Math.floor(i / (H * W)) * OH * OW;
  let sum = 0;
  for (let oh = Math.floor(Math.max(ph - KH + SH, 0) / SH); oh <= Math.min(Math.floor(ph / SH), OH - 1); oh++) {
    for (let ow = Math.floor(Math.max(pw - KW + SW, 0) / SW); ow <= Math.min(Math.floor(pw / SW), OW - 1); ow++) {
      const o = base + oh * OW + ow;
      if (argmax[o] === r) sum += dy[o];
    }
  }
  return sum;
};

const avgForwardCpu: CpuKernelFunction = function (
  x: number[], H: number, W: number, OH: number, OW: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number,
) {
  const i = this.thread.x;
  const r = i % (OH * OW);
  const h0 = Math.floor(r / OW) * SH - PH;
  const w0 = (r % OW) * SW - PW;
  const base = Math.floor(i / (OH * OW)) * H * W;
  let sum = 0;
  for (let ih = Math.max(h0, 0); ih < Math.min(h0 + KH, H); ih++) {
    for (let iw = Math.max(w0, 0); iw < Math.min(w0 + KW, W); iw++) sum += x[base + ih * W + iw];
  }
  return sum / (KH * KW);
};

const avgBackwardCpu: CpuKernelFunction = function (
  dy: number[], H: number, W: number, OH: number, OW: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number,
) {
  const i = this.thread.x;
  const r = i % (H * W);
  const ph = Math.floor(r / W) + PH;
  const pw = (r % W) + PW;
  const base = Math.floor(i / (H * W)) * OH * OW;
  let sum = 0;
  for (let oh = Math.floor(Math.max(ph - KH + SH, 0) / SH); oh <= Math.min(Math.floor(ph / SH), OH - 1); oh++) {
    for (let ow = Math.floor(Math.max(pw - KW + SW, 0) / SW); ow <= Math.min(Math.floor(pw / SW), OW - 1); ow++) {
      sum += dy[base + oh * OW + ow] / (KH * KW);
    }
  }
  return sum;
};

// Float64 references, written as PyTorch's loops are (scatter in the backward passes), independently of the
// gather kernels above.

/** Max pooling in float64; padding is -inf, ties keep the first maximum in window order. */
export function maxPool2dReference(x: ArrayLike<number>, inputShape: readonly number[], p: Pool2dParams): { y: Float64Array; argmax: Int32Array } {
  const [n, c, h, w] = inputShape;
  const [, , oh, ow] = pool2dOutputShape(inputShape, p);
  const y = new Float64Array(n * c * oh * ow);
  const argmax = new Int32Array(y.length);
  for (let plane = 0, o = 0; plane < n * c; plane++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        let best = -Infinity;
        let bestAt = -1;
        for (let a = 0; a < p.kernelH; a++) {
          for (let b = 0; b < p.kernelW; b++) {
            const ih = i * p.strideH - p.padH + a;
            const iw = j * p.strideW - p.padW + b;
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            const v = x[plane * h * w + ih * w + iw];
            if (bestAt < 0 || v > best) {
              best = v;
              bestAt = ih * w + iw;
            }
          }
        }
        y[o] = best;
        argmax[o] = bestAt;
      }
    }
  }
  return { y, argmax };
}

/** maxPool2dForward with `relu`: max pooling of relu(x), argmax -1 where a window holds no positive value. */
export function reluMaxPool2dReference(x: ArrayLike<number>, inputShape: readonly number[], p: Pool2dParams): { y: Float64Array; argmax: Int32Array } {
  const pooled = maxPool2dReference(Float64Array.from(x, (v) => Math.max(v, 0)), inputShape, p);
  pooled.y.forEach((v, o) => {
    if (!(v > 0)) pooled.argmax[o] = -1;
  });
  return pooled;
}

export function maxPool2dBackwardReference(dy: ArrayLike<number>, argmax: ArrayLike<number>, inputShape: readonly number[]): Float64Array {
  const [n, c, h, w] = inputShape;
  const dx = new Float64Array(n * c * h * w);
  const planeOut = dy.length / (n * c);
  for (let o = 0; o < dy.length; o++) if (argmax[o] >= 0) dx[Math.floor(o / planeOut) * h * w + argmax[o]] += dy[o];
  return dx;
}

/** Average pooling in float64, dividing by the full window (count_include_pad=True). */
export function avgPool2dReference(x: ArrayLike<number>, inputShape: readonly number[], p: Pool2dParams): Float64Array {
  const [n, c, h, w] = inputShape;
  const [, , oh, ow] = pool2dOutputShape(inputShape, p);
  const y = new Float64Array(n * c * oh * ow);
  forEachWindowElement(inputShape, p, (o, at) => (y[o] += x[at]));
  for (let o = 0; o < y.length; o++) y[o] /= p.kernelH * p.kernelW;
  return y;
}

export function avgPool2dBackwardReference(dy: ArrayLike<number>, inputShape: readonly number[], p: Pool2dParams): Float64Array {
  const dx = new Float64Array(sizeOf(inputShape));
  forEachWindowElement(inputShape, p, (o, at) => (dx[at] += dy[o] / (p.kernelH * p.kernelW)));
  return dx;
}

/** Calls f(output index, input index) for every in-bounds element of every window. */
function forEachWindowElement(inputShape: readonly number[], p: Pool2dParams, f: (o: number, at: number) => void): void {
  const [n, c, h, w] = inputShape;
  const [, , oh, ow] = pool2dOutputShape(inputShape, p);
  for (let plane = 0, o = 0; plane < n * c; plane++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        for (let a = 0; a < p.kernelH; a++) {
          for (let b = 0; b < p.kernelW; b++) {
            const ih = i * p.strideH - p.padH + a;
            const iw = j * p.strideW - p.padW + b;
            if (ih >= 0 && ih < h && iw >= 0 && iw < w) f(o, plane * h * w + ih * w + iw);
          }
        }
      }
    }
  }
}

export function globalAvgPoolReference(x: ArrayLike<number>, inputShape: readonly number[]): Float64Array {
  const [n, c, h, w] = inputShape;
  const y = new Float64Array(n * c);
  for (let i = 0; i < x.length; i++) y[Math.floor(i / (h * w))] += x[i] / (h * w);
  return y;
}

export function globalAvgPoolBackwardReference(dy: ArrayLike<number>, inputShape: readonly number[]): Float64Array {
  const [, , h, w] = inputShape;
  return Float64Array.from({ length: sizeOf(inputShape) }, (_, i) => dy[Math.floor(i / (h * w))] / (h * w));
}
