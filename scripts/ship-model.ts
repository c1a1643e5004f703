// Copies a run's best model into models/ravdess-cnn/, the pretrained model shipped in the package, with a
// README stating the exact training command, the data, the split and the measured accuracy.
// Usage: npx tsx scripts/ship-model.ts runs/<dir>
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, readModelFolder } from '../src/app/model-folder.js';
import type { EpochRecord, EvaluationRecord, RunInfo } from '../src/app/run-files.js';

const run = process.argv[2];
if (!run) {
  process.stderr.write('usage: npx tsx scripts/ship-model.ts <run directory>\n');
  process.exit(2);
}
const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as RunInfo;
const [evaluation] = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8')) as EvaluationRecord[];
const epochs = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochRecord);
const bundle = readModelFolder(join(run, 'best'));
const split = info.splits[0];
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

rmSync(DEFAULT_MODEL_DIR, { recursive: true, force: true });
mkdirSync(DEFAULT_MODEL_DIR, { recursive: true });
for (const file of ['model.json', bundle.meta.weights]) copyFileSync(join(run, 'best', file), join(DEFAULT_MODEL_DIR, file));
const best = epochs.reduce((a, b) => ((b.valUA ?? -1) > (a.valUA ?? -1) ? b : a));
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

Data: RAVDESS speech, actors 01-20 (16 kHz FLAC). Training actors ${split.train.join(', ')}; validation actors
${split.val.join(', ')} chose the epoch (early stopping on validation UA); ${epochs.length} epochs run, best epoch ${best.epoch},
on ${info.backend}. Versions: ${Object.entries(info.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.

## Measured accuracy

On the validation actors ${split.val.join(', ')} (speakers never trained on, but they chose the epoch, so the figure
is somewhat optimistic): **WA ${pct(evaluation.metrics.wa)}, UA ${pct(evaluation.metrics.ua)}**, loss ${evaluation.loss.toFixed(3)}, ${evaluation.metrics.total} clips. \`ser-gpu evaluate\`
on those actors' folders gives the same figures. The whole run took ${((info.seconds ?? 0) / 60).toFixed(1)} minutes on this project's 2-core machine.

| class | precision | recall | F1 |
| --- | --- | --- | --- |
${evaluation.metrics.perClass.map((c) => `| ${c.label} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} |`).join('\n')}

## Licence

Trained on RAVDESS (Livingstone SR, Russo FA (2018) PLoS ONE 13(5): e0196391), which is licensed CC BY-NC-SA
4.0; this model is shared under the same licence (https://creativecommons.org/licenses/by-nc-sa/4.0/).
`,
);
process.stdout.write(`wrote ${DEFAULT_MODEL_DIR}\n`);
