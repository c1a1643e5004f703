// Parameter initialisation, deterministic for a seed.
//
// Weights are drawn uniformly: He (Kaiming) uniform, bound sqrt(6 / fan_in), for a conv or dense layer whose
// output feeds a ReLU or leaky ReLU (through a batchnorm, if any), since that keeps the activation variance
// constant through ReLU stacks; Glorot uniform, bound sqrt(6 / (fan_in + fan_out)), for every other layer
// (the class-score layer, layers before ELU or nothing). Biases and batchnorm betas start at 0, gammas at 1,
// running statistics at mean 0 / variance 1. (PyTorch's own default init is different; models that must
// match it load PyTorch's weights through the state dict instead.)
//
// Each layer draws from its own stream, seeded from (model seed, layer index), so changing one layer of a
// spec does not change the initial weights of the others.
import type { LayerType } from './spec.js';

/** mulberry32: a 32-bit generator with a full 2^32 period; plenty for initial weights and dropout seeds. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed mixed from several integers (the model seed and a layer index or step). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export type WeightInit = 'he' | 'glorot';

/** He for layers whose output reaches a ReLU (possibly through batchnorm), Glorot otherwise. */
export function weightInitFor(next: readonly LayerType[]): WeightInit {
  const activation = next[0]?.startsWith('batchnorm') ? next[1] : next[0];
  return activation === 'relu' || activation === 'leaky_relu' ? 'he' : 'glorot';
}

/** Uniform weights for a [fanOut, fanIn(, kh, kw)] tensor; receptive field size folds into both fans. */
export function initWeights(kind: WeightInit, shape: readonly number[], seed: number): Float32Array {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  const fanIn = shape[1] * receptive;
  const fanOut = shape[0] * receptive;
  const bound = kind === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  const random = mulberry32(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = (2 * random() - 1) * bound;
  return out;
}
