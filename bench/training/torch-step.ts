// Runs torch_step.py with the project's virtual environment (or python3) when PyTorch is installed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import type { BenchShape } from './batch.js';
import type { StepTiming } from './peer.js';

export interface TorchRun {
  timing: StepTiming;
  threads: number;
  version: string;
}

/** `{ missing }`, saying why, when no Python with torch is found. */
export function timeTorchStep(shape: BenchShape, warmup: number, repeats: number): TorchRun | { missing: string } {
  const venv = join(PACKAGE_ROOT, '.venv', 'bin', 'python');
  const python = existsSync(venv) ? venv : 'python3';
  const args = [join(PACKAGE_ROOT, 'bench', 'training', 'torch_step.py')];
  for (const [name, value] of Object.entries({ ...shape, warmup, repeats })) args.push(`--${name}`, String(value));
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return { missing: `${python} has no torch (pip install torch to compare with PyTorch on the CPU)` };
  }
  const output = execFileSync(python, args, { encoding: 'utf8' });
  const r = JSON.parse(output.trim().split('\n').pop()!) as { ms_per_step: number; clips_per_s: number; threads: number; torch: string };
  return { timing: { msPerStep: r.ms_per_step, clipsPerSecond: r.clips_per_s }, threads: r.threads, version: r.torch };
}
