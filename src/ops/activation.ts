// ReLU, leaky ReLU and ELU, forward and backward: shaders/activation.wgsl on WebGPU, gpu.js kernels on the
// CPU backend, and float64 references for the finite-difference tests.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

export type ActivationKind = 'relu' | 'leaky_relu' | 'elu';

/** The shader's KIND constant. */
const KIND: Record<ActivationKind, number> = { relu: 0, leaky_relu: 1, elu: 2 };
/** PyTorch's defaults: the leaky slope, ELU's alpha. */
const DEFAULT_ALPHA: Record<ActivationKind, number> = { relu: 0, leaky_relu: 0.01, elu: 1 };
const WG = 256;

export function activationForward(backend: Backend, kind: ActivationKind, x: Tensor, alpha = DEFAULT_ALPHA[kind]): Tensor {
  return run(backend, 'forward', kind, [x], x.shape, alpha);
}

/** dL/dx from the forward pass's input x and the upstream gradient dy. */
export function activationBackward(backend: Backend, kind: ActivationKind, x: Tensor, dy: Tensor, alpha = DEFAULT_ALPHA[kind]): Tensor {
  if (x.size !== dy.size) throw new Error(`activationBackward: x [${x.shape}] and dy [${dy.shape}] differ`);
  return run(backend, 'backward', kind, [x, dy], x.shape, alpha);
}

function run(backend: Backend, entry: 'forward' | 'backward', kind: ActivationKind, inputs: Tensor[], shape: readonly number[], alpha: number): Tensor {
  const n = inputs[0].size;
  if (backend.kind === 'webgpu') {
    const out = backend.empty(shape);
    backend.runtime.run({
      shader: 'activation',
      entry,
      constants: { KIND: KIND[kind], WG },
      uniforms: [n, { f32: alpha }],
      buffers: [...inputs.map((t) => t.buffer), out.buffer],
      workgroups: grid1d(n, WG),
    });
    return out;
  }
  const fn = entry === 'forward' ? forwardCpu : backwardCpu;
  // fround: gpu.js computes in float64, so alpha must be the f32 the shader sees for equal products.
  const result = backend.kernel(`activation.${entry}`, fn, n)(...inputs.map((t) => t.host), KIND[kind], Math.fround(alpha));
  return backend.wrap(result as Float32Array, shape);
}

const forwardCpu: CpuKernelFunction = function (x: number[], kind: number, alpha: number) {
  const v = x[this.thread.x];
  if (v > 0) return v;
  if (kind === 1) return alpha * v;
  if (kind === 2) return alpha * (Math.exp(v) - 1);
  return 0;
};

const backwardCpu: CpuKernelFunction = function (x: number[], dy: number[], kind: number, alpha: number) {
  const g = dy[this.thread.x];
  const v = x[this.thread.x];
  if (v > 0) return g;
  if (kind === 1) return g * alpha;
  if (kind === 2) return g * alpha * Math.exp(v);
  return 0;
};

/** Float64 reference of the forward pass. */
export function activationReference(kind: ActivationKind, x: ArrayLike<number>, alpha = DEFAULT_ALPHA[kind]): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : kind === 'leaky_relu' ? alpha * v : kind === 'elu' ? alpha * Math.expm1(v) : 0;
  }
  return y;
}

/** Float64 reference of dL/dx. */
export function activationBackwardReference(kind: ActivationKind, x: ArrayLike<number>, dy: ArrayLike<number>, alpha = DEFAULT_ALPHA[kind]): Float64Array {
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > 0 ? 1 : kind === 'leaky_relu' ? alpha : kind === 'elu' ? alpha * Math.exp(v) : 0);
  }
  return dx;
}
