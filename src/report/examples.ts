// DIR/examples.safetensors: one example log-Mel spectrogram per emotion, for the report.
//   tensors       "<label>": F32 [bands, frames], in dB
//   __metadata__  format:  "ser-gpu-examples/1"
//                 labels:  JSON array, the labels in the model's order (tensor names are stored sorted)
//                 sources: JSON object, label -> the clip it was computed from
//                 config:  JSON FeatureConfig shared by every example
import { readSafetensors, writeSafetensors, type SafeArray } from '../io/safetensors.js';
import type { FeatureConfig } from '../features/config.js';
import type { ExampleSpectrogram } from './types.js';

export const EXAMPLES_FORMAT = 'ser-gpu-examples/1';

export function writeExamples(path: string, examples: readonly ExampleSpectrogram[]): void {
  if (examples.length === 0) throw new Error(`${path}: no example spectrograms to write`);
  const config = examples[0].config;
  const tensors: Record<string, { shape: number[]; data: SafeArray }> = {};
  const sources: Record<string, string> = {};
  for (const example of examples) {
    const { label, values, frames } = example;
    if (label in tensors || label === '__metadata__') throw new Error(`${path}: example label "${label}" is repeated or reserved`);
    if (JSON.stringify(example.config) !== JSON.stringify(config)) throw new Error(`${path}: example "${label}" has another feature config than "${examples[0].label}"`);
    const bands = values.length / frames;
    if (!Number.isInteger(bands) || bands !== config.nMels) {
      throw new Error(`${path}: example "${label}" has ${values.length} values, not ${config.nMels} bands x ${frames} frames`);
    }
    tensors[label] = { shape: [bands, frames], data: values };
    sources[label] = example.source;
  }
  writeSafetensors(path, tensors, {
    format: EXAMPLES_FORMAT,
    labels: JSON.stringify(examples.map((e) => e.label)),
    sources: JSON.stringify(sources),
    config: JSON.stringify(config),
  });
}

export function readExamples(path: string): ExampleSpectrogram[] {
  const { tensors, metadata } = readSafetensors(path);
  const fail = (problem: string): never => {
    throw new Error(`${path}: not a ser-gpu examples file: ${problem}`);
  };
  if (metadata.format !== EXAMPLES_FORMAT) fail(`metadata format is ${JSON.stringify(metadata.format)}, expected "${EXAMPLES_FORMAT}"`);
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key] ?? fail(`metadata has no "${key}"`));
    } catch (error) {
      return fail(`metadata "${key}" is not JSON (${(error as Error).message})`);
    }
  };
  const labels = parse('labels') as string[];
  const sources = parse('sources') as Record<string, string>;
  const config = parse('config') as FeatureConfig;
  if (!Array.isArray(labels)) fail('metadata "labels" is not an array');
  return labels.map((label) => {
    const tensor = tensors.get(label) ?? fail(`no tensor for label "${label}"`);
    if (tensor.dtype !== 'F32' || tensor.shape.length !== 2) fail(`tensor "${label}" is ${tensor.dtype} [${tensor.shape}], expected F32 [bands, frames]`);
    const [bands, frames] = tensor.shape;
    if (bands !== config.nMels) fail(`tensor "${label}" has ${bands} bands but the config has ${config.nMels} Mel bands`);
    return { label, source: sources[label] ?? '', values: tensor.data as Float32Array, frames, config };
  });
}
