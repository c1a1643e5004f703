// Waiting on dawn.node without spinning a CPU core.
//
// dawn.node settles its promises (mapAsync, onSubmittedWorkDone, popErrorScope) by polling: while one is
// pending, a native tick re-queues itself through the global setImmediate, so every wait keeps one core
// busy. On a software adapter that core is one the shaders need (lavapipe runs them on every core): the
// feature stage took 1.45x longer with the spin than without. While the runtime waits, and once the wait
// has lasted BUSY_POLL_MS, Dawn's tick is re-queued with a 1 ms timer instead. Short waits on a real GPU
// keep their latency; long waits cost a poll per millisecond. Only Dawn's tick is deferred: it is the one
// nameless native function queued without arguments (JS callbacks show their source, bound ones are named
// "bound …"), so other callers keep the real setImmediate and the Immediate handles it returns.

const BUSY_POLL_MS = 1;

let waits = 0;
let startedAt = 0;
let realSetImmediate: typeof setImmediate | null = null;

function isDawnTick(callback: unknown, args: readonly unknown[]): callback is () => void {
  return typeof callback === 'function' && callback.name === '' && args.length === 0 && Function.prototype.toString.call(callback).includes('[native code]');
}

function install(): void {
  const real = globalThis.setImmediate;
  realSetImmediate = real;
  const deferring = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    if (isDawnTick(callback, args) && performance.now() - startedAt > BUSY_POLL_MS) {
      setTimeout(callback, 1);
      return undefined;
    }
    return real(callback, ...args);
  }) as typeof setImmediate;
  deferring.__promisify__ = real.__promisify__;
  globalThis.setImmediate = deferring;
}

/** Awaits a promise that Dawn settles, polling it by timer once the wait is longer than BUSY_POLL_MS. */
export async function gpuWait<T>(promise: Promise<T>): Promise<T> {
  if (waits++ === 0) {
    startedAt = performance.now();
    install();
  }
  try {
    return await promise;
  } finally {
    if (--waits === 0 && realSetImmediate) {
      globalThis.setImmediate = realSetImmediate;
      realSetImmediate = null;
    }
  }
}
