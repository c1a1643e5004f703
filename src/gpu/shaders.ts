// WGSL sources live in <package>/shaders/*.wgsl as real WGSL files; this finds and caches them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest ancestor holding shaders/ (works from src/ under tsx and from dist/src/). */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'shaders')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('ser-gpu: cannot find the shaders/ folder above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();
const sources = new Map<string, string>();

/** The text of shaders/<name>.wgsl. */
export function shaderSource(name: string): string {
  let code = sources.get(name);
  if (code === undefined) {
    const path = join(PACKAGE_ROOT, 'shaders', `${name}.wgsl`);
    if (!existsSync(path)) throw new Error(`ser-gpu: no shader file ${path}`);
    code = readFileSync(path, 'utf8');
    sources.set(name, code);
  }
  return code;
}
