// ser-gpu serve: the web app (WebGPU in the browser) and a model folder, over HTTP until interrupted.
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError, existingInputs, integerFlag } from '../usage.js';

interface ServeArgs {
  model?: string;
  port: number;
  host: string;
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve the web app (spectrograms and emotions computed by WebGPU in the browser) and a model folder at /model/',
  builder: (yargs) =>
    yargs
      .option('model', { type: 'string', describe: 'model folder to serve at /model/ (default: the shipped model)' })
      .option('port', { type: 'number', default: 8080, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (browsers give WebGPU to localhost and https pages only)' }),
  handler: async (args) => {
    integerFlag('port', args.port, 0);
    if (args.port > 65535) throw new UsageError(`--port must be at most 65535, got ${args.port}`);
    if (args.model !== undefined) existingInputs('--model', [args.model]);
    const { builtWebApp, siteModel, MODEL_URL_PATH } = await import('../../web/site.js');
    const { startStaticServer } = await import('../../web/static-server.js');
    const app = builtWebApp();
    const model = siteModel(args.model);
    // Only the model's own files are served, not whatever else its folder holds.
    const modelFiles = model ? Object.fromEntries(model.files.map((f) => [`/${MODEL_URL_PATH}${f}`, join(model.dir, f)])) : {};
    const server = await startStaticServer({ mounts: { '/': app }, files: modelFiles, host: args.host, port: args.port });
    const what = model ? `and the model ${model.dir}` : '(no model: spectrograms only; --model DIR adds one)';
    process.stdout.write(`ser-gpu: serving the web app ${what} at ${server.url} (Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    await server.close();
  },
};
