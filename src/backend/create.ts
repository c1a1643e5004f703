// Chooses a backend: WebGPU when an adapter exists, else the gpu.js fallback with a one-line notice.
import type { Backend, BackendChoice } from './types.js';

export interface CreateBackendOptions {
  /** Where the auto fallback notice goes; defaults to stderr. */
  notice?: (line: string) => void;
  /** gpu.js mode for the cpu backend; SER_GPU_CPU_MODE=webasm selects WebAssembly. */
  cpuMode?: 'cpu' | 'webasm';
}

export class NoAdapterError extends Error {
  constructor() {
    super(
      'no WebGPU adapter: install a Vulkan driver (a GPU driver, or Mesa lavapipe: apt-get install -t bookworm-backports mesa-vulkan-drivers) ' +
        'and set XDG_RUNTIME_DIR, or use --backend cpu',
    );
  }
}

export async function createBackend(choice: BackendChoice = 'auto', options: CreateBackendOptions = {}): Promise<Backend> {
  const cpuMode = options.cpuMode ?? (process.env.SER_GPU_CPU_MODE === 'webasm' ? 'webasm' : 'cpu');
  if (choice === 'cpu') return (await import('./cpu.js')).createCpuBackend(cpuMode);
  process.env.XDG_RUNTIME_DIR ??= '/tmp'; // Dawn's Vulkan loader wants it; headless machines often lack it.
  const webgpu = await (await import('./webgpu.js')).createWebGpuBackend();
  if (webgpu) return webgpu;
  if (choice === 'webgpu') throw new NoAdapterError();
  (options.notice ?? ((line) => process.stderr.write(line + '\n')))(
    'ser-gpu: no WebGPU adapter found; using the gpu.js CPU fallback (--backend cpu). Install a Vulkan driver for the GPU path.',
  );
  return (await import('./cpu.js')).createCpuBackend(cpuMode);
}
