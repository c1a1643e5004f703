// A tensor is a shape, a dtype and storage owned by one backend: a pooled GPUBuffer or a host array.
import type { Backend } from './backend/types.js';

export type DType = 'f32' | 'i32' | 'u32';
export type HostArray = Float32Array | Int32Array | Uint32Array;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function hostArray(dtype: DType, length: number): HostArray {
  return dtype === 'f32' ? new Float32Array(length) : dtype === 'i32' ? new Int32Array(length) : new Uint32Array(length);
}

export class Tensor {
  private disposed = false;

  constructor(
    readonly backend: Backend,
    readonly shape: readonly number[],
    readonly dtype: DType,
    private readonly storage: GPUBuffer | HostArray,
  ) {}

  get size(): number {
    return sizeOf(this.shape);
  }

  get byteLength(): number {
    return this.size * 4;
  }

  /** The GPU buffer (webgpu backend). */
  get buffer(): GPUBuffer {
    this.assertLive();
    if (this.backend.kind !== 'webgpu') throw new Error(`tensor [${this.shape}] lives on the ${this.backend.kind} backend, not webgpu`);
    return this.storage as GPUBuffer;
  }

  /** The host array (cpu backend); ops write into it in place. */
  get host(): HostArray {
    this.assertLive();
    if (this.backend.kind !== 'cpu') throw new Error(`tensor [${this.shape}] lives on the ${this.backend.kind} backend, not cpu`);
    return this.storage as HostArray;
  }

  read(): Promise<HostArray> {
    this.assertLive();
    return this.backend.read(this);
  }

  /** Returns the storage to the backend's pool; the tensor must not be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.release(this.storage);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error(`tensor [${this.shape}] was used after dispose()`);
  }
}
