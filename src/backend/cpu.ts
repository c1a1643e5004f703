// The gpu.js backend for machines with no WebGPU adapter: the same ops as gpu.js kernels, run in
// gpu.js's CPU (generated JavaScript) or WebAssembly mode. Tensors are host arrays.
import { createRequire } from 'node:module';
import type { GPU, IKernelRunShortcut, KernelFunction } from 'gpu.js';
import { Tensor, hostArray, sizeOf, type DType, type HostArray } from '../tensor.js';
import type { CpuBackend, CpuKernelFunction } from './types.js';
import { checkCopy, toHostArray } from './webgpu.js';

const require = createRequire(import.meta.url);

export function createCpuBackend(mode: 'cpu' | 'webasm' = 'cpu'): GpuJs {
  // gpu.js is CommonJS; loading it lazily keeps `ser-gpu --help` fast.
  const { GPU: GpuJsClass } = require('gpu.js') as typeof import('gpu.js');
  return new GpuJs(new GpuJsClass({ mode }), mode);
}

export class GpuJs implements CpuBackend {
  readonly kind = 'cpu' as const;
  readonly name: string;
  private readonly kernels = new Map<string, IKernelRunShortcut>();

  constructor(
    readonly gpu: GPU,
    readonly mode: 'cpu' | 'webasm',
  ) {
    this.name = `gpu.js (${mode} mode)`;
  }

  /**
   * A gpu.js kernel with a flat 1-D output of `outputLength` elements, cached by `key` and length.
   * Kernels index flat arrays themselves, so every op sees the same row-major layout as its WGSL twin.
   */
  kernel(key: string, fn: CpuKernelFunction, outputLength: number): IKernelRunShortcut {
    const cacheKey = `${key}#${outputLength}`;
    let kernel = this.kernels.get(cacheKey);
    if (!kernel) {
      kernel = this.gpu
        .createKernel(fn as KernelFunction, {
          output: [outputLength],
          tactic: 'precision',
          // Inputs of one kernel change size between calls (the cache key is the output length only);
          // the WebAssembly mode rejects that unless told.
          dynamicArguments: true,
        })
        // gpu.js silently stops loops bounded by an argument after 1,000 iterations (a GLSL limit that
        // its CPU modes keep): lift it, since reductions here run over whole tensors.
        .setLoopMaxIterations(2 ** 31 - 1);
      this.kernels.set(cacheKey, kernel);
    }
    return kernel;
  }

  /** Wraps a kernel result (or any host array) as a tensor, converting to the dtype's array. */
  wrap(values: ArrayLike<number>, shape: readonly number[], dtype: DType = 'f32'): Tensor {
    if (values.length !== sizeOf(shape)) throw new Error(`wrap: ${values.length} values do not fill shape [${shape}]`);
    const array = hostArray(dtype, values.length);
    array.set(values);
    return new Tensor(this, [...shape], dtype, array);
  }

  empty(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    return this.zeros(shape, dtype);
  }

  zeros(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    return new Tensor(this, [...shape], dtype, hostArray(dtype, sizeOf(shape)));
  }

  upload(data: HostArray | readonly number[], shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const array = toHostArray(data, dtype);
    if (array.length !== sizeOf(shape)) throw new Error(`upload: ${array.length} values do not fill shape [${shape}]`);
    // Copy so later host-side mutation of `data` cannot change the tensor, as on the GPU.
    return new Tensor(this, [...shape], dtype, array.slice());
  }

  async read(tensor: Tensor): Promise<HostArray> {
    return tensor.host.slice();
  }

  release(): void {}

  async sync(): Promise<void> {}

  copy(src: Tensor, dst: Tensor, count = src.size, srcOffset = 0, dstOffset = 0): void {
    checkCopy(src, dst, count, srcOffset, dstOffset);
    dst.host.set(src.host.subarray(srcOffset, srcOffset + count), dstOffset);
  }

  write(dst: Tensor, values: HostArray): void {
    if (values.length !== dst.size) throw new Error(`write: ${values.length} values do not fill [${dst.shape}]`);
    dst.host.set(values);
  }

  flush(): void {}

  /** A typed array's limit. */
  readonly maxBindingBytes = 2 ** 31 - 1;

  /** Host arrays are not pooled: nothing to track. */
  readonly peakBytes = 0;

  resetPeak(): void {}

  async destroy(): Promise<void> {
    this.kernels.clear();
    this.gpu.destroy();
  }
}
