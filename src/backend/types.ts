// The backend interface. Ops are functions over it (src/ops/*.ts), each with a WGSL path and a gpu.js
// path, so adding an op never touches this file.
import type { DType, HostArray, Tensor } from '../tensor.js';
import type { AdapterReport } from '../gpu/device.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { GPU, IKernelFunctionThis, IKernelRunShortcut, KernelFunction } from 'gpu.js';

/**
 * A gpu.js kernel body: `this.thread.x` is the flat output index. Arguments are flat arrays and
 * numbers; gpu.js transpiles the body, so it may use only arithmetic, Math and loops.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CpuKernelFunction = (this: IKernelFunctionThis, ...args: any[]) => number;

export type BackendKind = 'webgpu' | 'cpu';
export type BackendChoice = BackendKind | 'auto';

export interface BackendCommon {
  readonly kind: BackendKind;
  /** A human-readable name of where the numbers are computed. */
  readonly name: string;
  upload(data: HostArray | readonly number[], shape: readonly number[], dtype?: DType): Tensor;
  /** A tensor whose contents are unspecified: for outputs every element of which a kernel writes. */
  empty(shape: readonly number[], dtype?: DType): Tensor;
  zeros(shape: readonly number[], dtype?: DType): Tensor;
  read(tensor: Tensor): Promise<HostArray>;
  /** Called by Tensor.dispose(). */
  release(storage: GPUBuffer | HostArray): void;
  /** Waits for all recorded work; throws the first error it raised. */
  sync(): Promise<void>;
  /** dst[dstOffset ..] ← src[srcOffset ..] for `count` elements (default all of src), in stream order. */
  copy(src: Tensor, dst: Tensor, count?: number, srcOffset?: number, dstOffset?: number): void;
  /** dst ← host values, in stream order (after the work already recorded). */
  write(dst: Tensor, values: HostArray): void;
  /** Hands the recorded work to the device without waiting for it (a no-op where work runs eagerly). */
  flush(): void;
  /** The largest tensor one kernel may bind, in bytes (the adapter's maxStorageBufferBindingSize). */
  readonly maxBindingBytes: number;
  /** Bytes of tensors alive at the worst moment since the last resetPeak() (0 where not tracked). */
  readonly peakBytes: number;
  resetPeak(): void;
  destroy(): Promise<void>;
}

export interface WebGpuBackend extends BackendCommon {
  readonly kind: 'webgpu';
  readonly runtime: GpuRuntime;
  readonly adapter: AdapterReport;
}

export interface CpuBackend extends BackendCommon {
  readonly kind: 'cpu';
  /** 'cpu' (generated JavaScript) or 'webasm' (gpu.js's WebAssembly mode). */
  readonly mode: 'cpu' | 'webasm';
  readonly gpu: GPU;
  /** A cached gpu.js kernel with a flat 1-D output of `outputLength` elements. */
  kernel(key: string, fn: CpuKernelFunction, outputLength: number): IKernelRunShortcut;
  /** Wraps host values (a kernel's result) as a tensor of this backend. */
  wrap(values: ArrayLike<number>, shape: readonly number[], dtype?: DType): Tensor;
}

export type Backend = WebGpuBackend | CpuBackend;
