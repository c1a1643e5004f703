// Rows for the feature front end on a batch of clips of 3.5 s at 16 kHz (32 on WebGPU): the fused STFT + mel
// filterbank, power_to_db and the MFCC DCT, each validated against the float64 references clip by clip.
import type { Backend, WebGpuBackend } from '../../backend/types.js';
import {
  featureConfig, frameCount, melSpectrogram, melSpectrogramReference, mfcc, mfccReference, packClips, powerToDb,
  powerToDbReference, stftReference, type FeatureBatch,
} from '../../features/index.js';
import { fftTiling } from '../../features/stft.js';
import type { HostArray } from '../../tensor.js';
import { check, instance, random, type KernelCase } from './case.js';

const config = featureConfig({ kind: 'mfcc' });
const SAMPLES = 3.5 * config.sampleRate;
/** Validation: two clips of different lengths, so padding frames are exercised too. */
const SMALL_LENGTHS = [6000, 4500];
const FRAMES = frameCount(SAMPLES, config.hop);

function clips(backend: Backend, small: boolean, count: number) {
  const lengths = small ? SMALL_LENGTHS : Array<number>(count).fill(SAMPLES);
  const hosts = lengths.map((n, i) => random(n, 100 + i, 0.5));
  return { hosts, batch: packClips(backend, hosts) };
}

/** Clip c's [bands, frames] block of a [clips, bands, maxFrames] host copy. */
function region(values: HostArray, batch: FeatureBatch, c: number): Float32Array {
  const [, bands, maxFrames] = batch.features.shape;
  const frames = batch.frames[c];
  const out = new Float32Array(bands * frames);
  for (let b = 0; b < bands; b++) out.set(values.subarray((c * bands + b) * maxFrames, (c * bands + b) * maxFrames + frames), b * frames);
  return out;
}

/** Compares every clip's block of `out` with reference(c). */
async function checkClips(what: string, out: FeatureBatch, reference: (c: number) => ArrayLike<number>): Promise<void> {
  const values = await out.features.read();
  out.frames.forEach((_, c) => check(`${what}, clip ${c}`, region(values, out, c), reference(c)));
}

/** A mel / dB stage input computed once at set-up (its kernels are other rows). */
function melOf(backend: Backend, small: boolean, count: number, toDb: boolean) {
  const { batch } = clips(backend, small, count);
  const mel = melSpectrogram(backend, batch, config);
  batch.samples.dispose();
  if (!toDb) return mel;
  const db = powerToDb(backend, mel, config);
  mel.features.dispose();
  return db;
}

export function featureCases(CLIPS: number): KernelCase[] {
  const batchShape = `${CLIPS} clips x ${SAMPLES} samples`;
  const cells = CLIPS * config.nMels * FRAMES;
  return [
  {
    kernel: 'STFT+mel (fused)', shape: `${batchShape}, nFft ${config.nFft} hop ${config.hop}`,
    // The usual real-FFT estimate, 2.5 n log2 n per frame; the sparse mel sum is left out.
    work: { flops: CLIPS * FRAMES * 2.5 * config.nFft * Math.log2(config.nFft), bytes: 4 * (CLIPS * SAMPLES + cells) },
    variant: (backend: WebGpuBackend) => {
      const t = fftTiling(backend.adapter, config.nFft);
      return `fftTiling F=${t.F} T=${t.T}`;
    },
    setup(backend, small) {
      const { hosts, batch } = clips(backend, small, CLIPS);
      return instance([batch.samples], () => [melSpectrogram(backend, batch, config).features], async ([features]) =>
        checkClips('STFT+mel', { features, frames: batch.lengths.map((n) => frameCount(n, config.hop)) }, (c) =>
          melSpectrogramReference(stftReference(hosts[c], { ...config, power: 2 }), frameCount(hosts[c].length, config.hop), config)));
    },
  },
  {
    kernel: 'power_to_db', shape: `[${CLIPS},${config.nMels},${FRAMES}]`, work: { bytes: 4 * 3 * cells },
    setup(backend, small) {
      const mel = melOf(backend, small, CLIPS, false);
      return instance([mel.features], () => [powerToDb(backend, mel, config).features], async ([features]) => {
        const S = await mel.features.read();
        await checkClips('power_to_db', { features, frames: mel.frames }, (c) => powerToDbReference(region(S, mel, c), config));
      });
    },
  },
  {
    kernel: 'MFCC (DCT matmul)', shape: `[${CLIPS},${config.nMels},${FRAMES}] -> ${config.nMfcc}`,
    work: { flops: 2 * config.nMfcc * cells, bytes: 4 * (cells + (CLIPS * config.nMfcc * FRAMES)) },
    setup(backend, small) {
      const db = melOf(backend, small, CLIPS, true);
      return instance([db.features], () => [mfcc(backend, db, config.nMfcc).features], async ([features]) => {
        const Sdb = await db.features.read();
        await checkClips('MFCC', { features, frames: db.frames }, (c) => mfccReference(region(Sdb, db, c), config.nMels, db.frames[c], config.nMfcc));
      });
    },
  },
];
}
