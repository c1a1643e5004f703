// The benchmark's input: one batch of log-Mel-like examples [batch, 1, mels, frames] with labels, the same
// for every peer, drawn from a seeded generator.
import { mulberry32 } from '../nn/init.js';

export interface BenchShape {
  batch: number;
  mels: number;
  frames: number;
  classes: number;
}

export interface BenchBatch {
  x: Float32Array; // [batch, 1, mels, frames]
  labels: Int32Array; // [batch]
}

/** Standardised log-Mel statistics: a spectral tilt over the bands plus uniform noise of unit variance. */
export function syntheticBatch({ batch, mels, frames, classes }: BenchShape, seed = 1): BenchBatch {
  const random = mulberry32(seed);
  const x = new Float32Array(batch * mels * frames);
  for (let i = 0; i < x.length; i++) {
    const band = Math.floor(i / frames) % mels;
    x[i] = 1 - (2 * band) / Math.max(1, mels - 1) + (random() - 0.5) * Math.sqrt(12);
  }
  const labels = Int32Array.from({ length: batch }, () => Math.floor(random() * classes));
  return { x, labels };
}
