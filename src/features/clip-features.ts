// Decoded clips → features on the backend: pack, resample to the feature rate, compute, read back per clip.
// Browser-safe (no file system): the corpus pipeline (src/extract.ts), plots and inference all use it.
import type { AudioClip } from '../audio/clip.js';
import type { Backend } from '../backend/types.js';
import type { HostArray } from '../tensor.js';
import { packClips } from './batch.js';
import type { FeatureConfig } from './config.js';
import { computeFeatures } from './index.js';
import { resampleClips } from './resample.js';

export interface ClipFeatures {
  bands: number;
  /** Valid frames of each clip. */
  frames: number[];
  /** Each clip's [bands, frames[i]] features, row-major. */
  perClip: Float32Array[];
}

/**
 * Decoded clips through the backend: pack, resample to the feature rate, features, read back. One pass
 * per sample rate present (usually one), as the resampler takes a batch of one rate. Everything is recorded
 * and submitted before the returned promise first waits, so a caller may start the next batch while the
 * GPU works on this one.
 */
export function clipFeatures(backend: Backend, clips: readonly AudioClip[], config: FeatureConfig): Promise<ClipFeatures> {
  const passes = [...groupByRate(clips)].map(([rate, indices]) => {
    const packed = packClips(backend, indices.map((i) => clips[i].samples));
    const input = rate === config.sampleRate ? packed : resampleClips(backend, packed, rate, config.sampleRate);
    if (input !== packed) packed.samples.dispose();
    const out = computeFeatures(backend, input, config);
    input.samples.dispose();
    const values = out.features.read();
    out.features.dispose(); // its buffer returns to the pool only after the read's copy, in stream order
    return { indices, frames: out.frames, shape: out.features.shape, values };
  });
  return gatherClipFeatures(passes, clips.length);
}

async function gatherClipFeatures(
  passes: { indices: number[]; frames: number[]; shape: readonly number[]; values: Promise<HostArray> }[],
  clipCount: number,
): Promise<ClipFeatures> {
  const perClip: Float32Array[] = new Array(clipCount);
  const frames: number[] = new Array(clipCount);
  let bands = 0;
  // Every pass's read has started; wait for all, so that none is left to reject unobserved.
  const values = await Promise.all(passes.map((pass) => pass.values));
  passes.forEach((pass, p) => {
    const [, passBands, padded] = pass.shape;
    bands = passBands;
    const data = values[p] as Float32Array;
    pass.indices.forEach((clipIndex, n) => {
      const valid = pass.frames[n];
      const clip = new Float32Array(bands * valid);
      for (let b = 0; b < bands; b++) clip.set(data.subarray((n * bands + b) * padded, (n * bands + b) * padded + valid), b * valid);
      perClip[clipIndex] = clip;
      frames[clipIndex] = valid;
    });
  });
  return { bands, frames, perClip };
}

/** Indices of the clips at each sample rate, in order. */
export function groupByRate(clips: readonly AudioClip[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  clips.forEach((clip, i) => groups.set(clip.sampleRate, [...(groups.get(clip.sampleRate) ?? []), i]));
  return groups;
}

