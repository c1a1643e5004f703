// The browser settles WebGPU promises from its own event loop: nothing polls, so nothing needs deferring.
// Replaces src/gpu/gpu-wait.ts (dawn.node's poll workaround) in the web bundle.

export function gpuWait<T>(promise: Promise<T>): Promise<T> {
  return promise;
}
