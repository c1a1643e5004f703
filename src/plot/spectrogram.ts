// A log-Mel spectrogram figure: our GPU features on a Mel-spaced frequency axis labelled in Hz,
// time in seconds, and a colour bar in dB.
import { basename } from 'node:path';
import { readAudio } from '../audio/index.js';
import type { Backend } from '../backend/types.js';
import { parseRavdessName } from '../data/ravdess.js';
import { clipFeatures } from '../features/clip-features.js';
import { featureConfig, type FeatureConfig } from '../features/config.js';
import { hzToMel } from '../features/filters.js';
import type { Tick } from './axes.js';
import { heatmapChart } from './heatmap-chart.js';

/** Candidate frequency ticks in order of preference: round numbers first, then the in-betweens. */
const TICK_MULTIPLES = [[1, 2, 5], [3, 4, 6, 8]];
/** Neighbouring ticks stay at least this fraction of the axis apart. */
const MIN_TICK_GAP = 0.07;

/** Hz ticks spaced on the Mel scale: dense at low frequencies, sparse at high ones, as the bands are. */
export function melTicks(fmin: number, fmax: number, htk: boolean): Tick[] {
  const toMel = (hz: number) => hzToMel(hz, htk);
  const span = toMel(fmax) - toMel(fmin);
  const chosen: number[] = fmin === 0 ? [0] : [];
  for (const multiples of TICK_MULTIPLES) {
    for (let power = 1; power <= fmax; power *= 10) {
      for (const m of multiples) {
        const hz = m * power;
        if (hz < fmin || hz > fmax) continue;
        if (chosen.every((other) => Math.abs(toMel(hz) - toMel(other)) >= MIN_TICK_GAP * span)) chosen.push(hz);
      }
    }
  }
  return chosen.sort((a, b) => a - b).map((hz) => ({ value: toMel(hz), label: String(hz) }));
}

export interface SpectrogramData {
  /** Row-major [nMels, frames] in dB. */
  values: Float32Array;
  frames: number;
  config: FeatureConfig;
}

export interface SpectrogramChartOptions {
  title?: string;
  subtitle?: string;
  /** The colour bar's [vmin, vmax] in dB, shared by panels that are to be compared; default: this chart's data. */
  colorRange?: [number, number];
  /** Pixels; heatmapChart's defaults (900 x 420) when absent. */
  width?: number;
  height?: number;
}

export function spectrogramChart({ values, frames, config }: SpectrogramData, options: SpectrogramChartOptions = {}): string {
  let vmax = -Infinity;
  let vmin = Infinity;
  for (const v of values) {
    vmax = Math.max(vmax, v);
    vmin = Math.min(vmin, v);
  }
  return heatmapChart({
    title: options.title ?? 'Mel spectrogram',
    subtitle: options.subtitle,
    grid: { values, rows: config.nMels, cols: frames },
    x: { label: 'Time (s)', domain: [0, (frames * config.hop) / config.sampleRate] },
    // librosa's convention: the bands evenly fill the Mel range from fmin to fmax.
    y: { label: 'Frequency (Hz)', domain: [hzToMel(config.fMin, config.htk), hzToMel(config.fMax, config.htk)], ticks: melTicks(config.fMin, config.fMax, config.htk) },
    colorbar: { label: 'dB', vmin: options.colorRange?.[0] ?? Math.max(vmin, vmax - (config.topDb ?? Infinity)), vmax: options.colorRange?.[1] ?? vmax },
    width: options.width,
    height: options.height,
  });
}

/** " (angry, actor 1)" for a RAVDESS file name, else nothing. */
function emotionNote(path: string): string {
  const meta = parseRavdessName(path);
  return meta ? ` (${meta.emotionName}, actor ${meta.actor})` : '';
}

/** Reads an audio file, computes its log-Mel spectrogram on the backend, and builds the chart. */
export async function spectrogramFigure(backend: Backend, path: string, features: Partial<FeatureConfig> = {}): Promise<string> {
  const config = featureConfig({ ...features, kind: 'logmel', deltas: 0 });
  const clip = await readAudio(path);
  const { perClip, frames } = await clipFeatures(backend, [clip], config);
  const seconds = clip.samples.length / clip.sampleRate;
  return spectrogramChart(
    { values: perClip[0], frames: frames[0], config },
    {
      title: `Mel spectrogram: ${basename(path)}${emotionNote(path)}`,
      subtitle:
        `${seconds.toFixed(2)} s at ${clip.sampleRate} Hz` +
        (clip.sampleRate === config.sampleRate ? '' : `, resampled to ${config.sampleRate} Hz`) +
        ` · ${config.nMels} Mel bands, n_fft ${config.nFft}, hop ${config.hop} · computed with ${backend.kind === 'webgpu' ? 'WebGPU' : 'the gpu.js CPU fallback'}`,
    },
  );
}
