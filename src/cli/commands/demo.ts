// ser-gpu demo: one real kernel (the tiled matmul) on the chosen backend, checked and timed.
import type { CommandModule } from 'yargs';
import { withBackend, withJson, type BackendArgs, type JsonArgs } from '../options.js';
import { integerFlag } from '../usage.js';

interface DemoArgs extends BackendArgs, JsonArgs {
  size: number;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Run the tiled matmul kernel, check it against a float64 reference and time it',
  builder: (yargs) => withJson(withBackend(yargs)).option('size', { type: 'number', default: 256, describe: 'square matrix size' }),
  handler: async (args) => {
    integerFlag('size', args.size);
    const { usingBackend } = await import('../options.js');
    const { runMatmulDemo, formatDemo } = await import('../../demo.js');
    const result = await usingBackend(args.backend, (backend) => runMatmulDemo(backend, args.size));
    process.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : formatDemo(result));
    if (!result.ok) process.exitCode = 1;
  },
};
