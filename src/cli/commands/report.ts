// ser-gpu report DIR: rebuilds DIR/plots/ and DIR/report.html from a run directory's files (no GPU).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { RUN_FILES } from '../../app/run-files.js';

interface ReportArgs {
  dir: string;
}

/** What is wrong with `dir` as a run directory, or null. A malformed file inside it is a run-time error. */
function runDirectoryProblem(dir: string): string | null {
  if (!existsSync(dir)) return `${dir}: no such directory`;
  if (!statSync(dir).isDirectory()) return `${dir}: not a directory`;
  if (!existsSync(join(dir, RUN_FILES.info))) return `${dir}: not a run directory (no ${RUN_FILES.info}); give the --out folder of ser-gpu train`;
  return null;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe: 'Write the plots (PNG and SVG) and a self-contained report.html of a training run directory',
  builder: (yargs) => yargs.positional('dir', { type: 'string', demandOption: true, describe: 'the run directory (ser-gpu train --out)' }),
  handler: async (args) => {
    // A wrong DIR is a usage error (exit 2); yargs' checks would reach main's .fail as a thrown error (exit 1).
    const problem = runDirectoryProblem(args.dir);
    if (problem) {
      process.stderr.write(`ser-gpu report: ${problem}\n`);
      process.exitCode = 2;
      return;
    }
    const { writeRunReport } = await import('../../report/run-report.js');
    const { report, plots, notes } = await writeRunReport(args.dir);
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(`wrote ${report} and ${plots.length} plot files in ${join(args.dir, RUN_FILES.plots)}\n`);
  },
};
