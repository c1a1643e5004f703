// The WGSL sources in the web bundle, in place of src/gpu/shaders.ts (which reads shaders/*.wgsl from disk):
// scripts/build-web.ts turns the same files into the 'ser-gpu:shaders' table, as text, at build time.
import table from 'ser-gpu:shaders';

/** The text of shaders/<name>.wgsl. */
export function shaderSource(name: string): string {
  const code = table[name];
  if (code === undefined) throw new Error(`ser-gpu: no shader shaders/${name}.wgsl in this bundle`);
  return code;
}
