// The ser-gpu command line. Each command lives in its own file and imports its work lazily, so
// `ser-gpu --help` loads neither Dawn nor gpu.js.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { benchCommand } from './commands/bench.js';
import { demoCommand } from './commands/demo.js';
import { exportWebCommand } from './commands/export-web.js';
import { extractCommand } from './commands/extract.js';
import { infoCommand } from './commands/info.js';
import { plotCommand } from './commands/plot.js';
import { evaluateCommand } from './commands/evaluate.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';
import { reportCommand } from './commands/report.js';
import { listenCommand } from './commands/listen.js';
import { serveCommand } from './commands/serve.js';

const cli = yargs(hideBin(process.argv))
  .scriptName('ser-gpu')
  .command(infoCommand)
  .command(demoCommand)
  .command(extractCommand)
  .command(plotCommand)
  .command(trainCommand)
  .command(evaluateCommand)
  .command(predictCommand)
  .command(reportCommand)
  .command(listenCommand)
  .command(serveCommand)
  .command(exportWebCommand)
  .command(benchCommand)
  .demandCommand(1, 'name a command; see --help')
  .strict()
  .fail((message, error, y) => {
    if (error) throw error;
    process.stderr.write(`${y.help()}\n\n${message}\n`);
    process.exit(2);
  })
  .help();

try {
  await cli.parseAsync();
} catch (error) {
  // Errors name the file or kernel and the problem; a stack trace adds nothing for a user.
  const { name, message, stack } = error as Error;
  process.stderr.write(`ser-gpu: ${message}\n`);
  if (process.env.SER_GPU_DEBUG === '1') process.stderr.write(`${stack}\n`);
  process.exitCode = name === 'UsageError' ? 2 : name === 'Interrupted' ? 130 : 1;
}
