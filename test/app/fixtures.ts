// A tiny labelled corpus for end-to-end tests: the first clips of each emotion of three actors of the demo
// subset shipped in data/, linked into a scratch folder (RAVDESS names, so labels and actors come along).
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
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
