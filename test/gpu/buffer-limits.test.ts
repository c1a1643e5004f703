// A buffer request over the device's limits fails at once with the size asked for, the limit and what to do; an
// allocation the device cannot satisfy (its out-of-memory error scope) is reported the same way at the next sync.
import { describe, expect, it } from 'vitest';
import { BufferPool, bufferSize, GpuMemoryError } from '../../src/gpu/buffer-pool.js';
import { binary } from '../../src/ops/elementwise.js';
import { webgpuBackend } from '../helpers/backends.js';

const webgpu = webgpuBackend();
const MiB = 2 ** 20;

describe.skipIf(!webgpu)(`buffer limits on the real adapter${webgpu ? '' : ' (no WebGPU adapter on this machine)'}`, () => {
  const limits = () => webgpu!.runtime.device.limits;

  it('refuses a tensor over maxStorageBufferBindingSize, naming its size, the limit and a smaller batch; the device stays usable', async () => {
    const limit = limits().maxStorageBufferBindingSize;
    const floats = limit / 4 + 64; // 256 bytes over
    let error: unknown;
    try {
      webgpu!.empty([floats]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GpuMemoryError);
    const { message, requestedBytes, limit: exceeded } = error as GpuMemoryError;
    expect([requestedBytes, exceeded]).toEqual([limit + 256, { name: 'maxStorageBufferBindingSize', bytes: limit }]);
    expect(message).toMatch(
      new RegExp(
        `^GPU buffer tensor\\[${floats}\\] of [\\d.]+ MiB \\(${limit + 256} bytes\\) exceeds the device's maxStorageBufferBindingSize of [\\d.]+ MiB \\(${limit} bytes\\): ` +
          'use a smaller batch \\(--batch-size\\) or shorter inputs$',
      ),
    );
    // Nothing was allocated and no error is pending: the next work runs.
    const a = webgpu!.upload([1, 2, 3], [3]);
    const sum = binary(webgpu!, 'add', a, a);
    expect(Array.from((await sum.read()) as Float32Array)).toEqual([2, 4, 6]);
  });

  it('refuses a buffer over maxBufferSize before its binding size is even considered', () => {
    const { maxBufferSize } = limits();
    expect(() => webgpu!.runtime.pool.acquire(maxBufferSize + 1, GPUBufferUsage.STORAGE, 'huge')).toThrow(
      new RegExp(`^GPU buffer huge of \\d+ MiB \\(${Math.ceil((maxBufferSize + 1) / 256) * 256} bytes\\) exceeds the device's maxBufferSize of \\d+ MiB \\(${maxBufferSize} bytes\\)`),
    );
  });
});

describe('out-of-memory reports (a stand-in device whose out-of-memory scope fires above 1 MiB)', () => {
  // GPUBufferUsage comes from Dawn's globals, which loading the backends installs.
  function standIn() {
    const scopes: string[] = [];
    let last = 0;
    const device = {
      limits: { maxBufferSize: 64 * MiB, maxStorageBufferBindingSize: 16 * MiB },
      pushErrorScope: (filter: string) => scopes.push(filter),
      popErrorScope: async () => {
        expect(scopes.pop()).toBe('out-of-memory');
        return last > MiB ? ({ message: 'Out of memory' } as GPUError) : null;
      },
      createBuffer: ({ size, usage }: GPUBufferDescriptor) => {
        last = size;
        return { size, usage, destroy: () => undefined } as unknown as GPUBuffer;
      },
    } as unknown as GPUDevice;
    const checks: Promise<GpuMemoryError | null>[] = [];
    return { pool: new BufferPool(device, (check) => checks.push(check)), checks };
  }

  it('names the buffer, the size asked for, what live tensors hold, and a smaller batch', async () => {
    const { pool, checks } = standIn();
    pool.acquire(1000, GPUBufferUsage.STORAGE, 'tensor[250]');
    pool.acquire(8 * MiB, GPUBufferUsage.STORAGE, 'tensor[32,1,64,1024]');
    const [small, big] = await Promise.all(checks);
    expect(small).toBeNull();
    expect(big).toBeInstanceOf(GpuMemoryError);
    expect(big!.message).toBe(
      'GPU buffer tensor[32,1,64,1024] of 8.0 MiB (8388608 bytes) could not be allocated: the device is out of memory (1024 bytes held by live tensors): use a smaller batch (--batch-size)',
    );
  });

  it('applies the binding limit to storage buffers only, and maxBufferSize to all', () => {
    const { pool } = standIn();
    expect(() => pool.acquire(32 * MiB, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback')).not.toThrow();
    expect(() => pool.acquire(32 * MiB, GPUBufferUsage.STORAGE, 'tensor[x]')).toThrow(/maxStorageBufferBindingSize of 16\.0 MiB/);
    expect(() => pool.acquire(65 * MiB, GPUBufferUsage.MAP_READ, 'readback')).toThrow(/maxBufferSize of 64\.0 MiB/);
  });

  it('gives requests of many sizes above 1 MiB a few size classes, so varying batches reuse their buffers', () => {
    const { pool } = standIn();
    // 200 batches of packed clips of different lengths, 2 to 4 MiB each, one alive at a time.
    for (let i = 0; i < 200; i++) pool.release(pool.acquire(2 * MiB + i * 10_000 + 4, GPUBufferUsage.STORAGE, `tensor[batch ${i}]`));
    // One buffer per class of 2.25, 2.5, ..., 4 MiB (25 MiB), not 200 buffers (about 600 MiB).
    expect(pool.allocatedBytes).toBe(25 * MiB);
    expect(bufferSize(2 * MiB + 4)).toBe(2.25 * MiB);
    expect(bufferSize(1000)).toBe(1024);
    // At the binding limit, a request keeps its own size rather than a class past the limit.
    expect(bufferSize(16 * MiB - 4096, 16 * MiB)).toBe(16 * MiB);
    expect(bufferSize(15.9 * MiB, 15.95 * MiB)).toBe(Math.ceil((15.9 * MiB) / 256) * 256);
  });
});
