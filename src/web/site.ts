// The static site behind `ser-gpu serve` and `ser-gpu export-web`: the built web app (web/dist, written by
// `npm run build:web`) and a model folder's files, served under /model/.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../gpu/shaders.js';

export const WEB_APP_DIR = join(PACKAGE_ROOT, 'web', 'dist');
/** The files of a model folder that the page loads, from <site>/model/. */
export const MODEL_FILES = ['model.json', 'model.safetensors'] as const;
export const MODEL_URL_PATH = 'model/';

/** web/dist, checked to hold a built app. */
export function builtWebApp(dir = WEB_APP_DIR): string {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`the web app is not built: ${join(dir, 'index.html')} is missing (run npm run build:web)`);
  return dir;
}

/** A model folder, checked to hold the files the page loads. */
export function modelFolder(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`model folder not found: ${dir}`);
  const missing = MODEL_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new Error(`${dir} is not a model folder: ${missing.join(' and ')} missing`);
  return dir;
}

/** Writes the app, and the model's files under model/, into `out` (created if needed). Returns the files written. */
export function exportSite(out: string, model: string | null, app = builtWebApp()): string[] {
  const written: string[] = [];
  const copyInto = (from: string, to: string, names: readonly string[]) => {
    mkdirSync(to, { recursive: true });
    for (const name of names) {
      copyFileSync(join(from, name), join(to, name));
      written.push(join(to, name));
    }
  };
  copyInto(app, out, readdirSync(app).filter((name) => statSync(join(app, name)).isFile()));
  if (model) copyInto(model, join(out, MODEL_URL_PATH), MODEL_FILES);
  return written;
}
