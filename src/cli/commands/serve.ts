// ser-gpu serve: the web app (WebGPU in the browser) and a model folder, over HTTP until interrupted.
import type { CommandModule } from 'yargs';

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
      .option('model', { type: 'string', describe: 'model folder (model.json, model.safetensors) to serve at /model/' })
      .option('port', { type: 'number', default: 8080, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (browsers give WebGPU to localhost and https pages only)' }),
  handler: async (args) => {
    const { builtWebApp, modelFolder, MODEL_URL_PATH } = await import('../../web/site.js');
    const { startStaticServer } = await import('../../web/static-server.js');
    const mounts: Record<string, string> = { '/': builtWebApp() };
    if (args.model) mounts[`/${MODEL_URL_PATH}`] = modelFolder(args.model);
    const server = await startStaticServer({ mounts, host: args.host, port: args.port });
    process.stdout.write(`ser-gpu: serving the web app${args.model ? ` and the model ${args.model}` : ''} at ${server.url} (Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    await server.close();
  },
};
