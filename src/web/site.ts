// The static site behind `ser-gpu serve` and `ser-gpu export-web`: the built web app (web/dist, written by
// `npm run build:web`) and a model folder's files (model.json and the weights file it names) under model/,
// where the page looks for them (src/browser/emotion.ts).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, MODEL_JSON, readModelFolder } from '../app/model-folder.js';
import { PACKAGE_ROOT } from '../gpu/shaders.js';
import { writeFileAtomic } from '../io/atomic.js';

export const WEB_APP_DIR = join(PACKAGE_ROOT, 'web', 'dist');
export const MODEL_URL_PATH = 'model/';

/** web/dist, checked to hold a built app. */
export function builtWebApp(dir = WEB_APP_DIR): string {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`the web app is not built: ${join(dir, 'index.html')} is missing (run npm run build:web)`);
  return dir;
}

/** The model to serve: the folder named, else the shipped model where the package has one; null for none. */
export function siteModel(dir: string | undefined): { dir: string; files: string[] } | null {
  const chosen = dir ?? (existsSync(join(DEFAULT_MODEL_DIR, MODEL_JSON)) ? DEFAULT_MODEL_DIR : null);
  if (chosen === null) return null;
  const { meta } = readModelFolder(chosen); // checks the folder, naming the file and the problem
  return { dir: chosen, files: [MODEL_JSON, meta.weights] };
}

/** Writes the app, and the model's files under model/, into `out` (created if needed), each file atomically. Returns the files written. */
export function exportSite(out: string, model: { dir: string; files: string[] } | null, app = builtWebApp()): string[] {
  const written: string[] = [];
  const copyInto = (from: string, to: string, names: readonly string[]) => {
    mkdirSync(to, { recursive: true });
    for (const name of names) {
      writeFileAtomic(join(to, name), readFileSync(join(from, name)));
      written.push(join(to, name));
    }
  };
  copyInto(app, out, readdirSync(app).filter((name) => statSync(join(app, name)).isFile()));
  if (model) copyInto(model.dir, join(out, MODEL_URL_PATH), model.files);
  return written;
}
