// In-place writes into existing tensors: parameters, gradients and optimizer slots keep their storage for the
// life of a model (the optimizer holds them), so new values are copied in rather than swapped.
import type { Backend } from '../backend/types.js';
import type { HostArray, Tensor } from '../tensor.js';

/** dst ← src, recorded in stream order on WebGPU. */
export function copyInto(backend: Backend, src: Tensor, dst: Tensor): void {
  if (src.size !== dst.size) throw new Error(`copy: [${src.shape}] does not fit [${dst.shape}]`);
  if (backend.kind === 'webgpu') backend.runtime.copy(src.buffer, dst.buffer, src.byteLength);
  else dst.host.set(src.host);
}

/** dst ← host values, recorded in stream order on WebGPU (after the work already recorded). */
export function writeInto(backend: Backend, dst: Tensor, values: HostArray): void {
  if (values.length !== dst.size) throw new Error(`write: ${values.length} values do not fill [${dst.shape}]`);
  if (backend.kind === 'webgpu') backend.runtime.upload(dst.buffer, values);
  else dst.host.set(values);
}
