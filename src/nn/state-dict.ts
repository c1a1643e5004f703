// The model's parameters and running statistics under PyTorch's state-dict names ("<layer>.weight",
// "<layer>.running_mean", …), so weights move between ser-gpu and PyTorch through safetensors.
import type { NamedTensor, SafeArray } from '../io/safetensors.js';
import type { Tensor } from '../tensor.js';
import { BatchNormLayer } from './layers/batchnorm.js';
import type { Model } from './model.js';

export type StateDict = Record<string, { shape: readonly number[]; data: SafeArray }>;

/** Every tensor of the state dict, by name. */
export function stateTensors(model: Model): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const layer of model.layers) {
    for (const p of layer.params) out.set(p.name, p.value);
    for (const s of layer.state) out.set(s.name, s.value);
  }
  return out;
}

/** Reads the state dict back from the backend; batchnorm layers add PyTorch's num_batches_tracked. */
export async function exportStateDict(model: Model): Promise<StateDict> {
  const out: StateDict = {};
  for (const [name, tensor] of stateTensors(model)) out[name] = { shape: tensor.shape, data: (await tensor.read()) as Float32Array };
  for (const layer of batchNormLayers(model)) out[layer.counterName] = { shape: [], data: BigInt64Array.of(BigInt(layer.batchesTracked)) };
  return out;
}

/**
 * Writes a state dict (from PyTorch's `model.state_dict()` saved as safetensors, or exportStateDict) into the
 * model's tensors in place. Every tensor the model has must be given with its shape; `prefix` selects the
 * entries "<prefix><name>". Other entries are an error unless `strict` is false; num_batches_tracked is read
 * into the batchnorm counters.
 */
export function loadStateDict(model: Model, tensors: ReadonlyMap<string, NamedTensor>, options: { prefix?: string; strict?: boolean } = {}): void {
  const { prefix = '', strict = true } = options;
  const targets = stateTensors(model);
  const counters = new Map(batchNormLayers(model).map((l) => [l.counterName, l]));
  const missing = [...targets.keys()].filter((name) => !tensors.has(prefix + name));
  const unexpected = [...tensors.keys()]
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length))
    .filter((name) => !targets.has(name) && !counters.has(name));
  if (missing.length > 0 || (strict && unexpected.length > 0)) {
    throw new Error(
      `state dict does not fit the model: ${missing.length ? `missing ${missing.join(', ')}` : ''}` +
        `${missing.length && unexpected.length ? '; ' : ''}${unexpected.length ? `unexpected ${unexpected.join(', ')}` : ''}`,
    );
  }
  for (const [name, target] of targets) {
    const source = tensors.get(prefix + name)!;
    if (source.shape.length !== target.shape.length || source.shape.some((d, i) => d !== target.shape[i])) {
      throw new Error(`state dict: ${prefix}${name} has shape [${source.shape}], the model needs [${target.shape}]`);
    }
    if (source.dtype !== 'F32' && source.dtype !== 'F64') throw new Error(`state dict: ${prefix}${name} is ${source.dtype}, not a float tensor`);
    model.backend.write(target, source.data instanceof Float32Array ? source.data : Float32Array.from(source.data as Float64Array));
  }
  for (const [name, layer] of counters) {
    const count = tensors.get(prefix + name)?.data;
    if (count) layer.batchesTracked = Number(count[0]);
  }
}

function batchNormLayers(model: Model): BatchNormLayer[] {
  return model.layers.filter((l): l is BatchNormLayer => l instanceof BatchNormLayer);
}
