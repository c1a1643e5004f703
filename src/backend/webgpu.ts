// The WebGPU backend: tensors are pooled GPU buffers; ops record WGSL dispatches on the runtime.
import { GpuRuntime } from '../gpu/runtime.js';
import { adapterName } from '../gpu/device.js';
import { Tensor, hostArray, sizeOf, type DType, type HostArray } from '../tensor.js';
import type { WebGpuBackend } from './types.js';

export async function createWebGpuBackend(): Promise<WebGpuBackend | null> {
  const runtime = await GpuRuntime.create();
  return runtime && new WebGpu(runtime);
}

class WebGpu implements WebGpuBackend {
  readonly kind = 'webgpu' as const;
  readonly name: string;

  constructor(readonly runtime: GpuRuntime) {
    this.name = `webgpu (${adapterName(runtime.report)})`;
  }

  get adapter() {
    return this.runtime.report;
  }

  empty(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const buffer = this.runtime.pool.acquire(sizeOf(shape) * 4, this.runtime.tensorUsage, `tensor[${shape}]`);
    return new Tensor(this, [...shape], dtype, buffer);
  }

  zeros(shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const tensor = this.empty(shape, dtype);
    this.runtime.clear(tensor.buffer);
    return tensor;
  }

  upload(data: HostArray | readonly number[], shape: readonly number[], dtype: DType = 'f32'): Tensor {
    const array = toHostArray(data, dtype);
    if (array.length !== sizeOf(shape)) throw new Error(`upload: ${array.length} values do not fill shape [${shape}]`);
    const tensor = this.empty(shape, dtype);
    if (array.length > 0) this.runtime.upload(tensor.buffer, array);
    return tensor;
  }

  async read(tensor: Tensor): Promise<HostArray> {
    const out = hostArray(tensor.dtype, tensor.size);
    if (tensor.size === 0) return out;
    const bytes = await this.runtime.read(tensor.buffer, tensor.byteLength);
    out.set(new (out.constructor as Float32ArrayConstructor)(bytes));
    return out;
  }

  release(storage: GPUBuffer | HostArray): void {
    this.runtime.pool.release(storage as GPUBuffer);
  }

  sync(): Promise<void> {
    return this.runtime.sync();
  }

  destroy(): Promise<void> {
    return this.runtime.destroy();
  }
}

export function toHostArray(data: HostArray | readonly number[], dtype: DType): HostArray {
  if (dtype === 'f32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'i32') return data instanceof Int32Array ? data : Int32Array.from(data);
  return data instanceof Uint32Array ? data : Uint32Array.from(data);
}
