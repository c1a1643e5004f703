// The PCG-RXS-M-XS hash of Jarzynski and Olano, "Hash Functions for GPU Rendering" (JCGT 2020), on the host:
// the seeded ops (dropout, augmentation) draw their random numbers as pure functions of (seed, index) with it,
// and their shaders hold the same three lines in WGSL u32 arithmetic (WGSL has no includes).

/** pcg(v) on int32 bits: Math.imul wraps products, `| 0` wraps sums (2891336453 = -1403630843 mod 2^32). */
export function pcg(v: number): number {
  const state = (Math.imul(v, 747796405) - 1403630843) | 0;
  const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737);
  return (word >>> 22) ^ word;
}

const M = 2n ** 32n;

/** pcg from its definition in exact u32 arithmetic (BigInt): the independent twin of pcg() for references. */
export function pcgExact(v: bigint): bigint {
  const state = (v * 747796405n + 2891336453n) % M;
  const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) % M;
  return (word >> 22n) ^ word;
}

/** The key of one random stream of a seeded op: pcg(pcg(seed) + stream), a u32 uniform of its kernels. */
export function streamKey(seed: number, stream: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed ${seed} is not a u32`);
  return pcg((pcg(seed) + stream) | 0) >>> 0;
}

/** Draw i of a stream: pcg(pcg(i) + key) as a u32. */
export function drawBits(key: number, i: number): number {
  return pcg((pcg(i) + key) | 0) >>> 0;
}

/** A uniform number in [0, 1) from the top 24 bits of draw i: exact in f32, so both backends agree bit for bit. */
export function drawUniform(key: number, i: number): number {
  return (drawBits(key, i) >>> 8) * 2 ** -24;
}

/** drawBits in exact u32 arithmetic, for references. */
export function drawBitsExact(key: number, i: number): number {
  return Number(pcgExact((pcgExact(BigInt(i)) + BigInt(key)) % M));
}

/** streamKey in exact u32 arithmetic, for references. */
export function streamKeyExact(seed: number, stream: number): number {
  return Number(pcgExact((pcgExact(BigInt(seed)) + BigInt(stream)) % M));
}
