// ser-gpu predict: the emotion of each file, with the shipped model unless --model names another.
import type { CommandModule } from 'yargs';
import { withBackend, withJson, type BackendArgs, type JsonArgs } from '../options.js';
import { existingInputs, numberFlag } from '../usage.js';

interface PredictArgs extends BackendArgs, JsonArgs {
  inputs: string[];
  model?: string;
  segments?: number;
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <inputs..>',
  describe: 'The emotion and its probabilities for each audio file (files, folders, zips)',
  builder: (yargs) =>
    withJson(withBackend(yargs))
      .positional('inputs', { type: 'string', array: true, demandOption: true, describe: '.wav/.flac files, folders, .zip archives or archive.zip:member' })
      .option('model', { type: 'string', describe: 'model folder [the shipped pretrained model]' })
      .option('segments', { type: 'number', describe: 'also give a timeline of segments of this many seconds' }),
  handler: async (args) => {
    existingInputs('inputs', args.inputs);
    if (args.model !== undefined) existingInputs('--model', [args.model]);
    numberFlag('segments', args.segments, 0);
    const { predictFiles } = await import('../../app/predict.js');
    const { predictions, skipped } = await predictFiles({ model: args.model, inputs: args.inputs, segments: args.segments, backend: args.backend });
    for (const s of skipped) process.stderr.write(`ser-gpu: skipped ${s.source}: ${s.error}\n`);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(predictions, null, 1)}\n`);
      return;
    }
    const top = (p: Record<string, number>) =>
      Object.entries(p).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([label, v]) => `${label} ${(100 * v).toFixed(0)}%`).join(', ');
    for (const p of predictions) {
      process.stdout.write(`${p.file}: ${p.emotion} (${top(p.probabilities)})\n`);
      for (const s of p.segments ?? []) process.stdout.write(`  ${s.start.toFixed(2)}-${s.end.toFixed(2)} s: ${s.emotion} (${top(s.probabilities)})\n`);
    }
  },
};
