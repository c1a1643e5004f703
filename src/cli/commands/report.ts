// ser-gpu report DIR: rebuilds DIR/plots/ and DIR/report.html from a run directory's files (no GPU).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { RUN_FILES } from '../../app/run-files.js';

interface ReportArgs {
  dir: string;
}

/** A usage error (exit 2) unless `dir` is a run directory; a malformed file in it is a run-time error. */
function checkRunDirectory({ dir }: ReportArgs): true {
  if (!existsSync(dir)) throw new Error(`${dir}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory`);
  if (!existsSync(join(dir, RUN_FILES.info))) throw new Error(`${dir}: not a run directory (no run.json); give the --out folder of ser-gpu train`);
  return true;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe: 'Write the plots (PNG and SVG) and a self-contained report.html of a training run directory',
  builder: (yargs) =>
    yargs.positional('dir', { type: 'string', demandOption: true, describe: 'the run directory (ser-gpu train --out)' }).check(checkRunDirectory),
  handler: async (args) => {
    const { writeRunReport } = await import('../../report/run-report.js');
    const { report, plots, notes } = await writeRunReport(args.dir);
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(`wrote ${report} and ${plots.length} plot files in ${join(args.dir, RUN_FILES.plots)}\n`);
  },
};
