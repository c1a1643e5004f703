import { describe, expect, it } from 'vitest';
import { pipelineKey } from '../../src/gpu/runtime.js';
import { packUniforms } from '../../src/gpu/uniforms.js';
import { grid1d } from '../../src/gpu/grid.js';
import { binary } from '../../src/ops/elementwise.js';
import { adapterName } from '../../src/gpu/device.js';
import { REQUIRE_WEBGPU, webgpuBackend } from '../helpers/backends.js';

const webgpu = webgpuBackend();

it('finds a WebGPU adapter when CI requires one, and names it', () => {
  if (REQUIRE_WEBGPU) expect(webgpu).not.toBeNull();
  // The CI log shows which adapter the WebGPU tests ran on.
  console.log(webgpu ? `WebGPU adapter: ${adapterName(webgpu.adapter)} (architecture ${webgpu.adapter.architecture})` : 'WebGPU adapter: none (WebGPU tests skipped)');
});

describe('pipeline keys and uniforms', () => {
  it('names every specialisation, independent of constant order', () => {
    expect(pipelineKey('matmul', 'main', { WG_Y: 8, WG_X: 4 })).toBe('matmul:main{WG_X=4,WG_Y=8}');
    expect(pipelineKey('elementwise', 'add', {})).toBe('elementwise:add');
  });

  it('packs u32, f32 and i32 fields into a 16-byte-aligned struct', () => {
    const bytes = packUniforms([3, { f32: 0.5 }, { i32: -2 }, 7, 9]);
    expect(bytes.byteLength).toBe(32);
    const view = new DataView(bytes.buffer);
    expect([view.getUint32(0, true), view.getFloat32(4, true), view.getInt32(8, true), view.getUint32(12, true), view.getUint32(16, true)]).toEqual([3, 0.5, -2, 7, 9]);
  });

  it('rejects a float where a u32 is expected', () => {
    expect(() => packUniforms([1.5])).toThrow(/not a u32/);
  });

  it('splits large 1-D jobs over two grid dimensions', () => {
    expect(grid1d(256 * 10, 256)).toEqual([10, 1]);
    const [x, y] = grid1d(256 * 70_000, 256);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 256).toBeGreaterThanOrEqual(256 * 70_000);
  });
});

describe.skipIf(!webgpu)('WebGPU runtime [webgpu]', () => {
  const backend = webgpu!;
  const rt = backend?.runtime;

  it('reuses pooled buffers and tracks peak bytes', () => {
    const before = rt.pool.allocatedBytes;
    const a = backend.empty([1000]);
    a.dispose();
    const b = backend.empty([1000]);
    expect(rt.pool.allocatedBytes - before).toBe(4096);
    expect(rt.pool.peakBytes).toBeGreaterThanOrEqual(4096);
    b.dispose();
  });

  it('keeps uploads in stream order with dispatches recorded before them', async () => {
    // The pooled buffer of `x` is released and reused by `y` before anything is submitted: the first
    // dispatch must still see x's values.
    const x = backend.upload([1, 2, 3], [3]);
    const sum = binary(backend, 'add', x, x);
    x.dispose();
    const y = backend.upload([100, 200, 300], [3]);
    expect(Array.from(await sum.read())).toEqual([2, 4, 6]);
    expect(Array.from(await y.read())).toEqual([100, 200, 300]);
  });

  it('keeps a direct upload (nothing recorded since the submit) after submitted dispatches', async () => {
    // `sum` is submitted but may not have run when x's pooled buffer is refilled through queue.writeBuffer.
    const x = backend.upload([1, 2, 3], [3]);
    const pooled = x.buffer;
    const sum = binary(backend, 'add', x, x);
    rt.submit();
    x.dispose();
    const y = backend.upload([100, 200, 300], [3]);
    expect(y.buffer).toBe(pooled); // the same pooled buffer, so the order matters
    expect(Array.from(await sum.read())).toEqual([2, 4, 6]);
    expect(Array.from(await y.read())).toEqual([100, 200, 300]);
  });

  it('records many dispatches into one submission', async () => {
    let t = backend.upload([1, 1, 1, 1], [4]);
    const one = backend.upload([1, 1, 1, 1], [4]);
    for (let i = 0; i < 50; i++) t = binary(backend, 'add', t, one);
    expect(Array.from(await t.read())).toEqual([51, 51, 51, 51]);
  });

  it('names the kernel when a dispatch is invalid', async () => {
    const a = backend.upload([1, 2], [2]);
    rt.run({ shader: 'elementwise', entry: 'add', constants: { WG: 64 }, uniforms: [2, { f32: 1 }], buffers: [a.buffer, a.buffer], workgroups: [1] });
    await expect(backend.sync()).rejects.toThrow(/elementwise:add\{WG=64\}/);
  });

  it('names the kernel when its specialisation cannot compile', async () => {
    rt.pipeline('elementwise', 'add', { WG: 0 });
    await expect(backend.sync()).rejects.toThrow(/elementwise:add\{WG=0\}/);
  });

  it.skipIf(!webgpu?.runtime.hasTimestamps)('refuses to time work that a copy splits into two passes', async () => {
    const a = backend.upload(new Float32Array(256), [256]);
    await expect(
      rt.timeGpu(() => {
        binary(backend, 'add', a, a);
        backend.upload(new Float32Array(256), [256]);
        binary(backend, 'add', a, a);
      }),
    ).rejects.toThrow(/ended the timed compute pass/);
    expect(Array.from(await binary(backend, 'add', a, a).read()).every((v) => v === 0)).toBe(true);
  });

  it('times a pass with timestamp queries when the adapter has them', async () => {
    const a = backend.upload(new Float32Array(1 << 16), [1 << 16]);
    const ms = await rt.timeGpu(() => binary(backend, 'add', a, a));
    if (rt.hasTimestamps) expect(ms).toBeGreaterThanOrEqual(0);
    else expect(ms).toBeNull();
  });
});
