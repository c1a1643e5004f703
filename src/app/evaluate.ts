// `ser-gpu evaluate` and the library's evaluate(): a trained model (the shipped one by default) on any
// labelled corpus the loaders read — folders, zips, label CSVs, 48 kHz WAV or 16 kHz FLAC — with WA, UA,
// loss, per-class precision/recall/F1 and the confusion matrix. Corpora with other label names evaluate
// through a label map; clips whose label the model does not know are counted and left out.
import { readFileSync } from 'node:fs';
import type { Backend, BackendChoice } from '../backend/types.js';
import type { SkippedFile } from '../extract.js';
import { withCorpusClassifier } from './corpus-classifier.js';
import { DEFAULT_MODEL_DIR, readModelFolder } from './model-folder.js';
import type { EvaluationRecord } from './run-files.js';
import { scoreClips } from './scoring.js';

export interface EvaluateOptions {
  /** A model folder; default the shipped pretrained model. */
  model?: string;
  data: string | readonly string[];
  /** {"corpus label": "model label"}, or the path of a JSON file holding it. */
  labelMap?: Record<string, string> | string;
  backend?: Backend | BackendChoice;
}

export interface EvaluateResult extends EvaluationRecord {
  model: string;
  /** Files that could not be decoded. */
  skipped: SkippedFile[];
  /** Corpus labels the model does not know (after the label map), with their clip counts: not scored. */
  unmapped: { label: string; clips: number }[];
  /** Clips without any label: not scored. */
  unlabelled: number;
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const modelDir = options.model ?? DEFAULT_MODEL_DIR;
  const bundle = readModelFolder(modelDir);
  const labelMap = readLabelMap(options.labelMap);
  const inputs = typeof options.data === 'string' ? [options.data] : options.data;
  return withCorpusClassifier(bundle, inputs, options.backend, async ({ classifier, set, skipped }) => {
    const modelLabels = bundle.meta.labels;
    const unmapped = new Map<string, number>();
    let unlabelled = 0;
    const scored: number[] = [];
    const labels: number[] = [];
    set.labels.forEach((corpusLabel, i) => {
      if (corpusLabel < 0) {
        unlabelled++;
        return;
      }
      const name = set.labelNames[corpusLabel];
      const modelLabel = modelLabels.indexOf(labelMap[name] ?? name);
      if (modelLabel < 0) unmapped.set(name, (unmapped.get(name) ?? 0) + 1);
      else {
        scored.push(i);
        labels.push(modelLabel);
      }
    });
    if (scored.length === 0) {
      throw new Error(`no clip of ${inputs.join(', ')} has a label the model knows (${modelLabels.join(', ')}); corpus labels: ${[...unmapped.keys()].join(', ') || 'none'}: map them with --label-map`);
    }
    const { probabilities: _p, ...record } = await scoreClips(classifier, scored.map((i) => set.clips[i]), labels, inputs.join(', '));
    return {
      ...record,
      model: modelDir,
      skipped,
      unmapped: [...unmapped].map(([label, clips]) => ({ label, clips })),
      unlabelled,
    };
  });
}

function readLabelMap(map: EvaluateOptions['labelMap']): Record<string, string> {
  if (map === undefined) return {};
  if (typeof map !== 'string') return map;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(map, 'utf8'));
  } catch (error) {
    throw new Error(`--label-map ${map}: not a readable JSON file (${(error as Error).message})`);
  }
  const valid = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string');
  if (!valid) throw new Error(`--label-map ${map}: expected an object of "corpus label": "model label" strings`);
  return parsed as Record<string, string>;
}
