// The default model's forward pass in float64, from its state dict, composed of the ops' own references
// (independent of the kernels): the check of the train suite's first loss and the infer suite's logits.
import { activationReference } from '../ops/activation.js';
import { conv2dOutputShape, conv2dReference } from '../ops/conv2d.js';
import { denseReference } from '../ops/dense.js';
import { globalAvgPoolReference, maxPool2dReference, pool2dOutputShape } from '../ops/pool.js';
import { softmaxCrossEntropyReference } from '../ops/softmax-ce.js';
import type { StateDict } from '../nn/state-dict.js';
import { conv2dParams, pool2dParams, type ModelSpec } from '../nn/spec.js';

/** Logits [N, classes] of x [N, ...spec.input]; layer types outside the default model's are refused. */
export function referenceLogits(spec: ModelSpec, weights: StateDict, x: ArrayLike<number>, batch: number): Float64Array {
  let h: ArrayLike<number> = x;
  let shape = [batch, ...spec.input];
  const param = (i: number, name: string) => weights[`${i}.${name}`];
  spec.layers.forEach((layer, i) => {
    if (layer.type === 'conv2d') {
      const w = param(i, 'weight');
      const b = param(i, 'bias');
      const p = conv2dParams(layer);
      h = conv2dReference(h, shape, w.data as Float32Array, w.shape, b ? (b.data as Float32Array) : null, p);
      shape = conv2dOutputShape(shape, w.shape, p);
    } else if (layer.type === 'relu') h = activationReference('relu', h);
    else if (layer.type === 'maxpool2d') {
      const p = pool2dParams(layer);
      h = maxPool2dReference(h, shape, p).y;
      shape = pool2dOutputShape(shape, p);
    } else if (layer.type === 'globalavgpool') {
      h = globalAvgPoolReference(h, shape);
      shape = [shape[0], shape[1]];
    } else if (layer.type === 'dense') {
      const w = param(i, 'weight');
      const b = param(i, 'bias');
      const [O, I] = w.shape;
      h = denseReference(h, w.data as Float32Array, b ? (b.data as Float32Array) : null, batch, I, O);
      shape = [batch, O];
    } else throw new Error(`reference forward: layer ${i} (${layer.type}) is not in the default model`);
  });
  return Float64Array.from(h);
}

/** The mean cross-entropy of the reference logits. */
export function referenceLoss(spec: ModelSpec, weights: StateDict, x: ArrayLike<number>, labels: ArrayLike<number>, batch: number): number {
  const logits = referenceLogits(spec, weights, x, batch);
  return softmaxCrossEntropyReference(logits, labels, batch, logits.length / batch).loss;
}
