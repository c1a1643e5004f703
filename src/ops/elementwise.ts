// Elementwise arithmetic: shaders/elementwise.wgsl on WebGPU, gpu.js kernels on the CPU backend.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

export type BinaryOp = 'add' | 'mul' | 'scale_add';

const WG = 256;

/** out = a + b, a * b, or a + alpha * b over tensors of one shape. */
export function binary(backend: Backend, op: BinaryOp, a: Tensor, b: Tensor, alpha = 1): Tensor {
  if (a.size !== b.size) throw new Error(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
  if (backend.kind === 'webgpu') {
    const out = backend.empty(a.shape);
    backend.runtime.run({
      shader: 'elementwise',
      entry: op,
      constants: { WG },
      uniforms: [a.size, { f32: alpha }],
      buffers: [a.buffer, b.buffer, out.buffer],
      workgroups: grid1d(a.size, WG),
    });
    return out;
  }
  const kernel = backend.kernel(`elementwise.${op}`, CPU_KERNELS[op], a.size);
  return backend.wrap(kernel(a.host, b.host, alpha) as Float32Array, a.shape);
}

export const add = (backend: Backend, a: Tensor, b: Tensor) => binary(backend, 'add', a, b);
export const mul = (backend: Backend, a: Tensor, b: Tensor) => binary(backend, 'mul', a, b);
export const scaleAdd = (backend: Backend, a: Tensor, b: Tensor, alpha: number) => binary(backend, 'scale_add', a, b, alpha);

// gpu.js kernels: `this.thread.x` is the flat output index. gpu.js checks the argument count, so every
// kernel takes alpha.
const CPU_KERNELS: Record<BinaryOp, CpuKernelFunction> = {
  add: function (a: number[], b: number[], alpha: number) {
    return a[this.thread.x] + b[this.thread.x];
  },
  mul: function (a: number[], b: number[], alpha: number) {
    return a[this.thread.x] * b[this.thread.x];
  },
  scale_add: function (a: number[], b: number[], alpha: number) {
    return a[this.thread.x] + alpha * b[this.thread.x];
  },
};

/** Reference in float64: the independent check of both backends. */
export function binaryReference(op: BinaryOp, a: ArrayLike<number>, b: ArrayLike<number>, alpha = 1): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = op === 'add' ? a[i] + b[i] : op === 'mul' ? a[i] * b[i] : a[i] + alpha * b[i];
  return out;
}
