// The web bundle holds the same src/ modules and shaders/*.wgsl as Node, with the Node-only modules swapped
// for their browser counterparts, and nothing that needs Node: a Node import fails the build, naming it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { browserPlatform, buildWeb } from '../../scripts/build-web.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { scratchFolder } from '../audio/fixtures.js';

describe('web bundle', () => {
  const folder = scratchFolder();

  it('bundles the browser counterparts and every shader, and no Node-only module', async () => {
    const inputs = Object.keys((await buildWeb(join(folder, 'dist'))).inputs).map((path) => path.replace(/^.*node_modules\//, 'node_modules/'));
    for (const browser of ['src/browser/gpu-entry.ts', 'src/browser/gpu-wait.ts', 'src/browser/shaders.ts', 'src/io/safetensors-format.ts']) {
      expect(inputs, browser).toContain(browser);
    }
    // The same op, feature, inference and decoder modules as Node.
    for (const shared of ['src/gpu/runtime.ts', 'src/gpu/device.ts', 'src/features/stft.ts', 'src/ops/conv2d.ts', 'src/infer/classifier.ts', 'src/audio/flac.ts', 'src/audio/wav.ts']) {
      expect(inputs, shared).toContain(shared);
    }
    for (const shader of readdirSync(join(PACKAGE_ROOT, 'shaders')).filter((f) => f.endsWith('.wgsl'))) expect(inputs).toContain(`shaders/${shader}`);
    const nodeOnly = ['src/gpu/gpu-entry.ts', 'src/gpu/gpu-wait.ts', 'src/gpu/shaders.ts', 'src/io/safetensors.ts', 'src/io/atomic.ts', 'src/audio/read.ts', 'src/audio/decode-pool.ts', 'src/backend/cpu.ts', 'src/backend/create.ts'];
    expect(inputs.filter((path) => nodeOnly.includes(path) || /^node_modules\/(webgpu|gpu\.js)\//.test(path))).toEqual([]);
  });

  it('refuses a Node-only import, naming the module and its importer', async () => {
    const attempt = build({
      absWorkingDir: PACKAGE_ROOT,
      stdin: { contents: "export { readAudio } from './src/audio/read.js';", resolveDir: PACKAGE_ROOT, sourcefile: 'entry.ts', loader: 'ts' },
      bundle: true,
      write: false,
      platform: 'browser',
      plugins: [browserPlatform()],
      logLevel: 'silent',
    });
    await expect(attempt).rejects.toThrow('Node-only module "node:fs/promises" imported by src/audio/read.ts: keep it out of the browser bundle');
  });
});
