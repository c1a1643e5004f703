// The library as the web page exposes it (window.serGpu): one WebGPU backend on navigator.gpu, and the same
// feature code that Node runs (src/features/clip-features.ts) on the same shaders.
import { createWebGpuBackend } from '../backend/webgpu.js';
import type { WebGpuBackend } from '../backend/types.js';
import { clipFeatures } from '../features/clip-features.js';
import { featureConfig, type FeatureConfig } from '../features/config.js';
import type { AdapterReport } from '../gpu/device.js';
import { audioClip, type AudioInput } from './audio-input.js';

export interface MelSpectrogram {
  /** Row-major [bands, frames] log-Mel power in dB (the default config; `kind` may ask for another feature). */
  values: Float32Array;
  bands: number;
  frames: number;
  /** The decoded clip's rate before resampling to config.sampleRate. */
  sourceRate: number;
  config: FeatureConfig;
}

export class NoWebGpuError extends Error {
  constructor(readonly reason: string) {
    super(`ser-gpu: ${reason}. It computes everything with WebGPU compute shaders: use a browser with WebGPU enabled (Chrome/Edge 113+, or Firefox/Safari with WebGPU turned on), over https or localhost.`);
  }
}

let backend: Promise<WebGpuBackend> | null = null;

/** The page's one backend, created on first use. */
export function webgpuBackend(): Promise<WebGpuBackend> {
  backend ??= createWebGpuBackend().then((created) => {
    if (created) return created;
    const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
    throw new NoWebGpuError(gpu ? 'this browser has WebGPU but no adapter' : 'this browser has no WebGPU (navigator.gpu is missing)');
  });
  backend.catch(() => {
    backend = null; // let a later call try again
  });
  return backend;
}

export async function adapterInfo(): Promise<AdapterReport> {
  return (await webgpuBackend()).adapter;
}

/** The log-Mel spectrogram of a clip, computed on the GPU exactly as `ser-gpu extract` computes it. */
export async function melSpectrogram(input: AudioInput, features: Partial<FeatureConfig> = {}): Promise<MelSpectrogram> {
  const clip = await audioClip(input);
  const config = featureConfig(features);
  const { bands, frames, perClip } = await clipFeatures(await webgpuBackend(), [clip], config);
  return { values: perClip[0], bands, frames: frames[0], sourceRate: clip.sampleRate, config };
}
