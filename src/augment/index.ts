// One entry point for the training-time augmentations: a configuration (parsed from the command line's
// `--augment` text), applied to a waveform batch before the features and to the feature batch after them.
// Everything runs on the backend, per batch; the host draws only per-clip amounts that decide output sizes
// (pitch, stretch) and mixup's pairing and weights. Never apply these to validation or test data.
import type { Backend } from '../backend/types.js';
import type { ClipBatch } from '../features/batch.js';
import { mixup, drawMixup } from '../ops/augment-mix.js';
import { addNoise, randomGain, type NoiseColor } from '../ops/augment-wave.js';
import { streamKey } from '../ops/pcg-hash.js';
import { specAugment, type SpecAugmentOptions } from '../ops/spec-augment.js';
import type { Tensor } from '../tensor.js';
import { DEFAULT_STRETCH_STFT, randomPitchShift, randomTimeStretch, type Range } from './pitch-stretch.js';
import { chooseClips, gatherClips, gatherRows, scatterClips, scatterRows } from './select.js';

/** Every augmentation applies to each clip with probability p (1: every clip). */
interface Chance {
  p: number;
}

export interface AugmentConfig {
  /** Semitones per clip, uniform in the range; the vocoder's STFT. */
  pitch?: { semitones: Range; nFft: number; hop: number } & Chance;
  /** Rate per clip (> 1 faster), uniform in the range. */
  stretch?: { rate: Range; nFft: number; hop: number } & Chance;
  /** Gain per clip in dB, uniform in the range. */
  gain?: { db: Range } & Chance;
  /** SNR per clip in dB, uniform in the range, relative to the clip's own power. */
  noise?: { snr: Range; color: NoiseColor } & Chance;
  specaugment?: SpecAugmentOptions & Chance;
  /** lambda ~ Beta(alpha, alpha) per clip; pairs from a seeded permutation of the batch; unchosen clips keep lambda 1. */
  mixup?: { alpha: number } & Chance;
}

export type AugmentName = keyof AugmentConfig;
/** The order they are applied in: waveform ones (noise last, so its SNR is against the final signal), then features. */
export const AUGMENTATIONS: readonly AugmentName[] = ['pitch', 'stretch', 'gain', 'noise', 'specaugment', 'mixup'];

/** Those that act on the waveform, so a batch needs its audio (not only cached features) when any is configured. */
export const WAVEFORM_AUGMENTATIONS: readonly AugmentName[] = ['pitch', 'stretch', 'gain', 'noise'];

export function usesWaveforms(config: AugmentConfig): boolean {
  return WAVEFORM_AUGMENTATIONS.some((name) => config[name] !== undefined);
}

export const AUGMENT_DEFAULTS: Required<AugmentConfig> = {
  pitch: { semitones: { low: -2, high: 2 }, ...DEFAULT_STRETCH_STFT, p: 1 },
  stretch: { rate: { low: 0.9, high: 1.1 }, ...DEFAULT_STRETCH_STFT, p: 1 },
  gain: { db: { low: -6, high: 6 }, p: 1 },
  noise: { snr: { low: 5, high: 30 }, color: 'white', p: 1 },
  // 64 Mel bands x ~188 frames (3 s at hop 256); log-Mel dB features, where 0 would be loud: mask with the mean.
  specaugment: { freqMasks: 2, maxFreqWidth: 8, timeMasks: 2, maxTimeWidth: 20, value: 'mean', p: 1 },
  mixup: { alpha: 0.4, p: 1 },
};

/** The keys of each augmentation in the `name:key=value` syntax, with what they set. */
const KEYS: Record<AugmentName, Record<string, string>> = {
  pitch: { semitones: 'range', nfft: 'int', hop: 'int', p: '0..1' },
  stretch: { rate: 'range', nfft: 'int', hop: 'int', p: '0..1' },
  gain: { db: 'range', p: '0..1' },
  noise: { snr: 'range', color: 'white|pink', p: '0..1' },
  specaugment: { F: 'int', f: 'int', T: 'int', t: 'int', value: 'zero|mean', p: '0..1' },
  mixup: { alpha: 'number', p: '0..1' },
};

export const AUGMENT_SYNTAX =
  'comma-separated names (pitch, stretch, gain, noise, specaugment, mixup), each optionally followed by :key=value settings, ' +
  'ranges as low..high: e.g. "noise:snr=5..30:color=pink,gain:db=-6..6,specaugment:F=2:f=8:T=2:t=20:value=mean,mixup:alpha=0.4,' +
  'pitch:semitones=-2..2,stretch:rate=0.9..1.1" (pitch and stretch also take nfft= and hop=); every one takes p=, the probability ' +
  'that it applies to a clip (default 1)';

function fail(problem: string): never {
  throw new Error(`--augment: ${problem}; the syntax: ${AUGMENT_SYNTAX}`);
}

function parseNumber(text: string, what: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) fail(`${what} = "${text}" is not a number`);
  return v;
}

