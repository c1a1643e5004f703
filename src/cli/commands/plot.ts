// ser-gpu plot <chart>: figures as PNG (or SVG when --out ends in .svg).
import type { CommandModule } from 'yargs';
import { withBackend, type BackendArgs } from '../options.js';
import { featureOverrides, withFeatureOptions, type FeatureArgs } from './extract.js';

interface SpectrogramArgs extends BackendArgs, FeatureArgs {
  audio: string;
  out: string;
}

const spectrogramCommand: CommandModule<object, SpectrogramArgs> = {
  command: 'spectrogram <audio>',
  describe: 'A Mel spectrogram of one audio file (a path, or archive.zip:member), computed on the GPU',
  builder: (yargs) =>
    withFeatureOptions(withBackend(yargs))
      .positional('audio', { type: 'string', demandOption: true, describe: '.wav/.flac file or archive.zip:member' })
      .option('out', { type: 'string', demandOption: true, describe: 'image to write: .png, or .svg' }),
  handler: async (args) => {
    const { usingBackend } = await import('../options.js');
    const { spectrogramFigure } = await import('../../plot/spectrogram.js');
    const { writeChart } = await import('../../plot/render.js');
    const svg = await usingBackend(args.backend, (backend) =>
      spectrogramFigure(backend, args.audio, featureOverrides(args)),
    );
    writeChart(args.out, svg);
    process.stdout.write(`wrote ${args.out}\n`);
  },
};

interface AugmentArgs extends SpectrogramArgs {
  augment: string;
  seed: number;
}

const augmentCommand: CommandModule<object, AugmentArgs> = {
  command: 'augment <audio>',
  describe: "One clip's log-Mel spectrogram unaugmented and after each training augmentation, computed on the GPU",
  builder: (yargs) =>
    withFeatureOptions(withBackend(yargs))
      .positional('audio', { type: 'string', demandOption: true, describe: '.wav/.flac file or archive.zip:member' })
      .option('out', { type: 'string', demandOption: true, describe: 'image to write: .png, or .svg' })
      .option('augment', { type: 'string', default: 'pitch,stretch,gain,noise,specaugment,mixup', describe: 'the augmentations, as train --augment takes them' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the random draws (a u32)' }),
  handler: async (args) => {
    const { parseAugment } = await import('../../augment/index.js');
    let config;
    try {
      config = parseAugment(args.augment);
    } catch (error) {
      process.stderr.write(`ser-gpu plot augment: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    const { usingBackend } = await import('../options.js');
    const { augmentFigure } = await import('../../augment/plot.js');
    const { writeChart } = await import('../../plot/render.js');
    const svg = await usingBackend(args.backend, (backend) => augmentFigure(backend, args.audio, config, args.seed >>> 0, featureOverrides(args)));
    writeChart(args.out, svg);
    process.stdout.write(`wrote ${args.out}\n`);
  },
};

export const plotCommand: CommandModule = {
  command: 'plot <chart>',
  describe: 'Draw a figure (spectrogram, augment)',
  builder: (yargs) => yargs.command(spectrogramCommand).command(augmentCommand).demandCommand(1, 'name a chart: spectrogram, augment'),
  handler: () => undefined,
};
