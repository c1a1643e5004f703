// A feature set's clips as waveforms at the feature rate, held in host memory for training with the
// waveform augmentations (noise, gain, pitch, stretch), which must run before the features. Decoded once
// per run, in the feature set's clip order; a file whose rate differs is resampled on the backend, as the
// features were.
import type { AudioClip } from '../audio/clip.js';
import type { Backend } from '../backend/types.js';
import { packClips } from '../features/batch.js';
import { groupByRate } from '../features/clip-features.js';
import { resampleClips } from '../features/resample.js';
import type { FeatureSet } from './dataset.js';
import { loadCorpus, type LoadedClip } from './load.js';

/** Clips resampled per backend pass. */
const RESAMPLE_BATCH = 64;

/** Clip c's samples at set.config.sampleRate, for every clip of the set. */
export async function loadAudioSet(backend: Backend, set: FeatureSet): Promise<Float32Array[]> {
  const items = set.sources.map((source, c) => ({ source, label: set.labels[c], actor: set.actors[c] }));
  const failures: string[] = [];
  const decoded: LoadedClip[] = [];
  for await (const loaded of loadCorpus(items, { onError: ({ source, error }) => failures.push(`${source}: ${error.problem}`) })) decoded.push(loaded);
  if (failures.length > 0) throw new Error(`the waveform augmentations need the audio again, and ${failures.length} file(s) no longer decode:\n  ${failures.join('\n  ')}`);
  const rate = set.config.sampleRate;
  const audio: Float32Array[] = decoded.map(({ clip }) => clip.samples);
  for (const [from, indices] of groupByRate(decoded.map(({ clip }) => clip))) {
    if (from === rate) continue;
    for (let first = 0; first < indices.length; first += RESAMPLE_BATCH) {
      const chunk = indices.slice(first, first + RESAMPLE_BATCH);
      const resampled = await resampledClips(backend, chunk.map((c) => decoded[c].clip), from, rate);
      chunk.forEach((c, i) => (audio[c] = resampled[i]));
    }
  }
  return audio;
}

async function resampledClips(backend: Backend, clips: readonly AudioClip[], from: number, to: number): Promise<Float32Array[]> {
  const packed = packClips(backend, clips.map((clip) => clip.samples));
  const out = resampleClips(backend, packed, from, to);
  packed.samples.dispose();
  const samples = (await out.samples.read()) as Float32Array;
  out.samples.dispose();
  return out.offsets.map((offset, c) => samples.slice(offset, offset + out.lengths[c]));
}
