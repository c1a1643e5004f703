// Constant tensors of the feature stages (windows, twiddles, filterbanks, DCT and FIR taps) uploaded once
// per backend and kept for its lifetime: they are small, and a batch loop would otherwise re-upload them.
import type { Backend } from '../backend/types.js';
import type { DType, HostArray, Tensor } from '../tensor.js';

const caches = new WeakMap<Backend, Map<string, Tensor>>();

export function constantTensor(backend: Backend, key: string, make: () => { data: HostArray | readonly number[]; shape: number[]; dtype?: DType }): Tensor {
  let cache = caches.get(backend);
  if (!cache) caches.set(backend, (cache = new Map()));
  let tensor = cache.get(key);
  if (!tensor) {
    const { data, shape, dtype } = make();
    tensor = backend.upload(data, shape, dtype);
    cache.set(key, tensor);
  }
  return tensor;
}
