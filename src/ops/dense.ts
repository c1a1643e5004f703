// Dense (fully connected) layers as torch.nn.Linear: weight [out, in], y = x·wᵀ + b. The products run on
// the tiled matmul (bias fused into its epilogue); the bias gradient is a column sum (shaders/bias.wgsl).
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';
import { matmul } from './matmul.js';

export interface DenseGrads {
  /** [N, I] = dy·w */
  dx: Tensor;
  /** [O, I] = dyᵀ·x */
  dw: Tensor;
  /** [O]: column sums of dy */
  db: Tensor;
}

function denseShape(x: Tensor, w: Tensor): { N: number; I: number; O: number } {
  if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[1]) {
    throw new Error(`dense: x [${x.shape}] and weight [${w.shape}] are not [N, in] and [out, in]`);
  }
  return { N: x.shape[0], I: x.shape[1], O: w.shape[0] };
}

/** y [N, O] = x [N, I] · wᵀ (w [O, I]) + bias [O]. */
export function denseForward(backend: Backend, x: Tensor, w: Tensor, bias: Tensor | null): Tensor {
  const { O } = denseShape(x, w);
  if (bias && bias.size !== O) throw new Error(`dense: bias [${bias.shape}] does not have ${O} elements`);
  return matmul(backend, x, w, { transB: true, bias: bias ?? undefined });
}

export function denseBackward(backend: Backend, x: Tensor, w: Tensor, dy: Tensor): DenseGrads {
  const { N, O } = denseShape(x, w);
  if (dy.shape.length !== 2 || dy.shape[0] !== N || dy.shape[1] !== O) throw new Error(`dense: dy [${dy.shape}] is not [${N}, ${O}]`);
  return { dx: matmul(backend, dy, w), dw: matmul(backend, dy, x, { transA: true }), db: columnSum(backend, dy) };
}

const WG = 64;

/** [rows, cols] → [cols]: the sum of every column. */
export function columnSum(backend: Backend, t: Tensor): Tensor {
  const [rows, cols] = t.shape;
  if (backend.kind === 'webgpu') {
    const out = backend.empty([cols]);
    backend.runtime.run({
      shader: 'bias',
      entry: 'column_sum',
      constants: { WG },
      uniforms: [rows, cols],
      buffers: [t.buffer, out.buffer],
      workgroups: [groups(cols, WG)],
    });
    return out;
  }
  const kernel = backend.kernel('bias.column_sum', columnSumCpuKernel, cols);
  return backend.wrap(kernel(t.host, rows, cols) as Float32Array, [cols]);
}

const columnSumCpuKernel: CpuKernelFunction = function (t: number[], rows: number, cols: number) {
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += t[r * cols + this.thread.x];
  return sum;
};

/** Float64 reference of the forward pass, written as loops over the torch.nn.Linear definition. */
export function denseReference(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, N: number, I: number, O: number): Float64Array {
  const y = new Float64Array(N * O);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      let sum = b ? b[o] : 0;
      for (let i = 0; i < I; i++) sum += x[n * I + i] * w[o * I + i];
      y[n * O + o] = sum;
    }
  return y;
}

/** Float64 reference of the backward pass (the chain rule through y = x·wᵀ + b). */
export function denseBackwardReference(x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>, N: number, I: number, O: number) {
  const dx = new Float64Array(N * I);
  const dw = new Float64Array(O * I);
  const db = new Float64Array(O);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const g = dy[n * O + o];
      db[o] += g;
      for (let i = 0; i < I; i++) {
        dx[n * I + i] += g * w[o * I + i];
        dw[o * I + i] += g * x[n * I + i];
      }
    }
  return { dx, dw, db };
}
