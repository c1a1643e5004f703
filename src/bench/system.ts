// The header of every benchmark result: where it ran (adapter, limits, features, driver), with which software,
// and how busy the machine was, since other work on the CPU slows software adapters and CPU peers alike.
import { cpus, loadavg } from 'node:os';
import type { Backend } from '../backend/types.js';
import type { AdapterReport } from '../gpu/device.js';
import { systemInfo } from '../system-info.js';

export interface BenchSystem {
  backend: Backend['kind'];
  backendName: string;
  /** Null on the gpu.js backend. Dawn reports the driver (Mesa and LLVM versions on lavapipe) in `description`. */
  adapter: (AdapterReport & { driver: string }) | null;
  cpu: { model: string; cores: number };
  versions: Record<string, string>;
  /** 1, 5 and 15-minute load averages at the start and the end of the run. */
  load: { start: number[]; end?: number[] };
}

export function benchSystem(backend: Backend): BenchSystem {
  const info = systemInfo(backend);
  const cores = cpus();
  return {
    backend: info.backend,
    backendName: info.backendName,
    adapter: info.adapter && { ...info.adapter, driver: info.adapter.description },
    cpu: { model: cores[0]?.model.trim() ?? 'unknown', cores: cores.length },
    versions: info.versions,
    load: { start: loadavg() },
  };
}

/** A one-line load note; it warns when the 1-minute load average exceeds the core count. */
export function loadNote(load: readonly number[], cores: number): string {
  const text = `load average ${load.map((l) => l.toFixed(2)).join(', ')} on ${cores} cores`;
  return load[0] > cores ? `${text} — WARNING: above the core count; other work shared the CPU and times are inflated` : text;
}

export function formatSystem(s: BenchSystem): string {
  const lines = [`backend   ${s.backendName}`];
  if (s.adapter) {
    const a = s.adapter;
    lines.push(
      `adapter   vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}, device ${a.device || '?'}${a.isSoftware ? ' (software)' : ''}`,
      `          description ${a.description || '?'}`,
      `driver    ${a.driver || '?'}`,
      `features  ${a.features.join(', ')}`,
      `limits    ${Object.entries(a.limits).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
  }
  lines.push(
    `cpu       ${s.cpu.model} x ${s.cpu.cores}`,
    `versions  ${Object.entries(s.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `load      ${loadNote(s.load.start, s.cpu.cores)} (start of run)`,
  );
  return lines.join('\n') + '\n';
}
