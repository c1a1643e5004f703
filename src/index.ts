// The ser-gpu library API: the classic extractFeatures / loadModel / predictEmotion / train / evaluate, and
// underneath them backends, audio input, corpora, GPU features, feature files, the training engine and charts.
export { train, type TrainOptions, type TrainResult } from './app/train.js';
export { evaluate, type EvaluateOptions, type EvaluateResult } from './app/evaluate.js';
export { loadModel, LoadedModel, predictEmotion, predictFiles, type FilePrediction, type PredictOptions, type SegmentPrediction } from './app/predict.js';
export { readModelFolder, writeModelFolder, DEFAULT_MODEL_DIR } from './app/model-folder.js';
export { defaultSettings, recipeModelSpec, type TrainSettings } from './app/recipe.js';
export { Interrupted, type TrainEvent } from './app/events.js';
export { listen } from './app/listen.js';
export { EmotionStream } from './stream/emotion-stream.js';
export type { EpochRecord, EvaluationRecord, RunInfo, SplitRecord } from './app/run-files.js';
export { EmotionClassifier, type EmotionPrediction, type Samples } from './infer/classifier.js';
export { parseModelBundle, createClassifier, type ModelBundle } from './infer/bundle.js';
export { checkModelMeta, type ModelMeta } from './infer/model-meta.js';
export { classificationMetrics, meanStd, type ClassificationMetrics, type ClassMetrics, type MeanStd } from './eval/metrics.js';
export { writeRunReport, writeEvaluationReport, readExamples, writeExamples } from './report/index.js';

export { createBackend, NoAdapterError, type CreateBackendOptions } from './backend/create.js';
export type { Backend, BackendChoice, BackendKind } from './backend/types.js';
export { Tensor, type DType, type HostArray } from './tensor.js';
export { systemInfo, formatInfo, type SystemInfo } from './system-info.js';

export { InvalidFileError } from './io/errors.js';
export { GpuMemoryError } from './gpu/buffer-pool.js';
export { parseAugment, formatAugment, augmentWaveforms, augmentFeatures, type AugmentConfig } from './augment/index.js';
export { AudioDecodeError, decodeAudio, listZipAudio, readAudio, readZipMember, type AudioClip } from './audio/index.js';
export {
  loadCorpus,
  parseRavdessName,
  RAVDESS_EMOTIONS,
  scanCorpus,
  splitByActors,
  type CorpusItem,
  type LoadedClip,
  type LoadFailure,
  type RavdessMeta,
} from './data/index.js';
export { computeFeatures, featureConfig, resample, resampleClips, type FeatureConfig, type FeatureKind } from './features/index.js';

export {
  corpusItems,
  extractFeatures,
  formatExtractSummary,
  type ExtractedFeatures,
  type ExtractOptions,
  type ExtractProgress,
  type SkippedFile,
} from './extract.js';
export { clipFeatures, type ClipFeatures } from './features/clip-features.js';
export { readFeatureFile, writeFeatureFile, type FeatureFile } from './data/feature-file.js';
export { readSafetensors, writeSafetensors, type SafetensorsFile } from './io/safetensors.js';

export { heatmapChart, type HeatmapChartSpec } from './plot/heatmap-chart.js';
export { spectrogramChart, spectrogramFigure } from './plot/spectrogram.js';
export { renderPng, writeChart } from './plot/render.js';
export { Colormap, magma } from './plot/colormap.js';

export { Model, type ModelOptions } from './nn/model.js';
export { defaultModelSpec } from './nn/default-model.js';
export { inferShapes, type LayerSpec, type ModelSpec } from './nn/spec.js';
export { exportStateDict, loadStateDict } from './nn/state-dict.js';
export { Trainer, type TrainerOptions } from './train/trainer.js';
export { readCheckpoint, restoreTrainer, saveCheckpoint } from './train/checkpoint.js';
export { trainLoop } from './train/loop.js';
