// Turns a checked spec into layers with initialised parameters, fusing each conv2d with a ReLU right after it,
// and any other ReLU with a max pool right after it (pooled in one pass: the ReLU's full-size output and its
// backward pass never exist).
import type { Backend } from '../backend/types.js';
import { initWeights, mixSeed, weightInitFor } from './init.js';
import { Param } from './param.js';
import {
  conv2dParams,
  DEFAULT_BN_EPS,
  DEFAULT_BN_MOMENTUM,
  DEFAULT_ELU_ALPHA,
  DEFAULT_LEAKY_SLOPE,
  layerLabel,
  pair,
  pool2dParams,
  type LayerShapes,
  type LayerSpec,
  type ModelSpec,
} from './spec.js';
import { ActivationLayer } from './layers/activation.js';
import { BatchNormLayer } from './layers/batchnorm.js';
import { Conv2dLayer } from './layers/conv2d.js';
import { DenseLayer } from './layers/dense.js';
import { DropoutLayer } from './layers/dropout.js';
import { FlattenLayer } from './layers/flatten.js';
import type { Layer } from './layers/layer.js';
import { AvgPool2dLayer, GlobalAvgPoolLayer, MaxPool2dLayer } from './layers/pool.js';

/** The layers, and for each the index of its (first) spec layer, which keys its random draws. */
export interface BuiltLayers {
  layers: Layer[];
  specIndex: number[];
}

export function buildLayers(backend: Backend, spec: ModelSpec, shapes: readonly LayerShapes[], seed: number): BuiltLayers {
  const layers: Layer[] = [];
  const specIndex: number[] = [];
  for (let i = 0; i < spec.layers.length; i++) {
    specIndex.push(i);
    const layer = spec.layers[i];
    const prefix = layer.name ?? String(i);
    const label = layerLabel(i, layer);
    const layerSeed = mixSeed(seed, i);
    const param = (suffix: string, shape: readonly number[], values: Float32Array) =>
      new Param(backend, `${prefix}.${suffix}`, backend.upload(values, shape));
    const weight = (shape: number[]) =>
      param('weight', shape, initWeights(weightInitFor(spec.layers.slice(i + 1).map((l) => l.type)), shape, layerSeed));
    const zeros = (suffix: string, n: number) => param(suffix, [n], new Float32Array(n));
    const { input } = shapes[i];
    switch (layer.type) {
      case 'conv2d': {
        const fuseRelu = spec.layers[i + 1]?.type === 'relu';
        const w = weight([layer.filters, input[0], ...pair(layer.kernel, 1)]);
        const b = layer.bias === false ? null : zeros('bias', layer.filters);
        const fusedLabel = fuseRelu ? `layers ${i}-${i + 1} (conv2d+relu)` : label;
        layers.push(new Conv2dLayer(backend, fusedLabel, w, b, conv2dParams(layer), fuseRelu ? 'relu' : 'none'));
        if (fuseRelu) i++;
        break;
      }
      case 'dense':
        layers.push(new DenseLayer(backend, label, weight([layer.units, input[0]]), layer.bias === false ? null : zeros('bias', layer.units)));
        break;
      case 'batchnorm2d':
      case 'batchnorm1d': {
        const channels = input[0];
        const running = { runningMean: backend.zeros([channels]), runningVar: backend.upload(new Float32Array(channels).fill(1), [channels]) };
        const options = { momentum: layer.momentum ?? DEFAULT_BN_MOMENTUM, eps: layer.eps ?? DEFAULT_BN_EPS };
        const gamma = param('weight', [channels], new Float32Array(channels).fill(1));
        layers.push(new BatchNormLayer(backend, label, gamma, zeros('bias', channels), running, options, prefix));
        break;
      }
      case 'maxpool2d':
        layers.push(new MaxPool2dLayer(backend, label, pool2dParams(layer)));
        break;
      case 'avgpool2d':
        layers.push(new AvgPool2dLayer(backend, label, pool2dParams(layer)));
        break;
      case 'globalavgpool':
        layers.push(new GlobalAvgPoolLayer(backend, label));
        break;
      case 'flatten':
        layers.push(new FlattenLayer(backend, label));
        break;
      case 'relu':
      case 'leaky_relu':
      case 'elu': {
        const next = spec.layers[i + 1];
        if (layer.type === 'relu' && next?.type === 'maxpool2d') {
          layers.push(new MaxPool2dLayer(backend, `layers ${i}-${i + 1} (relu+maxpool2d)`, pool2dParams(next), true));
          i++;
          break;
        }
        layers.push(new ActivationLayer(backend, label, layer.type, activationAlpha(layer)));
        break;
      }
      case 'dropout':
        layers.push(new DropoutLayer(backend, label, layer.rate));
        break;
    }
  }
  return { layers, specIndex };
}

function activationAlpha(layer: LayerSpec & { type: 'relu' | 'leaky_relu' | 'elu' }): number | undefined {
  if (layer.type === 'leaky_relu') return layer.alpha ?? DEFAULT_LEAKY_SLOPE;
  if (layer.type === 'elu') return layer.alpha ?? DEFAULT_ELU_ALPHA;
  return undefined;
}
