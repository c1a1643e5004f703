// Runs the ser-gpu command line (through tsx, from source) as a user would. `loaded` lists the native or
// heavy modules the process loaded (reported by test/cli/report-loaded.cjs), to prove lazy imports.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';

export function serGpu(...args: string[]) {
  return serGpuWithInput(undefined, ...args);
}

/** serGpu with `input` written to its stdin. */
export function serGpuWithInput(input: Uint8Array | undefined, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--require', join(PACKAGE_ROOT, 'test/cli/report-loaded.cjs'), '--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), ...args],
    { cwd: PACKAGE_ROOT, encoding: 'utf8', input, maxBuffer: 64 * 2 ** 20, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } },
  );
  const loaded = JSON.parse(/LOADED:(.*)/.exec(result.stderr)?.[1] ?? 'null') as string[] | null;
  return { ...result, loaded };
}
