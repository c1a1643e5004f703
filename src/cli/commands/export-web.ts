// ser-gpu export-web: the web app and a model folder as a static site, for any web server.
import type { CommandModule } from 'yargs';
import { existingInputs } from '../usage.js';

interface ExportWebArgs {
  out: string;
  model?: string;
}

export const exportWebCommand: CommandModule<object, ExportWebArgs> = {
  command: 'export-web',
  describe: 'Write the web app and a model folder (under model/) as a static site',
  builder: (yargs) =>
    yargs
      .option('out', { type: 'string', demandOption: true, describe: 'folder to write the site into' })
      .option('model', { type: 'string', describe: 'model folder to include (default: the shipped model)' }),
  handler: async (args) => {
    if (args.model !== undefined) existingInputs('--model', [args.model]);
    const { exportSite, siteModel } = await import('../../web/site.js');
    const written = exportSite(args.out, siteModel(args.model));
    process.stdout.write(`wrote ${written.length} files to ${args.out}; serve it over https or from localhost (browsers give WebGPU to secure pages only)\n`);
  },
};
