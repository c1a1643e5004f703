// Bundles the web app (web/src → web/dist) with esbuild: the same src/ modules and shaders/*.wgsl as Node, with
// the Node-only modules swapped for their browser counterparts and any other Node import refused.
//   npx tsx scripts/build-web.ts [--out DIR]
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = join(ROOT, 'web', 'dist');

/** Node module → its browser counterpart (the same exports, less those that need Node: importing one fails the build). */
const BROWSER_SWAPS: Record<string, string> = {
  'src/gpu/gpu-entry.ts': 'src/browser/gpu-entry.ts', // Dawn → navigator.gpu
  'src/gpu/gpu-wait.ts': 'src/browser/gpu-wait.ts', // dawn.node's poll workaround → nothing to work around
  'src/gpu/shaders.ts': 'src/browser/shaders.ts', // shaders/*.wgsl from disk → the table below
  'src/io/safetensors.ts': 'src/io/safetensors-format.ts', // the format without reading and writing files
};

/** Packages that must never reach the bundle: native Dawn, the gpu.js fallback, Node's own modules. */
const NODE_ONLY = /^(node:|webgpu$|gpu\.js$|(fs|path|url|os|worker_threads|child_process|module)(\/|$))/;

const SHADER_TABLE = 'ser-gpu:shaders';

export function browserPlatform(): Plugin {
  return {
    name: 'ser-gpu-browser',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = relative(ROOT, resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
        const swap = BROWSER_SWAPS[target];
        return swap ? { path: join(ROOT, swap) } : undefined;
      });
      b.onResolve({ filter: NODE_ONLY }, (args) => ({
        errors: [{ text: `Node-only module "${args.path}" imported by ${relative(ROOT, args.importer)}: keep it out of the browser bundle` }],
      }));
      b.onResolve({ filter: new RegExp(`^${SHADER_TABLE}$`) }, () => ({ path: SHADER_TABLE, namespace: 'ser-gpu' }));
      // Every shaders/*.wgsl, imported as text (loader below): { name: source }.
      b.onLoad({ filter: /.*/, namespace: 'ser-gpu' }, () => {
        const names = readdirSync(join(ROOT, 'shaders')).filter((f) => f.endsWith('.wgsl')).sort().map((f) => f.slice(0, -5));
        const imports = names.map((n, i) => `import s${i} from ${JSON.stringify(`./shaders/${n}.wgsl`)};`);
        const entries = names.map((n, i) => `${JSON.stringify(n)}: s${i}`);
        return { contents: `${imports.join('\n')}\nexport default { ${entries.join(', ')} };\n`, resolveDir: ROOT, loader: 'js', watchDirs: [join(ROOT, 'shaders')] };
      });
    },
  };
}

/** Builds the app into `outDir`; the metafile lists every module bundled. */
export async function buildWeb(outDir = WEB_DIST): Promise<Metafile> {
  mkdirSync(outDir, { recursive: true });
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'web/src/main.ts', 'mic-worklet': 'web/src/mic-worklet.ts' },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome113', // the first Chrome with WebGPU
    sourcemap: true,
    // Resolve packages as Node does (plus their browser builds): wavefile's "module" entry has no default export.
    mainFields: ['browser', 'main'],
    loader: { '.wgsl': 'text' },
    // The runtime's SER_GPU_DEBUG (submit each dispatch alone) and SER_GPU_PROFILE (time each dispatch)
    // switches are Node environment variables.
    define: { 'process.env.SER_GPU_DEBUG': 'undefined', 'process.env.SER_GPU_PROFILE': 'undefined' },
    plugins: [browserPlatform()],
    metafile: true,
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(ROOT, 'web', file), join(outDir, file));
  return metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  await buildWeb(at > 0 ? resolve(process.argv[at + 1]) : WEB_DIST);
}
