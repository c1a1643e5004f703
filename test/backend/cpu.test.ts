import { afterAll, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu.js';
import type { CpuKernelFunction } from '../../src/backend/types.js';

const sum: CpuKernelFunction = function (values: number[], n: number) {
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i];
  return total;
};

for (const mode of ['cpu', 'webasm'] as const) {
  const backend = createCpuBackend(mode);
  afterAll(() => backend.destroy());

  it(`[${mode}] runs loops past gpu.js's default 1,000-iteration cap`, () => {
    const values = new Float32Array(5000).fill(1);
    expect((backend.kernel('test.sum', sum, 1)(values, values.length) as Float32Array)[0]).toBe(5000);
  });

  it(`[${mode}] accepts inputs of a new size for a cached kernel`, () => {
    const kernel = () => backend.kernel('test.sum', sum, 1);
    expect((kernel()(new Float32Array(10).fill(2), 10) as Float32Array)[0]).toBe(20);
    expect((kernel()(new Float32Array(30).fill(2), 30) as Float32Array)[0]).toBe(60);
  });
}
