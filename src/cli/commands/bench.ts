// ser-gpu bench: the adapter's ceiling, then kernels, features, training and inference, each validated before
// it is timed, optionally against peers in the same run; or two saved results side by side (--compare).
import type { CommandModule } from 'yargs';

const SUITE_CHOICES = ['kernels', 'features', 'train', 'infer', 'all'] as const;

interface BenchArgs {
  suite: (typeof SUITE_CHOICES)[number][];
  backend: 'webgpu' | 'cpu';
  json?: string;
  repeat?: number;
  peers: boolean;
  compare?: string[];
  filter?: string;
  data?: string[];
  limit?: number;
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: "Benchmark the backend against its own measured ceiling (and --peers: TensorFlow.js, PyTorch, librosa)",
  builder: (yargs) =>
    yargs
      .option('suite', { choices: SUITE_CHOICES, array: true, default: ['all'] as (typeof SUITE_CHOICES)[number][], describe: 'suites to run (the ceiling always runs first)' })
      .option('backend', { choices: ['webgpu', 'cpu'] as const, default: 'webgpu' as const, describe: 'webgpu (Dawn) or cpu (the gpu.js fallback: small shapes)' })
      .option('json', { type: 'string', describe: 'also write the result to this JSON file (e.g. bench/results/<machine>.json)' })
      .option('repeat', { type: 'number', describe: 'timed repeats per figure after the warm-up (default 5; 3 on cpu)' })
      .option('peers', { type: 'boolean', default: false, describe: 'run the peers (bench/peers: tfjs, torch, librosa) and print ser-gpu / peer ratios' })
      .option('compare', { type: 'string', array: true, describe: 'print two result files side by side: --compare a.json b.json' })
      .option('filter', { type: 'string', describe: 'kernel rows whose name or shape contains this' })
      .option('data', { type: 'string', array: true, describe: 'corpus of the features suite and the cold-start clip (default ../shared/data/ravdess)' })
      .option('limit', { type: 'number', describe: 'clips of the features suite (default all; 32 on cpu)' }),
  handler: async (args) => {
    // Checked here, not in yargs' check(), whose failures reach the fail handler as errors (exit 1, not 2).
    const usage =
      args.compare && args.compare.length !== 2 ? '--compare takes two result files: --compare a.json b.json'
      : args.repeat !== undefined && !(Number.isInteger(args.repeat) && args.repeat >= 1) ? `--repeat ${args.repeat} is not a positive integer`
      : null;
    if (usage) {
      process.stderr.write(`ser-gpu bench: ${usage}\n`);
      process.exitCode = 2;
      return;
    }
    if (args.compare) {
      const { formatCompare, readBenchResult } = await import('../../bench/compare.js');
      const [a, b] = args.compare;
      process.stdout.write(formatCompare(readBenchResult(a), readBenchResult(b), [a, b]));
      return;
    }
    const { usingBackend } = await import('../options.js');
    const { runBench, SUITES } = await import('../../bench/run.js');
    const { formatBench } = await import('../../bench/format.js');
    const suites = args.suite.includes('all') ? [...SUITES] : SUITES.filter((s) => args.suite.includes(s));
    const result = await usingBackend(args.backend, (backend) =>
      runBench(backend, { suites, repeats: args.repeat, peers: args.peers, filter: args.filter, data: args.data, limit: args.limit, log: (line) => process.stderr.write(`bench: ${line}\n`) }),
    );
    process.stdout.write(formatBench(result));
    if (args.json) {
      const { writeFileAtomic } = await import('../../io/atomic.js');
      writeFileAtomic(args.json, JSON.stringify(result, null, 2) + '\n');
      process.stdout.write(`wrote ${args.json}\n`);
    }
    const { failedValidations } = await import('../../bench/run.js');
    const failed = failedValidations(result);
    if (failed.length) {
      process.stderr.write(`ser-gpu bench: ${failed.length} figure(s) failed validation and were not timed: ${failed.join('; ')}\n`);
      process.exitCode = 1;
    }
  },
};
