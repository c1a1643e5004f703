// Emotion recognition in the page: a model folder fetched from a URL (the site's model/ by default) and the
// inference core that Node runs (src/infer/), on the page's WebGPU backend.
import { createClassifier, parseModelBundle } from '../infer/bundle.js';
import type { EmotionClassifier, EmotionPrediction } from '../infer/classifier.js';
import type { ModelMeta } from '../infer/model-meta.js';
import { audioClip, type AudioInput } from './audio-input.js';
import { webgpuBackend } from './ser-gpu.js';

/** Where `ser-gpu serve` and `ser-gpu export-web` put the model, relative to the page. */
export const DEFAULT_MODEL_URL = 'model/';

export interface ModelInfo {
  /** The model folder's URL. */
  source: string;
  labels: readonly string[];
  /** Seconds of audio in one input window of the model (longer clips are averaged over windows). */
  windowSeconds: number;
  sampleRate: number;
  training?: Record<string, unknown>;
}

interface LoadedModel {
  classifier: EmotionClassifier;
  meta: ModelMeta;
}

const models = new Map<string, Promise<LoadedModel>>();

async function fetchBytes(url: string, what: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText} (${what})`);
  return response;
}

async function loadModel(url: string): Promise<LoadedModel> {
  // Absolute, so that messages say where the page looked.
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const root = new URL(url.endsWith('/') ? url : `${url}/`, page).href;
  const text = await (await fetchBytes(`${root}model.json`, 'no model here: ser-gpu serve --model DIR serves one')).text();
  let weights: unknown;
  try {
    weights = (JSON.parse(text) as { weights?: unknown }).weights;
  } catch {
    weights = undefined; // parseModelBundle names the JSON error
  }
  const bytes = typeof weights === 'string' && /^[\w.-]+$/.test(weights)
    ? new Uint8Array(await (await fetchBytes(`${root}${weights}`, "the weights file model.json names")).arrayBuffer())
    : new Uint8Array(0);
  const bundle = parseModelBundle(text, bytes, root.slice(0, -1));
  return { classifier: createClassifier(await webgpuBackend(), bundle), meta: bundle.meta };
}

/** A model folder URL's classifier, loaded once. */
function model(url = DEFAULT_MODEL_URL): Promise<LoadedModel> {
  let loading = models.get(url);
  if (!loading) {
    loading = loadModel(url);
    models.set(url, loading);
    loading.catch(() => models.delete(url)); // a later call may find it served
  }
  return loading;
}

export async function modelInfo(url = DEFAULT_MODEL_URL): Promise<ModelInfo> {
  const { meta } = await model(url);
  const { hop, sampleRate } = meta.features;
  return { source: url, labels: meta.labels, windowSeconds: (meta.frames * hop) / sampleRate, sampleRate, training: meta.training };
}

/** The emotion of a clip and the probability of every label, as `ser-gpu predict` gives them. */
export async function predictEmotion(input: AudioInput, options: { model?: string } = {}): Promise<EmotionPrediction> {
  const [clip, { classifier }] = await Promise.all([audioClip(input), model(options.model)]);
  return (await classifier.predict([clip]))[0];
}
