// ser-gpu extract: a corpus (folders, zip archives, label CSVs) to one safetensors file of features.
import type { SingleBar } from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import type { FeatureConfig, FeatureKind } from '../../features/config.js';
import { withBackend, type BackendArgs } from '../options.js';
import type { ExtractProgress } from '../../extract.js';

/** The feature flags shared by extract and plot, named after librosa's arguments. */
export interface FeatureArgs {
  sr: number;
  'n-fft': number;
  hop: number;
  'win-length'?: number;
  window: 'hann' | 'hamming';
  'n-mels': number;
  fmin: number;
  fmax?: number;
  htk: boolean;
  'top-db': number;
  'pre-emphasis': number;
}

export function withFeatureOptions<T>(yargs: Argv<T>): Argv<T & FeatureArgs> {
  return yargs
    .option('sr', { type: 'number', default: 16000, describe: 'feature sample rate (Hz); clips are resampled to it' })
    .option('n-fft', { type: 'number', default: 1024, describe: 'FFT size (samples, a power of two)' })
    .option('hop', { type: 'number', default: 256, describe: 'hop between frames (samples)' })
    .option('win-length', { type: 'number', describe: 'window length (samples); default n-fft' })
    .option('window', { choices: ['hann', 'hamming'] as const, default: 'hann' as const })
    .option('n-mels', { type: 'number', default: 64, describe: 'Mel bands' })
    .option('fmin', { type: 'number', default: 0, describe: 'lowest Mel frequency (Hz)' })
    .option('fmax', { type: 'number', describe: 'highest Mel frequency (Hz); default sr / 2' })
    .option('htk', { type: 'boolean', default: false, describe: "HTK's Mel scale instead of Slaney's" })
    .option('top-db', { type: 'number', default: 80, describe: "dB range kept below each clip's peak" })
    .option('pre-emphasis', { type: 'number', default: 0, describe: 'pre-emphasis coefficient (0.97 is usual; 0 = off)' }) as Argv<T & FeatureArgs>;
}

export function featureOverrides(args: FeatureArgs): Partial<FeatureConfig> {
  return {
    sampleRate: args.sr,
    nFft: args['n-fft'],
    hop: args.hop,
    window: args.window,
    nMels: args['n-mels'],
    fMin: args.fmin,
    htk: args.htk,
    topDb: args['top-db'],
    preEmphasis: args['pre-emphasis'],
    ...(args['win-length'] !== undefined && { winLength: args['win-length'] }),
    ...(args.fmax !== undefined && { fMax: args.fmax }),
  };
}

interface ExtractArgs extends BackendArgs, FeatureArgs {
  data: string[];
  out: string;
  features: FeatureKind;
  'n-mfcc': number;
  normalize?: 'peak' | 'rms';
  deltas: 0 | 1 | 2;
  'batch-size': number;
  limit?: number;
}

export const extractCommand: CommandModule<object, ExtractArgs> = {
  command: 'extract',
  describe: 'Compute log-Mel or MFCC features of a corpus on the GPU and write them to a safetensors file',
  builder: (yargs) =>
    withFeatureOptions(withBackend(yargs))
      .option('data', { type: 'string', array: true, demandOption: true, describe: 'folders, .zip archives, label CSVs or audio files' })
      .option('out', { type: 'string', demandOption: true, describe: 'the .safetensors file to write' })
      .option('features', { choices: ['logmel', 'mfcc', 'mel', 'stft'] as const, default: 'logmel' as const, describe: 'feature kind' })
      .option('n-mfcc', { type: 'number', default: 40, describe: 'MFCC coefficients (with --features mfcc)' })
      .option('normalize', { choices: ['peak', 'rms'] as const, describe: 'scale each clip to peak 1 or RMS 1 first' })
      .option('deltas', { choices: [0, 1, 2] as const, default: 0 as const, describe: 'append delta (1) or delta and delta-delta (2) rows' })
      .option('batch-size', { type: 'number', default: 32, describe: 'clips per GPU batch' })
      .option('limit', { type: 'number', describe: 'only this many clips, spread evenly over the corpus' }),
  handler: async (args) => {
    const { extractFeatures, formatExtractSummary } = await import('../../extract.js');
    const { writeFeatureFile } = await import('../../data/feature-file.js');
    const progress = progressReporter((await import('cli-progress')).SingleBar);
    let extracted;
    try {
      extracted = await extractFeatures(args.data, {
        backend: args.backend,
        batchSize: args['batch-size'],
        limit: args.limit,
        onProgress: progress.update,
        features: {
          ...featureOverrides(args),
          kind: args.features,
          nMfcc: args['n-mfcc'],
          deltas: args.deltas,
          ...(args.normalize && { normalize: args.normalize }),
        },
      });
    } finally {
      progress.stop();
    }
    writeFeatureFile(args.out, extracted);
    process.stdout.write(formatExtractSummary(extracted, args.out));
  },
};

/** A progress bar on a terminal; plain lines at every tenth of the corpus otherwise (logs, CI). */
function progressReporter(Bar: typeof SingleBar, stream: NodeJS.WriteStream = process.stderr) {
  let bar: SingleBar | null = null;
  let nextTenth = 1;
  const payload = (p: ExtractProgress) => ({
    rate: p.elapsedSeconds > 0 ? ((p.done - p.skipped) / p.elapsedSeconds).toFixed(1) : '-',
    audio: p.audioSeconds.toFixed(0),
    skipped: p.skipped,
  });
  return {
    update: (p: ExtractProgress) => {
      if (stream.isTTY) {
        if (!bar) {
          bar = new Bar({
            stream,
            format: 'extract |{bar}| {value}/{total} files | {rate} clips/s | {audio} s audio | {skipped} skipped | ETA {eta_formatted}',
            hideCursor: true,
          });
          bar.start(p.total, p.done, payload(p));
        } else bar.update(p.done, payload(p));
        return;
      }
      if (p.done === 0) stream.write(`extract: ${p.total} files\n`);
      if (p.done > 0 && p.done >= (nextTenth * p.total) / 10) {
        const { rate, audio, skipped } = payload(p);
        stream.write(`extract: ${p.done}/${p.total} files (${Math.floor((p.done * 100) / p.total)}%), ${rate} clips/s, ${audio} s audio, ${skipped} skipped\n`);
        nextTenth = Math.floor((p.done * 10) / p.total) + 1;
      }
    },
    stop: () => bar?.stop(),
  };
}
