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

  copy(src: Tensor, dst: Tensor, count = src.size, srcOffset = 0, dstOffset = 0): void {
    checkCopy(src, dst, count, srcOffset, dstOffset);
    if (count > 0) this.runtime.copy(src.buffer, dst.buffer, count * 4, srcOffset * 4, dstOffset * 4);
  }

  write(dst: Tensor, values: HostArray): void {
    if (values.length !== dst.size) throw new Error(`write: ${values.length} values do not fill [${dst.shape}]`);
    if (values.length > 0) this.runtime.upload(dst.buffer, values);
  }

  flush(): void {
    this.runtime.submit();
  }

  get maxBindingBytes(): number {
    return this.runtime.device.limits.maxStorageBufferBindingSize;
  }

  get peakBytes(): number {
    return this.runtime.pool.peakBytes;
  }

  resetPeak(): void {
    this.runtime.pool.resetPeak();
  }

  destroy(): Promise<void> {
    return this.runtime.destroy();
  }
}

/** Throws unless dst[dstOffset, dstOffset + count) ← src[srcOffset, srcOffset + count) stays in both tensors. */
export function checkCopy(src: Tensor, dst: Tensor, count: number, srcOffset: number, dstOffset: number): void {
  if (src.dtype !== dst.dtype) throw new Error(`copy: ${src.dtype} into ${dst.dtype}`);
  const fits = [count, srcOffset, dstOffset].every((v) => Number.isInteger(v) && v >= 0) && srcOffset + count <= src.size && dstOffset + count <= dst.size;
  if (!fits) throw new Error(`copy: ${count} elements from [${src.shape}] at ${srcOffset} into [${dst.shape}] at ${dstOffset} do not fit`);
}

export function toHostArray(data: HostArray | readonly number[], dtype: DType): HostArray {
  if (dtype === 'f32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'i32') return data instanceof Int32Array ? data : Int32Array.from(data);
  return data instanceof Uint32Array ? data : Uint32Array.from(data);
}