function parseInteger(text: string, what: string): number {
  const v = parseNumber(text, what);
  if (!Number.isInteger(v) || v < 0) fail(`${what} = "${text}" is not a non-negative integer`);
  return v;
}

function parseRange(text: string, what: string): Range {
  const parts = text.split('..');
  if (parts.length !== 2) fail(`${what} = "${text}" is not a range low..high`);
  const [low, high] = parts.map((p) => parseNumber(p, what));
  if (low > high) fail(`${what} = "${text}" has low > high`);
  return { low, high };
}

/** Parses e.g. "noise,gain:db=-3..3,specaugment" into a configuration; names alone take their defaults. */
export function parseAugment(text: string): AugmentConfig {
  const config: AugmentConfig = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...settings] = item.split(':');
    if (!(name in KEYS)) fail(`unknown augmentation "${name}"`);
    const key = name as AugmentName;
    if (config[key]) fail(`"${name}" is given twice`);
    const values = new Map<string, string>();
    for (const setting of settings) {
      const eq = setting.indexOf('=');
      const k = setting.slice(0, eq);
      if (eq < 0 || !(k in KEYS[key])) fail(`"${setting}" is not a setting of ${name} (${Object.keys(KEYS[key]).map((s) => `${s}=${KEYS[key][s]}`).join(', ')})`);
      values.set(k, setting.slice(eq + 1));
    }
    const get = <T>(k: string, parse: (v: string, what: string) => T, fallback: T): T => (values.has(k) ? parse(values.get(k)!, `${name}:${k}`) : fallback);
    const choice = <T extends string>(k: string, options: readonly T[], fallback: T): T =>
      get(k, (v, what) => (options.includes(v as T) ? (v as T) : fail(`${what} = "${v}" is not one of ${options.join(', ')}`)), fallback);
    const d = AUGMENT_DEFAULTS;
    const p = get('p', (v, what) => {
      const x = parseNumber(v, what);
      return x >= 0 && x <= 1 ? x : fail(`${what} = ${x} is not a probability in [0, 1]`);
    }, 1);
    const stft = (fallback: { nFft: number; hop: number }) => {
      const nFft = get('nfft', parseInteger, fallback.nFft);
      const hop = get('hop', parseInteger, fallback.hop);
      if (nFft < 4 || !Number.isInteger(Math.log2(nFft))) fail(`${name}:nfft = ${nFft} is not a power of two >= 4`);
      if (hop < 1 || hop > nFft) fail(`${name}:hop = ${hop} is not in 1..nfft`);
      return { nFft, hop };
    };
    switch (key) {
      case 'pitch':
        config.pitch = { semitones: get('semitones', parseRange, d.pitch.semitones), ...stft(d.pitch), p };
        break;
      case 'stretch': {
        const rate = get('rate', parseRange, d.stretch.rate);
        if (!(rate.low > 0 && rate.high < 4)) fail(`stretch:rate ${rate.low}..${rate.high} must lie in (0, 4)`);
        config.stretch = { rate, ...stft(d.stretch), p };
        break;
      }
      case 'gain':
        config.gain = { db: get('db', parseRange, d.gain.db), p };
        break;
      case 'noise':
        config.noise = { snr: get('snr', parseRange, d.noise.snr), color: choice('color', ['white', 'pink'] as const, d.noise.color), p };
        break;
      case 'specaugment': {
        const s = d.specaugment;
        config.specaugment = {
          freqMasks: get('F', parseInteger, s.freqMasks),
          maxFreqWidth: get('f', parseInteger, s.maxFreqWidth),
          timeMasks: get('T', parseInteger, s.timeMasks),
          maxTimeWidth: get('t', parseInteger, s.maxTimeWidth),
          value: choice('value', ['zero', 'mean'] as const, s.value),
          p,
        };
        break;
      }
      case 'mixup': {
        const alpha = get('alpha', parseNumber, d.mixup.alpha);
        if (!(alpha > 0)) fail(`mixup:alpha = ${alpha} must be positive`);
        config.mixup = { alpha, p };
        break;
      }
    }
  }
  return config;
}

/** The configuration in parseAugment's syntax, every setting spelled out (for run records). */
export function formatAugment(config: AugmentConfig): string {
  const range = (r: Range) => `${r.low}..${r.high}`;
  const parts: string[] = [];
  for (const name of AUGMENTATIONS) {
    const c = config[name];
    if (!c) continue;
    const settings: string[] = [];
    if (name === 'pitch') settings.push(`semitones=${range(config.pitch!.semitones)}`, `nfft=${config.pitch!.nFft}`, `hop=${config.pitch!.hop}`);
    if (name === 'stretch') settings.push(`rate=${range(config.stretch!.rate)}`, `nfft=${config.stretch!.nFft}`, `hop=${config.stretch!.hop}`);
    if (name === 'gain') settings.push(`db=${range(config.gain!.db)}`);
    if (name === 'noise') settings.push(`snr=${range(config.noise!.snr)}`, `color=${config.noise!.color}`);
    if (name === 'specaugment') {
      const s = config.specaugment!;
      settings.push(`F=${s.freqMasks}`, `f=${s.maxFreqWidth}`, `T=${s.timeMasks}`, `t=${s.maxTimeWidth}`, `value=${s.value}`);
    }
    if (name === 'mixup') settings.push(`alpha=${config.mixup!.alpha}`);
    parts.push([name, ...settings, `p=${c.p}`].join(':'));
  }
  return parts.join(',');
}

