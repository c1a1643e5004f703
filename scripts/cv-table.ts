// The cross-validation result of several `ser-gpu train --folds K --seed S` runs of one recipe, for the README:
// per seed the test-fold WA and UA (mean +- std over folds) and the run time, then the mean +- std over seeds
// of those means and over every fold of every seed. Each fold's model was chosen on its own validation actors,
// or, without validation actors, is the last epoch of training on all of its non-test actors.
// With --peer FILE (bench/peers/torch_recipe.py --json), the same recipe in PyTorch side by side.
// Usage: npx tsx scripts/cv-table.ts [--peer FILE] RUN_DIR... (e.g. runs/cv5-default-s1 runs/cv5-default-s2)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, type EvaluationRecord, type RunInfo } from '../src/app/run-files.js';
import { meanStd } from '../src/eval/metrics.js';

const args = process.argv.slice(2);
const peerAt = args.indexOf('--peer');
const peerPath = peerAt >= 0 ? args[peerAt + 1] : undefined;
const dirs = peerAt >= 0 ? args.filter((_, i) => i !== peerAt && i !== peerAt + 1) : args;
if (dirs.length === 0 || (peerAt >= 0 && !peerPath)) {
  process.stderr.write('usage: npx tsx scripts/cv-table.ts [--peer torch-recipe.json] RUN_DIR...\n');
  process.exit(2);
}
const pct = (v: { mean: number; std: number }) => `${(100 * v.mean).toFixed(1)} ± ${(100 * v.std).toFixed(1)}`;
const runs = dirs.map((dir) => {
  const info = JSON.parse(readFileSync(join(dir, RUN_FILES.info), 'utf8')) as RunInfo;
  if (!info.finishedAt) throw new Error(`${dir}: the run has not finished (no finishedAt in run.json)`);
  if (info.splits.some((s) => s.test.length === 0)) throw new Error(`${dir}: not a cross-validation run (a fold without test actors)`);
  const folds = JSON.parse(readFileSync(join(dir, RUN_FILES.evaluation), 'utf8')) as EvaluationRecord[];
  return { seed: info.settings.seed as number, info, wa: folds.map((f) => f.metrics.wa), ua: folds.map((f) => f.metrics.ua) };
});
const settings = runs.map((r) => JSON.stringify({ ...r.info.settings, seed: 0 }));
if (new Set(settings).size > 1) throw new Error('cv-table: the runs differ in more than the seed');
const splits = new Set(runs.map((r) => JSON.stringify(r.info.splits)));
if (splits.size > 1) throw new Error('cv-table: the runs have different folds');

const lines = ['| seed | folds | WA % (mean ± std over folds) | UA % | minutes |', '| --- | --- | --- | --- | --- |'];
for (const r of runs) lines.push(`| ${r.seed} | ${r.wa.length} | ${pct(meanStd(r.wa))} | ${pct(meanStd(r.ua))} | ${((r.info.seconds ?? 0) / 60).toFixed(1)} |`);
const seedMeans = (key: 'wa' | 'ua') => meanStd(runs.map((r) => meanStd(r[key]).mean));
lines.push(`| mean ± std over ${runs.length} seeds | | ${pct(seedMeans('wa'))} | ${pct(seedMeans('ua'))} | |`);
lines.push(`| all ${runs.reduce((n, r) => n + r.wa.length, 0)} folds | | ${pct(meanStd(runs.flatMap((r) => r.wa)))} | ${pct(meanStd(runs.flatMap((r) => r.ua)))} | |`);
if (peerPath) {
  // torch_recipe.py's JSON: runs [{seed, folds: [{test: {wa, ua}}], seconds}], the same folds by construction.
  const peer = JSON.parse(readFileSync(peerPath, 'utf8')) as { tool: string; complete?: boolean; runs: { seed: number; folds: { test: { wa: number; ua: number } }[]; seconds: number }[] };
  const folds = peer.runs.flatMap((r) => r.folds.map((f) => f.test));
  const peerSeeds = (key: 'wa' | 'ua') => meanStd(peer.runs.map((r) => meanStd(r.folds.map((f) => f.test[key])).mean));
  const ours = (key: 'wa' | 'ua') => seedMeans(key).mean;
  lines.push(
    '',
    `| | seeds | folds | WA % (mean ± std over seeds) | UA % | minutes per seed |`,
    '| --- | --- | --- | --- | --- | --- |',
    `| ser-gpu | ${runs.map((r) => r.seed).join(', ')} | ${runs.reduce((n, r) => n + r.wa.length, 0)} | ${pct(seedMeans('wa'))} | ${pct(seedMeans('ua'))} | ${(runs.reduce((t, r) => t + (r.info.seconds ?? 0), 0) / runs.length / 60).toFixed(1)} |`,
    `| ${peer.tool}${peer.complete === false ? ' (incomplete)' : ''} | ${peer.runs.map((r) => r.seed).join(', ')} | ${folds.length} | ${pct(peerSeeds('wa'))} | ${pct(peerSeeds('ua'))} | ${(peer.runs.reduce((t, r) => t + r.seconds, 0) / peer.runs.length / 60).toFixed(1)} |`,
    `| ser-gpu − PyTorch (points) | | | ${(100 * (ours('wa') - peerSeeds('wa').mean)).toFixed(1)} | ${(100 * (ours('ua') - peerSeeds('ua').mean)).toFixed(1)} | |`,
  );
}
const [first] = runs;
lines.push('', `Folds (test actors): ${first.info.splits.map((s, i) => `${i + 1}: ${s.test.join(',')}`).join('; ')}.`);
process.stdout.write(lines.join('\n') + '\n');
