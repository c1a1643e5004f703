// The state dict a model spec implies — names, shapes and dtypes, derived without a backend as src/nn/build.ts
// names its parameters (PyTorch's nn.Sequential names) — and the check of a weights file against it, so a
// model folder fails before any GPU work, naming the file and the first mismatch.
import type { NamedTensor, SafeDType } from '../io/safetensors.js';
import { inferShapes, pair, type ModelSpec } from '../nn/spec.js';

export interface ExpectedTensor {
  shape: number[];
  /** Accepted dtypes: F32 (or F64, which loading converts, as PyTorch's .double() models) for values. */
  dtypes: readonly SafeDType[];
  /** Trainable (has optimizer state in a checkpoint). */
  trainable: boolean;
  /** PyTorch's num_batches_tracked: informational, so a file may leave it out. */
  optional: boolean;
}

const FLOAT: readonly SafeDType[] = ['F32', 'F64'];
/** Optimizer slots a training checkpoint may hold per parameter: "optimizer.<param>.<slot>" (src/train/checkpoint.ts). */
const OPTIMIZER_SLOTS = ['momentum_buffer', 'exp_avg', 'exp_avg_sq'];
/** Tensors of a training checkpoint's weights file that are optimizer state, not model weights. */
export const OPTIMIZER_PREFIX = 'optimizer.';

/** Every tensor of the spec's state dict, in build order. The spec must pass inferShapes. */
export function expectedStateDict(spec: ModelSpec): Map<string, ExpectedTensor> {
  const shapes = inferShapes(spec);
  const out = new Map<string, ExpectedTensor>();
  const add = (name: string, shape: number[], trainable: boolean, dtypes = FLOAT, optional = false) => out.set(name, { shape, dtypes, trainable, optional });
  spec.layers.forEach((layer, i) => {
    const prefix = layer.name ?? String(i);
    const [channels] = shapes[i].input;
    switch (layer.type) {
      case 'conv2d':
        add(`${prefix}.weight`, [layer.filters, channels, ...pair(layer.kernel, 1)], true);
        if (layer.bias !== false) add(`${prefix}.bias`, [layer.filters], true);
        break;
      case 'dense':
        add(`${prefix}.weight`, [layer.units, channels], true);
        if (layer.bias !== false) add(`${prefix}.bias`, [layer.units], true);
        break;
      case 'batchnorm2d':
      case 'batchnorm1d':
        add(`${prefix}.weight`, [channels], true);
        add(`${prefix}.bias`, [channels], true);
        add(`${prefix}.running_mean`, [channels], false);
        add(`${prefix}.running_var`, [channels], false);
        add(`${prefix}.num_batches_tracked`, [], false, ['I64'], true);
        break;
    }
  });
  return out;
}

/**
 * Checks a weights file's tensors against the spec: every expected tensor present with an accepted dtype, its
 * shape and finite values (running_var and Adam's exp_avg_sq >= 0: their square roots are taken); no tensor the spec does not have, except a checkpoint's optimizer
 * slots, which must belong to a trainable tensor and match it. Throws naming `source` and the first mismatch.
 */
export function checkWeights(spec: ModelSpec, tensors: ReadonlyMap<string, NamedTensor>, source: string): void {
  const fail = (problem: string): never => {
    throw new Error(`${source}: the weights do not fit the model spec: ${problem}`);
  };
  const expected = expectedStateDict(spec);
  for (const [name, want] of expected) {
    const tensor = tensors.get(name);
    if (!tensor) {
      if (want.optional) continue;
      fail(`missing ${name} [${want.shape}]`);
    }
    checkTensor(name, tensor!, want.shape, want.dtypes, fail);
    if (name.endsWith('.running_var') && (tensor!.data as Float32Array).some((v) => v < 0)) fail(`${name} holds a negative variance`);
  }
  for (const [name, tensor] of tensors) {
    if (expected.has(name)) continue;
    if (!name.startsWith(OPTIMIZER_PREFIX)) fail(`unexpected tensor ${name} [${tensor.shape}] (the model spec has no such weight)`);
    const rest = name.slice(OPTIMIZER_PREFIX.length);
    const dot = rest.lastIndexOf('.');
    const [param, slot] = [rest.slice(0, dot), rest.slice(dot + 1)];
    const owner = expected.get(param);
    if (!owner?.trainable || !OPTIMIZER_SLOTS.includes(slot)) fail(`unexpected optimizer tensor ${name} (no trainable weight ${param} with a ${OPTIMIZER_SLOTS.join(' / ')} slot)`);
    checkTensor(name, tensor, owner!.shape, ['F32'], fail);
    if (slot === 'exp_avg_sq' && (tensor.data as Float32Array).some((v) => v < 0)) fail(`${name} holds a negative second moment`);
  }
}

function checkTensor(name: string, tensor: NamedTensor, shape: readonly number[], dtypes: readonly SafeDType[], fail: (problem: string) => never): void {
  if (!dtypes.includes(tensor.dtype)) fail(`${name} is ${tensor.dtype}, expected ${dtypes.join(' or ')}`);
  if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) fail(`${name} has shape [${tensor.shape}], the model spec gives [${shape}]`);
  if (tensor.data instanceof Float32Array || tensor.data instanceof Float64Array) {
    const bad = tensor.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`${name} holds ${tensor.data[bad]} at index ${bad}`);
  }
}
