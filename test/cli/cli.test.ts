import { describe, expect, it } from 'vitest';
import { webgpuBackend } from '../helpers/backends.js';
import { serGpu } from '../helpers/cli.js';

describe('ser-gpu CLI', () => {
  it('--help lists the commands without loading Dawn or gpu.js', () => {
    const r = serGpu('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ser-gpu info/);
    expect(r.loaded).toEqual([]);
  });

  it('rejects an unknown command with exit code 2', () => {
    const r = serGpu('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument: frobnicate/);
  });

  it('info --backend cpu --json reports the gpu.js fallback', () => {
    const r = serGpu('info', '--backend', 'cpu', '--json');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe('cpu');
    expect(info.backendName).toMatch(/gpu\.js/);
    expect(info.adapter).toBeNull();
  });

  it.skipIf(!webgpuBackend())('info --json reports the webgpu backend and its adapter', () => {
    const r = serGpu('info', '--json');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe('webgpu');
    expect(info.adapter.description.length + info.adapter.device.length).toBeGreaterThan(0);
    expect(info.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  });

  it('demo --backend cpu verifies the matmul against float64', () => {
    const r = serGpu('demo', '--backend', 'cpu', '--size', '64', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });
});
