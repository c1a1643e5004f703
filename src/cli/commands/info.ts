// ser-gpu info: where the numbers would be computed, and with what limits.
import type { CommandModule } from 'yargs';
import { withBackend, withJson, type BackendArgs, type JsonArgs } from '../options.js';

export const infoCommand: CommandModule<object, BackendArgs & JsonArgs> = {
  command: 'info',
  describe: 'Show the backend, WebGPU adapter, limits, features and versions',
  builder: (yargs) => withJson(withBackend(yargs)),
  handler: async (args) => {
    const { usingBackend } = await import('../options.js');
    const { systemInfo, formatInfo } = await import('../../system-info.js');
    const info = await usingBackend(args.backend, async (backend) => systemInfo(backend));
    process.stdout.write(args.json ? JSON.stringify(info, null, 2) + '\n' : formatInfo(info));
  },
};
