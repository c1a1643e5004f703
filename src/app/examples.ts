// One log-Mel spectrogram per emotion for the run report: the first training clip of each label, from the
// run's own features when they are plain log-Mel, else computed for those clips alone.
import { readAudio } from '../audio/index.js';
import type { Backend } from '../backend/types.js';
import type { FeatureSet } from '../data/dataset.js';
import { clipFeatures } from '../features/clip-features.js';
import { featureConfig } from '../features/config.js';
import type { ExampleSpectrogram } from '../report/types.js';

export async function exampleSpectrograms(backend: Backend, set: FeatureSet, trainActors: readonly number[]): Promise<ExampleSpectrogram[]> {
  const chosen = set.labelNames
    .map((label, k) => ({ label, index: set.labels.findIndex((l, i) => l === k && trainActors.includes(set.actors[i])) }))
    .filter(({ index }) => index >= 0);
  if (set.config.kind === 'logmel' && set.config.deltas === 0) {
    return chosen.map(({ label, index }) => ({ label, source: set.sources[index], ...set.clips[index], config: set.config }));
  }
  const config = featureConfig({ ...set.config, kind: 'logmel', deltas: 0 });
  const clips = await Promise.all(chosen.map(({ index }) => readAudio(set.sources[index])));
  const { perClip, frames } = await clipFeatures(backend, clips, config);
  return chosen.map(({ label, index }, i) => ({ label, source: set.sources[index], values: perClip[i], frames: frames[i], config }));
}
