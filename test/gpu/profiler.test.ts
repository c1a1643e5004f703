import { afterAll, describe, expect, it } from 'vitest';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import { binary } from '../../src/ops/elementwise.js';
import { REQUIRE_WEBGPU } from '../helpers/backends.js';

// A runtime of its own: SER_GPU_PROFILE is read when the runtime is created.
process.env.SER_GPU_PROFILE = '1';
const backend = await createWebGpuBackend();
delete process.env.SER_GPU_PROFILE;
afterAll(async () => {
  await backend?.destroy();
});

it('has a WebGPU adapter to profile on when CI requires one', () => {
  if (REQUIRE_WEBGPU) expect(backend).not.toBeNull();
});

describe.skipIf(!backend)('SER_GPU_PROFILE=1 [webgpu]', () => {
  it('times every dispatch in its own pass and sums them per kernel, without changing results', async () => {
    const rt = backend!.runtime;
    expect(rt.profiler !== null).toBe(rt.hasTimestamps);
    if (!rt.profiler) return;
    const one = backend!.upload([1, 1, 1, 1], [4]);
    // More dispatches in one submission than one query set holds (1024 pairs).
    let t = backend!.upload([0, 0, 0, 0], [4]);
    for (let i = 0; i < 1100; i++) t = binary(backend!, 'add', t, one);
    const product = binary(backend!, 'mul', t, t);
    expect(Array.from(await product.read())).toEqual([1100 ** 2, 1100 ** 2, 1100 ** 2, 1100 ** 2]);
    await backend!.sync();
    const times = rt.profiler.times();
    const add = times.find((r) => r.kernel.startsWith('elementwise:add'));
    const mul = times.find((r) => r.kernel.startsWith('elementwise:mul'));
    expect(add?.dispatches).toBe(1100);
    expect(mul?.dispatches).toBe(1);
    expect(add!.ms).toBeGreaterThan(0);
    expect(add!.ms).toBeGreaterThan(mul!.ms);
    expect(rt.profiler.report()).toMatch(/elementwise:add\{WG=\d+\}/);
  });
});
