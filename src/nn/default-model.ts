// The reference network: four conv3x3-ReLU blocks (16, 32, 64, 128 filters, padding 1) with 2x2 max pools
// between them, a global average pool and one dense layer to the class scores.
import type { ModelSpec } from './spec.js';

export function defaultModelSpec(nMels = 64, frames = 188, classes = 8): ModelSpec {
  const block = (filters: number) => [
    { type: 'conv2d', filters, kernel: 3, padding: 1 },
    { type: 'relu' },
  ] as const;
  const pool = { type: 'maxpool2d', kernel: 2 } as const;
  return {
    input: [1, nMels, frames],
    layers: [
      ...block(16), pool,
      ...block(32), pool,
      ...block(64), pool,
      ...block(128),
      { type: 'globalavgpool' },
      { type: 'dense', units: classes },
    ],
  };
}
