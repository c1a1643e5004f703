// npx tsx bench/augment/run.ts [--clips 32] [--backend auto|webgpu|cpu] [--data <folder>] [--python <path>]
// One training batch of RAVDESS clips through each augmentation on the backend, against numpy/librosa doing the
// same per clip on the CPU (bench/augment/peer.py), measured in the same run. Validates before timing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { augmentFeatures, augmentSeed, augmentWaveforms, parseAugment, type AugmentName } from '../../src/augment/index.js';
import { readAudio } from '../../src/audio/index.js';
import { createBackend } from '../../src/backend/create.js';
import { packClips } from '../../src/features/batch.js';
import { computeFeatures } from '../../src/features/index.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { clipDbReference } from '../../src/ops/augment-wave.js';
import { timeRepeats, wallMs } from '../../src/bench/measure.js';

const args = await yargs(hideBin(process.argv))
  .option('clips', { type: 'number', default: 32, describe: 'clips in the batch' })
  .option('backend', { choices: ['auto', 'webgpu', 'cpu'] as const, default: 'auto' as const })
  .option('data', { type: 'string', default: join(PACKAGE_ROOT, '..', 'shared', 'data', 'ravdess'), describe: 'a RAVDESS folder (Actor_NN/*.flac)' })
  .option('python', { type: 'string', default: existsSync(join(PACKAGE_ROOT, '.venv/bin/python')) ? join(PACKAGE_ROOT, '.venv/bin/python') : 'python3' })
  .option('repeats', { type: 'number', default: 3 })
  .strict()
  .parseAsync();

const actors = readdirSync(args.data).filter((d) => d.startsWith('Actor_')).sort();
const files = actors.flatMap((a) => readdirSync(join(args.data, a)).filter((f) => f.endsWith('.flac')).sort().map((f) => join(args.data, a, f)));
const sources = Array.from({ length: args.clips }, (_, i) => files[Math.floor((i * files.length) / args.clips)]);
const clips = await Promise.all(sources.map((s) => readAudio(s)));
if (clips.some((c) => c.sampleRate !== 16000)) throw new Error('bench/augment: expects the 16 kHz corpus');
const seconds = clips.reduce((s, c) => s + c.samples.length, 0) / 16000;

const backend = await createBackend(args.backend);
const batch = packClips(backend, clips.map((c) => c.samples));
const crops = clips.map((c) => {
  const out = new Float32Array(3 * 16000);
  out.set(c.samples.subarray(0, out.length));
  return out;
});
const features = computeFeatures(backend, crops, {});
const labels = backend.upload(Int32Array.from(sources, (_, i) => i % 8), [clips.length], 'i32');

// Validation: every clip's measured SNR is the one drawn (the kernels' correctness is the tests' job).
{
  const x = (await batch.samples.read()) as Float32Array;
  const noisy = augmentWaveforms(backend, batch, parseAugment('noise'), 1);
  const y = (await noisy.samples.read()) as Float32Array;
  batch.lengths.forEach((n, c) => {
    let px = 0;
    let pn = 0;
    for (let j = batch.offsets[c]; j < batch.offsets[c] + n; j++) {
      px += x[j] ** 2;
      pn += (y[j] - x[j]) ** 2;
    }
    const want = clipDbReference(augmentSeed(1, 'noise'), c, 5, 30);
    if (Math.abs(10 * Math.log10(px / pn) - want) > 1e-3) throw new Error(`bench/augment: clip ${c}: SNR ${10 * Math.log10(px / pn)} dB, drawn ${want}`);
  });
  noisy.samples.dispose();
}

const names: AugmentName[] = ['noise', 'gain', 'stretch', 'pitch', 'specaugment', 'mixup'];
const ours: Record<string, number> = {};
for (const name of names) {
  const config = parseAugment(name);
  let seed = 0;
  // The least of the repeats after a warm-up (bench/common.ts's bestOf, now src/bench/measure.ts).
  ours[name] = (await timeRepeats(
    () =>
      wallMs(async () => {
        seed++;
        if (name === 'specaugment' || name === 'mixup') {
          const out = augmentFeatures(backend, features.features, features.frames, config, seed, { labels, classes: 8 });
          await backend.sync();
          out.features.dispose();
          out.targets?.dispose();
        } else {
          const out = augmentWaveforms(backend, batch, config, seed);
          await backend.sync();
          out.samples.dispose();
        }
      }),
    args.repeats,
  )).min;
}
const adapter = backend.kind === 'webgpu' ? `${backend.adapter.description || backend.adapter.device} (${backend.adapter.isSoftware ? 'software' : 'hardware'})` : backend.name;
await backend.destroy();

const dir = mkdtempSync(join(tmpdir(), 'ser-gpu-bench-'));
let peer: Record<string, number> | null = null;
let peerNote = '';
try {
  writeFileSync(join(dir, 'files.txt'), sources.join('\n') + '\n');
  const run = spawnSync(args.python, [join(PACKAGE_ROOT, 'bench/augment/peer.py'), '--files', join(dir, 'files.txt'), '--repeats', String(args.repeats)], { encoding: 'utf8' });
  if (run.status === 0) peer = JSON.parse(run.stdout.trim().split('\n').pop()!);
  else peerNote = `peer skipped: ${args.python} bench/augment/peer.py failed: ${(run.stderr || String(run.error)).trim().split('\n').pop()}`;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const load = (await import('node:os')).loadavg()[0];
const lines = [
  `augmentation benchmark: one batch of ${clips.length} RAVDESS clips (${seconds.toFixed(1)} s of audio; features [${features.features.shape}]), ${adapter}, load average ${load.toFixed(1)}`,
  `  ${'augmentation'.padEnd(14)}${'ser-gpu'.padStart(12)}${'numpy/librosa'.padStart(16)}${'ratio'.padStart(10)}`,
  ...names.map((n) => {
    const p = peer?.[n];
    return `  ${n.padEnd(14)}${`${ours[n].toFixed(1)} ms`.padStart(12)}${(p === undefined ? '-' : `${(p * 1000).toFixed(1)} ms`).padStart(16)}${(p === undefined ? '' : `${((p * 1000) / ours[n]).toFixed(2)}x`).padStart(10)}`;
  }),
  peerNote,
];
process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
