// A model as bytes — model.json's text and its weights file — turned into a classifier on a backend.
// Browser-safe: the web app fetches the two files, Node reads them from a model folder (src/app/model-folder.ts).
import type { Backend } from '../backend/types.js';
import { parseSafetensors, type NamedTensor } from '../io/safetensors.js';
import { Model } from '../nn/model.js';
import { loadStateDict } from '../nn/state-dict.js';
import { EmotionClassifier } from './classifier.js';
import { foldedForInference } from './fold-model.js';
import { checkModelMeta, type ModelMeta } from './model-meta.js';
import { checkWeights, OPTIMIZER_PREFIX } from './model-weights.js';

export interface ModelBundle {
  meta: ModelMeta;
  /** The weights file's tensors: the state dict, and in a training checkpoint the optimizer slots too. */
  tensors: Map<string, NamedTensor>;
  /** The weights file's safetensors metadata (a training checkpoint's spec, options, step and run state). */
  weightsMetadata: Record<string, string>;
  /** Where it came from (a folder or URL), for messages. */
  source: string;
}

export { OPTIMIZER_PREFIX };

/** model.json's text checked against its schema; errors name `${source}/model.json`. */
export function parseModelJson(modelJson: string, source: string): ModelMeta {
  let parsed: unknown;
  try {
    parsed = JSON.parse(modelJson);
  } catch (error) {
    throw new Error(`${source}/model.json: not JSON (${(error as Error).message})`);
  }
  return checkModelMeta(parsed, `${source}/model.json`);
}

/** Parses and checks both files (model.json's schema, every weight against its spec) without a backend. */
export function parseModelBundle(modelJson: string, weights: Uint8Array, source: string): ModelBundle {
  const meta = parseModelJson(modelJson, source);
  const weightsName = `${source}/${meta.weights}`;
  const { tensors, metadata } = parseSafetensors(weights, weightsName);
  checkWeights(meta.spec, tensors, weightsName);
  return { meta, tensors, weightsMetadata: metadata, source };
}

/** The model of a bundle with its weights loaded; errors name the weights file and the first mismatch. */
export function buildModel(backend: Backend, bundle: ModelBundle, seed = 0): Model {
  const model = new Model(backend, bundle.meta.spec, { seed });
  const weights = new Map([...bundle.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
  try {
    loadStateDict(model, weights);
  } catch (error) {
    model.dispose();
    throw new Error(`${bundle.source}/${bundle.meta.weights}: ${(error as Error).message}`);
  }
  return model;
}

/** A classifier of the bundle's model, its batchnorms folded into the convs before them (src/infer/fold-model.ts). */
export function createClassifier(backend: Backend, bundle: ModelBundle): EmotionClassifier {
  const model = buildModel(backend, bundle);
  const inference = foldedForInference(model);
  if (inference !== model) model.dispose();
  return new EmotionClassifier(backend, inference, bundle.meta, { ownsModel: true });
}
