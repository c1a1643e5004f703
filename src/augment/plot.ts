// `ser-gpu plot augment`: one clip's log-Mel spectrogram, unaugmented and after each configured augmentation
// alone, as panels of one figure on a shared dB colour scale. Ranged amounts (pitch, stretch, gain, noise) are
// shown at the end of their range with the strongest effect, mixup at lambda 0.5, SpecAugment with the masks
// the seed draws: the figure shows what each augmentation can do, not one training draw.
import { basename } from 'node:path';
import { readAudio } from '../audio/index.js';
import type { Backend } from '../backend/types.js';
import { packClips, type ClipBatch } from '../features/batch.js';
import { featureConfig, type FeatureConfig } from '../features/config.js';
import { computeFeatures } from '../features/index.js';
import { resampleClips } from '../features/resample.js';
import { mixup } from '../ops/augment-mix.js';
import { spectrogramChart } from '../plot/spectrogram.js';
import { svgDocument, text } from '../plot/svg.js';
import type { Tensor } from '../tensor.js';
import { AUGMENTATIONS, augmentFeatures, augmentWaveforms, type AugmentConfig, type AugmentName } from './index.js';

const PANEL = { width: 860, height: 300 };
const COLUMNS = 2;

interface Panel {
  title: string;
  values: Float32Array;
  frames: number;
}

const MIXUP_LAMBDA = 0.5;

/** The configuration of one panel: the augmentation alone, on the clip (p = 1), a ranged amount at its strongest end. */
function panelConfig(name: AugmentName, config: AugmentConfig): { one: AugmentConfig; title: string } {
  const at = (v: number) => ({ low: v, high: v });
  switch (name) {
    case 'pitch': {
      const r = config.pitch!.semitones;
      const v = Math.abs(r.high) >= Math.abs(r.low) ? r.high : r.low;
      return { one: { pitch: { ...config.pitch!, semitones: at(v), p: 1 } }, title: `pitch shift: ${v} semitones (the end of ${r.low}..${r.high})` };
    }
    case 'stretch': {
      const r = config.stretch!.rate;
      const v = Math.abs(Math.log(r.high)) >= Math.abs(Math.log(r.low)) ? r.high : r.low;
      return { one: { stretch: { ...config.stretch!, rate: at(v), p: 1 } }, title: `time stretch: rate ${v} (the end of ${r.low}..${r.high})` };
    }
    case 'gain': {
      const r = config.gain!.db;
      const v = Math.abs(r.high) >= Math.abs(r.low) ? r.high : r.low;
      return { one: { gain: { db: at(v), p: 1 } }, title: `gain: ${v} dB (the end of ${r.low}..${r.high})` };
    }
    case 'noise': {
      const c = config.noise!;
      return { one: { noise: { ...c, snr: at(c.snr.low), p: 1 } }, title: `${c.color} noise: SNR ${c.snr.low} dB (the end of ${c.snr.low}..${c.snr.high})` };
    }
    case 'specaugment': {
      const c = config.specaugment!;
      return { one: { specaugment: { ...c, p: 1 } }, title: `SpecAugment: ${c.freqMasks} frequency masks <= ${c.maxFreqWidth} bands, ${c.timeMasks} time masks <= ${c.maxTimeWidth} frames, ${c.value} fill` };
    }
    case 'mixup':
      return { one: { mixup: config.mixup! }, title: `mixup with the clip reversed in time, lambda ${MIXUP_LAMBDA} (Beta(${config.mixup!.alpha}, ${config.mixup!.alpha}) in training)` };
  }
}

/** Clip 0's [bands, frames] rows of a feature tensor. */
async function firstClip(features: Tensor, frames: number): Promise<Float32Array> {
  const [, bands, maxFrames] = features.shape;
  const all = (await features.read()) as Float32Array;
  const out = new Float32Array(bands * frames);
  for (let b = 0; b < bands; b++) out.set(all.subarray(b * maxFrames, b * maxFrames + frames), b * frames);
  return out;
}

export async function augmentFigure(backend: Backend, path: string, config: AugmentConfig, seed: number, features: Partial<FeatureConfig> = {}): Promise<string> {
  const fc = featureConfig({ ...features, kind: 'logmel', deltas: 0 });
  const clip = await readAudio(path);
  const packed = packClips(backend, [clip.samples, clip.samples.slice().reverse()]);
  const batch: ClipBatch = clip.sampleRate === fc.sampleRate ? packed : resampleClips(backend, packed, clip.sampleRate, fc.sampleRate);
  const logMel = (b: ClipBatch) => computeFeatures(backend, b, fc);
  const original = logMel(batch);
  const panels: Panel[] = [{ title: 'unaugmented', values: await firstClip(original.features, original.frames[0]), frames: original.frames[0] }];
  for (const name of AUGMENTATIONS.filter((n) => config[n])) {
    const { one, title } = panelConfig(name, config);
    let out: { features: Tensor; frames: number[] };
    if (name === 'mixup') {
      // The figure's batch is the clip and its reversal: pair them, at a lambda that shows both.
      const labels = backend.upload(Int32Array.of(0, 1), [2], 'i32');
      out = mixup(backend, original.features, original.frames, labels, 2, { perm: Uint32Array.of(1, 0), lambda: Float32Array.of(MIXUP_LAMBDA, MIXUP_LAMBDA) });
    } else if (name === 'specaugment') {
      const a = augmentFeatures(backend, original.features, original.frames, one, seed);
      out = { features: a.features, frames: a.lengths };
    } else {
      out = logMel(augmentWaveforms(backend, batch, one, seed));
    }
    panels.push({ title, values: await firstClip(out.features, out.frames[0]), frames: out.frames[0] });
  }
  // One colour scale for all panels (gain and noise change levels): the unaugmented clip's top-dB range.
  let vmax = -Infinity;
  for (const v of panels[0].values) vmax = Math.max(vmax, v);
  const range: [number, number] = [vmax - (fc.topDb ?? 80), vmax];
  const rows = Math.ceil(panels.length / COLUMNS);
  const charts = panels.map((p, i) => {
    const chart = spectrogramChart({ values: p.values, frames: p.frames, config: fc }, { title: p.title, colorRange: range, ...PANEL });
    const [x, y] = [(i % COLUMNS) * PANEL.width, 40 + Math.floor(i / COLUMNS) * PANEL.height];
    return chart.replace('<svg ', `<svg x="${x}" y="${y}" `);
  });
  const title = `Augmentations of ${basename(path)}: log-Mel (${fc.nMels} bands, n_fft ${fc.nFft}, hop ${fc.hop}), seed ${seed}, computed with ${backend.kind === 'webgpu' ? 'WebGPU' : 'gpu.js'}`;
  const width = COLUMNS * PANEL.width;
  return svgDocument(width, 40 + rows * PANEL.height, [
    text(width / 2, 26, title, { 'font-size': 18, 'font-weight': 'bold', 'text-anchor': 'middle', fill: '#111' }),
    ...charts,
  ]);
}
