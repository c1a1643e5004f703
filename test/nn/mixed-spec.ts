// mixed_network() of test/golden/families/train10.py: every layer type but dropout, with non-default options.
import type { ModelSpec } from '../../src/nn/spec.js';

export const MIXED_SPEC: ModelSpec = {
  input: [2, 9, 12],
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1 },
    { type: 'batchnorm2d' },
    { type: 'leaky_relu', alpha: 0.1 },
    { type: 'avgpool2d', kernel: 2 },
    { type: 'conv2d', filters: 6, kernel: [3, 2], stride: [1, 2], padding: [1, 0], bias: false },
    { type: 'elu', alpha: 0.5 },
    { type: 'maxpool2d', kernel: 2, stride: 1 },
    { type: 'flatten' },
    { type: 'dense', units: 10 },
    { type: 'batchnorm1d', momentum: 0.2 },
    { type: 'relu' },
    { type: 'dense', units: 5 },
  ],
};

// recipe_network() of test/golden/families/train10.py: the default recipe's blocks, shrunk. Each ReLU before a
// max pool is fused into it (src/nn/build.ts); the last ReLU stays a layer of its own.
export const RECIPE_SPEC: ModelSpec = {
  input: [1, 10, 14],
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1 },
    { type: 'batchnorm2d' },
    { type: 'relu' },
    { type: 'maxpool2d', kernel: 2 },
    { type: 'conv2d', filters: 6, kernel: 3, padding: 1 },
    { type: 'batchnorm2d' },
    { type: 'relu' },
    { type: 'globalavgpool' },
    { type: 'dense', units: 5 },
  ],
};
