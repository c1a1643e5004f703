// Copies a run's best model into models/ravdess-cnn/, the pretrained model shipped in the package, with a
// README stating the exact training command, the data, the split and the measured accuracy: on the run's
// held-out actors, or, for a model trained on every actor, the same recipe's nested cross-validation runs.
// Usage: npx tsx scripts/ship-model.ts runs/<dir> [runs/<cv run> ...]
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, readModelFolder } from '../src/app/model-folder.js';
import type { EpochRecord, EvaluationRecord, RunInfo } from '../src/app/run-files.js';
import { meanStd, metricsFromConfusion, type ClassificationMetrics } from '../src/eval/metrics.js';

const [run, ...cvRuns] = process.argv.slice(2);
if (!run) {
  process.stderr.write('usage: npx tsx scripts/ship-model.ts <run directory> [cross-validation run directories]\n');
  process.exit(2);
}
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const info = readJson<RunInfo>(join(run, 'run.json'));
const [evaluation] = readJson<EvaluationRecord[]>(join(run, 'evaluation.json'));
const epochs = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochRecord);
const bundle = readModelFolder(join(run, 'best'));
const split = info.splits[0];
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const heldOut = split.val.length + split.test.length > 0;
if (!heldOut && cvRuns.length === 0) {
  process.stderr.write(`${run} held out no actors: name the recipe's cross-validation runs, whose test folds measure it\n`);
  process.exit(2);
}

rmSync(DEFAULT_MODEL_DIR, { recursive: true, force: true });
mkdirSync(DEFAULT_MODEL_DIR, { recursive: true });
for (const file of ['model.json', bundle.meta.weights]) copyFileSync(join(run, 'best', file), join(DEFAULT_MODEL_DIR, file));
const best = epochs.reduce((a, b) => ((b.valUA ?? -1) > (a.valUA ?? -1) ? b : a));
const classTable = (m: ClassificationMetrics) => `| class | precision | recall | F1 |
| --- | --- | --- | --- |
${m.perClass.map((c) => `| ${c.label} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} |`).join('\n')}`;
const minutes = (r: RunInfo) => ((r.seconds ?? 0) / 60).toFixed(1);

const splitText = heldOut
  ? `Training actors ${split.train.join(', ')}; validation actors
${split.val.join(', ')} chose the epoch (early stopping on validation UA); ${epochs.length} epochs run, best epoch ${best.epoch}`
  : `Every actor trained (${split.train.join(', ')}), for all ${epochs.length} epochs of the
schedule, and the last epoch is this model: nothing was held out or selected`;

function heldOutAccuracy(): string {
  return `On the validation actors ${split.val.join(', ')} (speakers never trained on, but they chose the epoch, so the figure
is somewhat optimistic): **WA ${pct(evaluation.metrics.wa)}, UA ${pct(evaluation.metrics.ua)}**, loss ${evaluation.loss.toFixed(3)}, ${evaluation.metrics.total} clips. \`ser-gpu evaluate\`
on those actors' folders gives the same figures. The whole run took ${minutes(info)} minutes on this project's 2-core machine.

${classTable(evaluation.metrics)}`;
}

/** The recipe's test folds: mean +- std over the runs (seeds) of each run's mean over folds, and the summed confusion. */
function crossValidatedAccuracy(): string {
  const runs = cvRuns.map((dir) => ({ dir, info: readJson<RunInfo>(join(dir, 'run.json')), folds: readJson<EvaluationRecord[]>(join(dir, 'evaluation.json')) }));
  const perRun = (m: 'wa' | 'ua') => runs.map((r) => meanStd(r.folds.map((f) => f.metrics[m])).mean);
  const [wa, ua] = [meanStd(perRun('wa')), meanStd(perRun('ua'))];
  const all = runs.flatMap((r) => r.folds.map((f) => f.metrics.confusion));
  const summed = all[0].map((row, t) => row.map((_, p) => all.reduce((sum, c) => sum + c[t][p], 0)));
  return `Nothing of the corpus it trained on is left to test it, so its accuracy on unseen speakers is that of its recipe
under nested cross-validation by actor: ${runs.length} runs of \`${runs[0].info.command}\` (and the other seeds), each fold tested
on 4 actors it never trained on. **WA ${pct(wa.mean)} ± ${pct(wa.std)}, UA ${pct(ua.mean)} ± ${pct(ua.std)}** (mean ± std over the
${runs.length} seeds of each seed's mean over its ${runs[0].folds.length} folds; per seed ${runs.map((r, i) => `WA ${pct(perRun('wa')[i])} / UA ${pct(perRun('ua')[i])}`).join(', ')}).
Per class, over every test fold of every seed (${summed.flat().reduce((a, b) => a + b, 0)} clip predictions):

${classTable(metricsFromConfusion(summed, bundle.meta.labels))}

This model's own run took ${minutes(info)} minutes on this project's 2-core machine.`;
}

writeFileSync(
  join(DEFAULT_MODEL_DIR, 'README.md'),
  `# ravdess-cnn: the pretrained model shipped with ser-gpu

\`ser-gpu predict\` and \`ser-gpu evaluate\` use this model when no \`--model\` is given. It is a model folder
(\`model.json\` + \`${bundle.meta.weights}\`, PyTorch state-dict names) trained by ser-gpu's WGSL kernels with the
default recipe of \`ser-gpu train\`: ${bundle.meta.features.nMels}-band log-Mel features (n_fft ${bundle.meta.features.nFft}, hop ${bundle.meta.features.hop}, ${bundle.meta.features.sampleRate} Hz),
windows of ${bundle.meta.frames} frames, four conv3x3-BatchNorm-ReLU blocks, global average pooling, dropout and
${bundle.meta.labels.length} classes (${bundle.meta.labels.join(', ')}).

## Training

\`\`\`sh
${info.command}
\`\`\`

Data: RAVDESS speech, actors 01-20 (16 kHz FLAC). ${splitText},
on ${info.backend}. Versions: ${Object.entries(info.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.

## Measured accuracy

${heldOut ? heldOutAccuracy() : crossValidatedAccuracy()}

## Licence

Trained on RAVDESS (Livingstone SR, Russo FA (2018) PLoS ONE 13(5): e0196391), which is licensed CC BY-NC-SA
4.0; this model is shared under the same licence (https://creativecommons.org/licenses/by-nc-sa/4.0/).
`,
);
process.stdout.write(`wrote ${DEFAULT_MODEL_DIR}\n`);
