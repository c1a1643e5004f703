// A description of the backend, adapter and software versions: for `ser-gpu info`, benchmarks and logs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AdapterReport } from './gpu/device.js';
import type { Backend } from './backend/types.js';
import { PACKAGE_ROOT } from './gpu/shaders.js';

export interface SystemInfo {
  backend: Backend['kind'];
  backendName: string;
  adapter: AdapterReport | null;
  cpuMode?: string;
  versions: Record<string, string>;
}

function packageVersion(name: string): string {
  const require = createRequire(join(PACKAGE_ROOT, 'package.json'));
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function systemInfo(backend: Backend): SystemInfo {
  const own = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return {
    backend: backend.kind,
    backendName: backend.name,
    adapter: backend.kind === 'webgpu' ? backend.adapter : null,
    ...(backend.kind === 'cpu' ? { cpuMode: backend.mode } : {}),
    versions: { 'ser-gpu': own.version, node: process.versions.node, webgpu: packageVersion('webgpu'), 'gpu.js': packageVersion('gpu.js') },
  };
}

export function formatInfo(info: SystemInfo): string {
  const lines = [`backend   ${info.backendName}`];
  if (info.adapter) {
    const a = info.adapter;
    lines.push(
      `adapter   ${a.description || a.device} (vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}${a.isSoftware ? ', software' : ''})`,
      `features  ${a.features.join(', ')}`,
      'limits',
      ...Object.entries(a.limits).map(([k, v]) => `  ${k.padEnd(36)} ${v}`),
    );
  }
  lines.push(`versions  ${Object.entries(info.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
