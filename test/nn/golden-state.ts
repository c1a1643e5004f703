// The state dicts in the train10 golden file, keyed as the model names its tensors.
import type { NamedTensor } from '../../src/io/safetensors.js';
import type { Golden } from '../helpers/golden.js';

/** The entries "<prefix>.<name>" as a map of <name>. */
export function goldenStateDict(golden: Golden, prefix: string): Map<string, NamedTensor> {
  return new Map(golden.names(`${prefix}.`).map((name) => [name.slice(prefix.length + 1), golden.raw(name)]));
}
