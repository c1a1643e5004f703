// Seeded inverted dropout: shaders/dropout.wgsl on WebGPU; on the CPU backend a host-drawn mask and gpu.js's
// elementwise mul. The mask is a pure function of (seed, element index), bit for bit alike on both backends.
import type { Backend } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { pcg } from './pcg-hash.js';

const WG = 256;
/** Keep decisions compare 24 hash bits: p is resolved to 2^-24, and both backends compare integers. */
const HASH_BITS = 24;

/** y = x * mask, mask = 0 (probability p) or 1 / (1 - p). `seed` is a u32; the same seed gives the same mask. */
export function dropoutForward(backend: Backend, x: Tensor, p: number, seed: number): { y: Tensor; mask: Tensor } {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: p = ${p} is not in [0, 1]`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`dropout: seed ${seed} is not a u32`);
  const key = pcg(seed) >>> 0; // a u32 uniform
  const threshold = Math.round(p * 2 ** HASH_BITS);
  const scale = p < 1 ? Math.fround(1 / (1 - p)) : 0;
  if (backend.kind === 'webgpu') {
    const y = backend.empty(x.shape);
    const mask = backend.empty(x.shape);
    backend.runtime.run({
      shader: 'dropout',
      entry: 'forward',
      constants: { WG },
      uniforms: [x.size, key, threshold, { f32: scale }],
      buffers: [x.buffer, y.buffer, mask.buffer],
      workgroups: grid1d(x.size, WG),
    });
    return { y, mask };
  }
  // The hash needs exact u32 arithmetic, which gpu.js's WebAssembly mode lacks (its Math.imul rounds through
  // f32): the CPU backend, whose tensors live on the host anyway, draws the mask in plain TypeScript.
  const mask = backend.wrap(hostMask(x.size, key, threshold, scale), x.shape);
  return { y: mul(backend, x, mask), mask };
}

export function dropoutBackward(backend: Backend, dy: Tensor, mask: Tensor): Tensor {
  return mul(backend, dy, mask);
}

function hostMask(n: number, key: number, threshold: number, scale: number): Float32Array {
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) if (pcg((pcg(i) + key) | 0) >>> 8 >= threshold) mask[i] = scale;
  return mask;
}

/** The mask in float64 from the hash's definition in u32 arithmetic (BigInt), independent of both kernels. */
export function dropoutMaskReference(seed: number, n: number, p: number): Float64Array {
  const M = 2n ** 32n;
  const hash = (v: bigint): bigint => {
    const state = (v * 747796405n + 2891336453n) % M;
    const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) % M;
    return (word >> 22n) ^ word;
  };
  const key = hash(BigInt(seed));
  const threshold = BigInt(Math.round(p * 2 ** HASH_BITS));
  return Float64Array.from({ length: n }, (_, i) => ((hash((hash(BigInt(i)) + key) % M) >> 8n) >= threshold ? 1 / (1 - p) : 0));
}
