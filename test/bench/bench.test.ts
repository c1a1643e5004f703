// `ser-gpu bench` end to end on both backends (a small suite, --json), the JSON's fields, a failed validation
// reported and not timed, and --compare.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKernelSuite, check, instance, random, type KernelCase } from '../../src/bench/kernels/index.js';
import { runTrainSuite } from '../../src/bench/train.js';
import { matmul, matmulReference } from '../../src/ops/matmul.js';
import { describeBackends, webgpuBackend } from '../helpers/backends.js';
import { serGpu } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ser-gpu-bench-test-'));
const resultOf = (kind: string) => join(dir, `${kind}.json`);

/** A matmul row whose reference is off by `offset` in every element. */
function matmulCase(offset: number): KernelCase {
  const n = 16;
  return {
    kernel: offset ? 'matmul, wrong reference' : 'matmul', shape: `${n}x${n}x${n}`, work: { flops: 2 * n ** 3 },
    setup(backend) {
      const [a, b] = [random(n * n, 1), random(n * n, 2)];
      const t = [backend.upload(a, [n, n]), backend.upload(b, [n, n])];
      return instance(t, () => [matmul(backend, t[0], t[1])], async ([c]) =>
        check('matmul', await c.read(), matmulReference(a, b, n, n, n).map((v) => v + offset)));
    },
  };
}

describe('ser-gpu bench, end to end', () => {
  for (const kind of ['webgpu', 'cpu'] as const) {
    it.skipIf(kind === 'webgpu' && !webgpuBackend())(`--suite kernels --backend ${kind} --json: ceiling first, then validated, timed rows`, () => {
      const r = serGpu('bench', '--suite', 'kernels', '--backend', kind, '--filter', 'dense forward', '--repeat', '2', '--json', resultOf(kind));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/FMA peak +[\d.]+ GFLOP\/s/);
      expect(r.stdout).toMatch(/load average/);
      const result = JSON.parse(readFileSync(resultOf(kind), 'utf8'));
      expect(result.schema).toBe('ser-gpu-bench/1');
      expect(result.system.backend).toBe(kind);
      if (kind === 'webgpu') expect(result.system.adapter.driver.length).toBeGreaterThan(0);
      else expect(result.system.adapter).toBeNull();
      expect(result.system.load.start).toHaveLength(3);
      expect(result.system.versions.node).toBe(process.versions.node);
      expect(result.kernels.ceiling.gflops).toBeGreaterThan(0);
      expect(result.kernels.ceiling.gbps).toBeGreaterThan(0);
      const rows = result.kernels.rows;
      expect(rows.map((row: { kernel: string }) => row.kernel)).toEqual([
        'ceiling: FMA peak', 'ceiling: copy bandwidth', 'ceiling: copy bandwidth, cache-sized', 'ceiling: read bandwidth', 'ceiling: one tiny dispatch', 'dense forward',
      ]);
      const dense = rows.at(-1);
      expect(dense.validation).toBe('ok');
      expect(dense.ms.repeats).toBe(2);
      expect(dense.ms.min).toBeLessThanOrEqual(dense.ms.median);
      expect(dense.rate).toBeGreaterThan(0);
      expect(dense.fraction).toBeGreaterThan(0);
      expect(dense.clock).toBe(kind === 'webgpu' && result.kernels.timestamps ? 'gpu' : 'wall');
      // A matmul: matmul_subgroup.wgsl on software adapters with 8-lane subgroups (lavapipe), matmul.wgsl elsewhere.
      if (kind === 'webgpu') expect(dense.families).toEqual([expect.stringMatching(/^matmul(_subgroup)?$/)]);
    });
  }

  it.skipIf(!webgpuBackend())('--compare prints two results side by side, b relative to a', () => {
    const r = serGpu('bench', '--compare', resultOf('webgpu'), resultOf('cpu'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^a: .*\[webgpu\]/m);
    expect(r.stdout).toMatch(/^b: .*: gpu\.js.*\[cpu\]/m);
    expect(r.stdout).toMatch(/FMA peak +[\d.]+ GFLOP\/s +[\d.]+ GFLOP\/s +[\d.]+x/);
    expect(r.stdout).toMatch(/dense forward \(\[32,128\]\*\[8,128\]ᵀ \| \[2,128\]\*\[8,128\]ᵀ\) +[\d.]+ GFLOP\/s \(\d+%\) +[\d.]+ GFLOP\/s \(\d+%\) +[\d.]+x/);
  });

  it('--compare names a file that is not a result, and a lone file is a usage error', () => {
    const bogus = join(dir, 'bogus.json');
    writeFileSync(bogus, '{"schema": "something else"}');
    const r = serGpu('bench', '--compare', bogus, bogus);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bogus}: not a ser-gpu bench result`);
    expect(serGpu('bench', '--compare', bogus).status).toBe(2);
  });

  it('--help loads neither Dawn nor gpu.js', () => {
    const r = serGpu('bench', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--peers/);
    expect(r.loaded).toEqual([]);
  });
});

describeBackends('a failed validation is reported, not timed', (backend) => {
  it('kernel rows: the wrong reference fails, its twin is timed', async () => {
    const result = await runKernelSuite(backend, { repeats: 1, cases: [matmulCase(0.5), matmulCase(0)] });
    const [wrong, right] = result.rows.slice(-2);
    expect(wrong.validation).toMatch(/validation of matmul: 256\/256 elements outside/);
    expect(wrong.ms).toBeUndefined();
    expect(wrong.rate).toBeUndefined();
    expect(right.validation).toBe('ok');
    expect(right.ms!.median).toBeGreaterThan(0);
  });
});

it.skipIf(!webgpuBackend())('train: a first loss off the float64 reference stops the suite before timing', async () => {
  const result = await runTrainSuite(webgpuBackend()!, { batch: 4, epochClips: 4, repeats: 1, referenceOffset: 0.01 });
  expect(result.validation).toMatch(/first loss .* float64 reference .* \|Δ\| 1\.00e-2 > 0\.0001/);
  expect(result.step).toBeUndefined();
  expect(result.epoch).toBeUndefined();
});
