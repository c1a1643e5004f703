// Checkpoints as safetensors: the model's state dict under PyTorch names, the optimizer state as
// "optimizer.<param name>.<exp_avg | exp_avg_sq | momentum_buffer>", and in the metadata the model spec,
// the trainer's options and the step, so an interrupted run resumes where the file was written.
import type { Backend } from '../backend/types.js';
import { readSafetensors, writeSafetensors, type NamedTensor, type SafetensorsFile } from '../io/safetensors.js';
import { OPTIMIZER_PREFIX } from '../infer/bundle.js';
import { Model } from '../nn/model.js';
import type { ModelSpec } from '../nn/spec.js';
import { exportStateDict, loadStateDict, type StateDict } from '../nn/state-dict.js';
import { Trainer, type TrainerOptions } from './trainer.js';

const FORMAT = 'ser-gpu-checkpoint';
const FORMAT_VERSION = '1';

export interface Checkpoint {
  spec: ModelSpec;
  seed: number;
  options: TrainerOptions;
  /** Steps taken when the checkpoint was written. */
  step: number;
  tensors: Map<string, NamedTensor>;
}

/** Waits for every recorded step, then writes the file atomically (a crash keeps the previous one). */
export async function saveCheckpoint(path: string, trainer: Trainer): Promise<void> {
  const { tensors, metadata } = await checkpointContents(trainer);
  writeSafetensors(path, tensors, metadata);
}

/** What a checkpoint file holds: the state dict, the optimizer slots, and the spec, options and step as metadata. */
export async function checkpointContents(trainer: Trainer): Promise<{ tensors: StateDict; metadata: Record<string, string> }> {
  const { model, optimizer } = trainer;
  const tensors: StateDict = await exportStateDict(model);
  const state = await optimizer.exportState();
  state.slots.forEach((slot, i) => {
    for (const [name, data] of Object.entries(slot)) tensors[`${OPTIMIZER_PREFIX}${model.params[i].name}.${name}`] = { shape: model.params[i].shape, data };
  });
  const metadata = {
    format: FORMAT,
    format_version: FORMAT_VERSION,
    spec: JSON.stringify(model.spec),
    seed: String(model.seed),
    options: JSON.stringify(trainer.options),
    step: String(trainer.step),
  };
  return { tensors, metadata };
}

export function readCheckpoint(path: string): Checkpoint {
  return checkpointFrom(readSafetensors(path), path);
}

/** A checkpoint from a parsed safetensors file; `path` names it in errors. */
export function checkpointFrom({ tensors, metadata }: SafetensorsFile, path: string): Checkpoint {
  if (metadata.format !== FORMAT || metadata.format_version !== FORMAT_VERSION) {
    throw new Error(`${path}: not a ${FORMAT} version ${FORMAT_VERSION} file (format ${metadata.format ?? 'none'}, version ${metadata.format_version ?? 'none'})`);
  }
  return {
    spec: JSON.parse(metadata.spec) as ModelSpec,
    seed: Number(metadata.seed),
    options: JSON.parse(metadata.options) as TrainerOptions,
    step: Number(metadata.step),
    tensors,
  };
}

/** A trainer (and its model) in the state the checkpoint recorded: the next trainStep continues the run. */
export function restoreTrainer(backend: Backend, checkpoint: Checkpoint): Trainer {
  const modelTensors = new Map([...checkpoint.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
  const model = new Model(backend, checkpoint.spec, { seed: checkpoint.seed });
  loadStateDict(model, modelTensors);
  const trainer = new Trainer(backend, model, checkpoint.options);
  const slots = model.params.map((p) => {
    const prefix = `${OPTIMIZER_PREFIX}${p.name}.`;
    const entry: Record<string, Float32Array> = {};
    for (const [name, tensor] of checkpoint.tensors) if (name.startsWith(prefix)) entry[name.slice(prefix.length)] = tensor.data as Float32Array;
    return entry;
  });
  // One optimizer step per training step: the optimizer's count is the trainer's.
  trainer.optimizer.importState({ step: checkpoint.step, slots });
  trainer.step = checkpoint.step;
  return trainer;
}
