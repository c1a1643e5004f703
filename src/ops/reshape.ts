// Reshapes are copies: a Tensor owns its storage (dispose() returns it to the pool), so a view sharing it
// would be released twice. On WebGPU the copy is one copyBufferToBuffer recorded in stream order.
import type { Backend } from '../backend/types.js';
import { sizeOf, type Tensor } from '../tensor.js';

export function reshape(backend: Backend, x: Tensor, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== x.size) throw new Error(`reshape: [${x.shape}] has ${x.size} elements, [${shape}] has ${sizeOf(shape)}`);
  if (backend.kind === 'cpu') return backend.wrap(x.host, shape, x.dtype);
  const out = backend.empty(shape, x.dtype);
  if (x.size > 0) backend.runtime.copy(x.buffer, out.buffer, x.byteLength);
  return out;
}

/** [N, ...] -> [N, product of the rest]; its backward pass is reshape(backend, dy, x.shape). */
export function flatten(backend: Backend, x: Tensor): Tensor {
  return reshape(backend, x, [x.shape[0], x.size / x.shape[0]]);
}
