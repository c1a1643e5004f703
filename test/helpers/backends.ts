// Runs a suite on both backends: WebGPU (Dawn; lavapipe in CI) and the gpu.js CPU fallback.
// Without an adapter the WebGPU half is skipped, visibly, unless SER_GPU_REQUIRE_WEBGPU=1 (CI),
// where the missing adapter fails the run.
import { afterAll, describe } from 'vitest';
import { createBackend } from '../../src/backend/create.js';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import type { Backend, BackendKind } from '../../src/backend/types.js';

export const REQUIRE_WEBGPU = process.env.SER_GPU_REQUIRE_WEBGPU === '1';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const webgpu = await createWebGpuBackend();
if (!webgpu && REQUIRE_WEBGPU) {
  throw new Error('SER_GPU_REQUIRE_WEBGPU=1 but no WebGPU adapter was found: install a Vulkan driver (Mesa lavapipe) and set XDG_RUNTIME_DIR');
}
const cpu = await createBackend('cpu');

afterAll(async () => {
  await webgpu?.destroy();
  await cpu.destroy();
});

export const backends: { kind: BackendKind; backend: Backend | null }[] = [
  { kind: 'webgpu', backend: webgpu },
  { kind: 'cpu', backend: cpu },
];

/** describe(title [webgpu]) and describe(title [cpu]) with the same body. */
export function describeBackends(title: string, body: (backend: Backend) => void): void {
  for (const { kind, backend } of backends) {
    const suite = backend ? describe : describe.skip;
    suite(`${title} [${kind}${backend ? '' : ': no WebGPU adapter on this machine'}]`, () => body(backend as Backend));
  }
}

export function webgpuBackend() {
  return webgpu;
}