/** Each augmentation's own seed, so that enabling one does not change another's draws. */
export function augmentSeed(seed: number, name: AugmentName): number {
  return streamKey(seed >>> 0, 1 + AUGMENTATIONS.indexOf(name));
}

/**
 * The configured waveform augmentations (pitch, stretch, gain, noise, in that order) of a batch: a new batch
 * (stretch changes the lengths), or the input itself when none is configured. Intermediates are released;
 * the input is left as is.
 */
export function augmentWaveforms(backend: Backend, batch: ClipBatch, config: AugmentConfig, seed: number): ClipBatch {
  let current = batch;
  const step = (name: AugmentName, p: number, apply: (b: ClipBatch, seed: number) => ClipBatch) => {
    const s = augmentSeed(seed, name);
    const next = onChosenClips(backend, current, p, s, (b) => apply(b, s));
    if (next === current) return;
    if (current !== batch) current.samples.dispose();
    current = next;
  };
  const { pitch, stretch, gain, noise } = config;
  if (pitch) step('pitch', pitch.p, (b, s) => randomPitchShift(backend, b, pitch.semitones, s, pitch));
  if (stretch) step('stretch', stretch.p, (b, s) => randomTimeStretch(backend, b, stretch.rate, s, stretch));
  if (gain) step('gain', gain.p, (b, s) => randomGain(backend, b, gain.db, s));
  if (noise) step('noise', noise.p, (b, s) => addNoise(backend, b, { snrLow: noise.snr.low, snrHigh: noise.snr.high, color: noise.color }, s));
  return current;
}

/** `apply` on the clips chosen with probability p (all of them at p = 1): a new batch, or `batch` if none is chosen. */
function onChosenClips(backend: Backend, batch: ClipBatch, p: number, seed: number, apply: (b: ClipBatch) => ClipBatch): ClipBatch {
  if (p >= 1) return apply(batch);
  const chosen = chooseClips(seed, batch.lengths.length, p);
  if (chosen.length === 0) return batch;
  const part = gatherClips(backend, batch, chosen);
  const done = apply(part);
  const out = scatterClips(backend, batch, chosen, done);
  part.samples.dispose();
  done.samples.dispose();
  return out;
}

export interface AugmentedFeatures {
  /** [N, bands, maxFrames]: the input tensor itself when no feature augmentation is configured. */
  features: Tensor;
  lengths: number[];
  /** [N, K] soft targets when mixup ran, else null (train on the integer labels). */
  targets: Tensor | null;
}

/**
 * The configured feature augmentations (SpecAugment, then mixup) of features [N, bands, maxFrames] with valid
 * lengths. Mixup needs the batch's labels (i32 [N], classes 0..K-1) and yields soft targets for
 * softmaxCrossEntropySoftForward. Intermediates are released; the input is left as is.
 */
export function augmentFeatures(
  backend: Backend,
  features: Tensor,
  lengths: readonly number[],
  config: AugmentConfig,
  seed: number,
  labels?: { labels: Tensor; classes: number },
): AugmentedFeatures {
  let x = features;
  let frames = [...lengths];
  const spec = config.specaugment;
  if (spec) {
    const s = augmentSeed(seed, 'specaugment');
    const chosen = spec.p >= 1 ? null : chooseClips(s, lengths.length, spec.p);
    if (!chosen) x = specAugment(backend, x, frames, spec, s);
    else if (chosen.length > 0) {
      const part = gatherRows(backend, x, chosen);
      const masked = specAugment(backend, part, chosen.map((c) => frames[c]), spec, s);
      x = scatterRows(backend, x, chosen, masked);
      part.dispose();
      masked.dispose();
    }
  }
  if (!config.mixup) return { features: x, lengths: frames, targets: null };
  if (!labels) throw new Error('augment: mixup needs the batch labels');
  const s = augmentSeed(seed, 'mixup');
  const plan = drawMixup(lengths.length, config.mixup.alpha, s);
  if (config.mixup.p < 1) {
    const chosen = new Set(chooseClips(s, lengths.length, config.mixup.p));
    plan.lambda.forEach((_, c) => chosen.has(c) || (plan.lambda[c] = 1));
  }
  const mixed = mixup(backend, x, frames, labels.labels, labels.classes, plan);
  if (x !== features) x.dispose();
  frames = mixed.frames;
  return { features: mixed.features, lengths: frames, targets: mixed.targets };
}
