import { describe, expect, it } from 'vitest';
import { gpuWait } from '../../src/gpu/gpu-wait.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// A nameless native function queued without arguments is what dawn.node's poll tick looks like.
const nativeTick = Function.prototype as () => void;

describe('gpuWait', () => {
  it('defers only a Dawn-like tick, and only once the wait is longer than 1 ms', async () => {
    const real = globalThis.setImmediate;
    const seen: { early?: unknown; late?: unknown; js?: unknown } = {};
    const ran: string[] = [];
    // The work starts in a microtask, after gpuWait has begun.
    await gpuWait(
      Promise.resolve().then(async () => {
        seen.early = setImmediate(nativeTick); // within the first millisecond: the real setImmediate
        await sleep(5);
        seen.late = setImmediate(nativeTick); // deferred to a timer: no Immediate handle
        seen.js = setImmediate(() => ran.push('js')); // any other callback: the real setImmediate
      }),
    );
    expect(seen.early).toHaveProperty('hasRef');
    expect(seen.late).toBeUndefined();
    expect(seen.js).toHaveProperty('hasRef');
    expect(globalThis.setImmediate).toBe(real);
    await sleep(5);
    expect(ran).toEqual(['js']);
  });

  it('restores setImmediate after overlapping waits and after a rejection', async () => {
    const real = globalThis.setImmediate;
    const slow = gpuWait(sleep(10));
    await expect(gpuWait(Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    expect(globalThis.setImmediate).not.toBe(real); // the slow wait is still running
    await slow;
    expect(globalThis.setImmediate).toBe(real);
  });
});
