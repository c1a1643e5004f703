// Per-clip reductions (max, peak, RMS, mean) over strided regions of a batch tensor: shaders/clip_reduce.wgsl on
// WebGPU, a gpu.js kernel (one thread per clip) on the CPU backend.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import type { Tensor } from '../tensor.js';

export type ClipReduction = 'max' | 'peak' | 'rms' | 'mean';
const OPS: Record<ClipReduction, number> = { max: 0, peak: 1, rms: 2, mean: 3 };

/** A clip's region: `rows` runs of `cols` values starting at `base`, `rowStride` apart. */
export interface Region {
  base: number;
  rows: number;
  cols: number;
}

const WG = 64;

/** [clips] reductions of `data` over one region per clip. */
export function clipReduce(backend: Backend, data: Tensor, regions: readonly Region[], rowStride: number, op: ClipReduction): Tensor {
  const table = new Uint32Array(4 * regions.length);
  regions.forEach((r, c) => table.set([r.base, r.rows, r.cols, 0], 4 * c));
  const regionTensor = backend.upload(table, [regions.length, 4], 'u32');
  let out: Tensor;
  if (backend.kind === 'webgpu') {
    out = backend.empty([regions.length]);
    backend.runtime.run({
      shader: 'clip_reduce',
      constants: { OP: OPS[op], WG },
      uniforms: [rowStride],
      buffers: [data.buffer, regionTensor.buffer, out.buffer],
      workgroups: [regions.length],
    });
  } else {
    const kernel = backend.kernel('features.clip_reduce', clipReduceCpuKernel, regions.length);
    out = backend.wrap(kernel(data.host, regionTensor.host, rowStride, OPS[op]) as Float32Array, [regions.length]);
  }
  regionTensor.dispose();
  return out;
}

const clipReduceCpuKernel: CpuKernelFunction = function (data: number[], regions: number[], rowStride: number, op: number) {
  const c = this.thread.x;
  const base = regions[4 * c];
  const rows = regions[4 * c + 1];
  const cols = regions[4 * c + 2];
  let acc = op === 0 ? -3.4028235e38 : 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const x = data[base + r * rowStride + k];
      if (op === 0) acc = Math.max(acc, x);
      else if (op === 1) acc = Math.max(acc, Math.abs(x));
      else if (op === 2) acc += x * x;
      else acc += x;
    }
  }
  if (op === 3) return acc / Math.max(1, rows * cols);
  return op === 2 ? Math.sqrt(acc / Math.max(1, rows * cols)) : acc;
};
