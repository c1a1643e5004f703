// ser-gpu evaluate: a trained model (the shipped one by default) on a labelled corpus.
import type { CommandModule } from 'yargs';
import { withBackend, withJson, type BackendArgs, type JsonArgs } from '../options.js';
import { existingInputs } from '../usage.js';

interface EvaluateArgs extends BackendArgs, JsonArgs {
  model?: string;
  data: string[];
  'label-map'?: string;
  report?: string;
}

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'WA, UA, loss, per-class precision/recall/F1 and the confusion matrix of a model on a labelled corpus',
  builder: (yargs) =>
    withJson(withBackend(yargs))
      .option('model', { type: 'string', describe: 'model folder (model.json + weights) [the shipped pretrained model]' })
      .option('data', { type: 'string', array: true, demandOption: true, describe: 'folders, .zip archives, label CSVs or audio files' })
      .option('label-map', { type: 'string', describe: 'JSON {"corpus label": "model label"} for corpora with other label names' })
      .option('report', { type: 'string', describe: 'also write a self-contained HTML report of the evaluation to this file' }),
  handler: async (args) => {
    existingInputs('--data', args.data);
    if (args.model !== undefined) existingInputs('--model', [args.model]);
    if (args['label-map'] !== undefined) existingInputs('--label-map', [args['label-map']]);
    const { evaluate } = await import('../../app/evaluate.js');
    const { formatEvaluation } = await import('../evaluation-text.js');
    const result = await evaluate({ model: args.model, data: args.data, labelMap: args['label-map'], backend: args.backend });
    process.stdout.write(args.json ? `${JSON.stringify(result, null, 1)}\n` : formatEvaluation(result));
    if (args.report !== undefined) {
      const { writeEvaluationReport } = await import('../../report/evaluation-report.js');
      const command = `ser-gpu ${process.argv.slice(2).join(' ')}`;
      const settings = { ...(args['label-map'] && { 'label map': args['label-map'] }), backend: args.backend, unscored: result.unmapped.map((u) => `${u.label} (${u.clips})`).join(', ') || 'none' };
      await writeEvaluationReport(args.report, [result], { command, model: result.model, data: args.data, settings });
      process.stderr.write(`wrote ${args.report}\n`);
    }
  },
};
