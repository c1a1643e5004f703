// npx tsx bench/features/run.ts [--limit N] [--backend auto|webgpu|cpu] [--data <folder|zip>...] [--decode-threads N] [--json]
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { formatFeatureBench, runFeatureBench } from './feature-bench.js';

const args = await yargs(hideBin(process.argv))
  .option('limit', { type: 'number', describe: 'only this many clips, spread evenly over the corpus' })
  .option('backend', { choices: ['auto', 'webgpu', 'cpu'] as const, default: 'auto' as const })
  .option('data', { type: 'string', array: true, describe: 'corpus (default ../shared/data/ravdess)' })
  .option('batch-size', { type: 'number', default: 32 })
  .option('decode-threads', { type: 'number', describe: 'decoding threads (default: every core, at most 4; 0: the main thread)' })
  .option('python', { type: 'boolean', default: true, describe: 'run the librosa and torch references' })
  .option('json', { type: 'boolean', default: false })
  .strict()
  .parseAsync();

const result = await runFeatureBench({ data: args.data, limit: args.limit, backend: args.backend, batchSize: args['batch-size'], python: args.python, decodeThreads: args['decode-threads'] });
process.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : formatFeatureBench(result));
