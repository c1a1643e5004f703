// A tiny labelled corpus for end-to-end tests: the first clips of each emotion of three actors of the demo
// subset shipped in data/, linked into a scratch folder (RAVDESS names, so labels and actors come along).
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFolder } from '../../src/app/model-folder.js';
import type { EpochRecord } from '../../src/app/run-files.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { scratchFolder } from '../audio/fixtures.js';

export const DEMO_DATA = join(PACKAGE_ROOT, 'data');

/** `perActor` clips (spread over the emotions) of each of the given demo actors. */
export function tinyCorpus(actors = [1, 2, 3], perActor = 8): string {
  const root = scratchFolder();
  for (const actor of actors) {
    const name = `Actor_${String(actor).padStart(2, '0')}`;
    const files = readdirSync(join(DEMO_DATA, name)).sort();
    const stride = Math.floor(files.length / perActor);
    mkdirSync(join(root, name));
    for (let i = 0; i < perActor; i++) symlinkSync(join(DEMO_DATA, name, files[i * stride]), join(root, name, files[i * stride]));
  }
  return root;
}

/** A run's metrics.jsonl without the timings, which differ between runs. */
export const metrics = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
    const { seconds: _seconds, ...record } = JSON.parse(line) as EpochRecord;
    return record;
  });

/** Every tensor of a model folder as raw bytes, by name. */
export const weightBytes = (dir: string) =>
  Object.fromEntries([...readModelFolder(dir).tensors].map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')]));
