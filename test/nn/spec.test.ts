// Shape inference and spec checks: a stack that does not fit fails before any GPU work, naming the layer.
import { describe, expect, it } from 'vitest';
import { defaultModelSpec } from '../../src/nn/default-model.js';
import { inferShapes, type ModelSpec } from '../../src/nn/spec.js';

describe('inferShapes', () => {
  it('follows the reference network down to the class scores', () => {
    const shapes = inferShapes(defaultModelSpec(64, 188, 8));
    expect(shapes.map((s) => s.output)).toEqual([
      [16, 64, 188], [16, 64, 188], [16, 32, 94],
      [32, 32, 94], [32, 32, 94], [32, 16, 47],
      [64, 16, 47], [64, 16, 47], [64, 8, 23],
      [128, 8, 23], [128, 8, 23], [128], [8],
    ]);
  });

  it('handles strides, rectangular kernels, dilation, padding and flatten', () => {
    const spec: ModelSpec = {
      input: [3, 20, 30],
      layers: [
        { type: 'conv2d', filters: 5, kernel: [3, 5], stride: [2, 1], padding: [1, 2], dilation: [1, 2] },
        { type: 'avgpool2d', kernel: 2, stride: [2, 3], padding: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 4 },
      ],
    };
    // conv: H (20 + 2 - 3) / 2 + 1 = 10, W (30 + 4 - 9) / 1 + 1 = 26; pool: (10 + 2 - 2) / 2 + 1 = 6, (26 + 2 - 2) / 3 + 1 = 9
    expect(inferShapes(spec).map((s) => s.output)).toEqual([[5, 10, 26], [5, 6, 9], [270], [4]]);
  });

  const fails = (layers: ModelSpec['layers'], message: RegExp, input = [1, 8, 8]) => expect(() => inferShapes({ input, layers })).toThrow(message);

  it('names the layer whose input does not fit', () => {
    fails([{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'dense', units: 3 }], /layer 1 \(dense\) with input \[4,6,6\]: needs flat features/);
    fails([{ type: 'maxpool2d', kernel: 2 }, { type: 'maxpool2d', kernel: 2 }, { type: 'maxpool2d', kernel: 2 }, { type: 'conv2d', filters: 2, kernel: 3 }, { type: 'flatten' }], /layer 3 \(conv2d\) with input \[1,1,1\]/);
    fails([{ type: 'flatten' }, { type: 'batchnorm2d' }], /layer 1 \(batchnorm2d\).*needs an image/);
    fails([{ type: 'globalavgpool' }, { type: 'globalavgpool' }], /layer 1 \(globalavgpool\)/);
  });

  it('rejects bad fields and unknown types, naming the layer', () => {
    fails([{ type: 'conv2d', filters: 0, kernel: 3 }, { type: 'flatten' }], /layer 0 \(conv2d\).*filters must be a positive integer/);
    fails([{ type: 'conv2d', filters: 2, kernel: 3, stride: 0 }, { type: 'flatten' }], /layer 0 \(conv2d\).*stride/);
    fails([{ type: 'flatten' }, { type: 'dropout', rate: 1 }], /layer 1 \(dropout\).*rate/);
    fails([{ type: 'flatten' }, { type: 'batchnorm1d', momentum: 2 }], /layer 1 \(batchnorm1d\).*momentum/);
    fails([{ type: 'flatten' }, { type: 'softmax' } as never], /layer 1 \(softmax\).*unknown layer type "softmax"/);
    fails([{ type: 'flatten' }, { type: 'dense', units: 2, name: 'head' }, { type: 'relu', alpha: -1 }], /layer 2 \(relu\).*alpha/);
  });

  it('needs an input shape and a model that ends in class scores', () => {
    expect(() => inferShapes({ input: [0, 4], layers: [{ type: 'flatten' }] })).toThrow(/model input/);
    expect(() => inferShapes({ input: [1, 4, 4], layers: [] })).toThrow(/no layers/);
    expect(() => inferShapes({ input: [1, 4, 4], layers: [{ type: 'relu' }] })).toThrow(/must end in class scores/);
  });
});
