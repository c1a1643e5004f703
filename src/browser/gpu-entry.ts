// The browser's WebGPU entry point, in place of src/gpu/gpu-entry.ts (Dawn) in the web bundle.

/** navigator.gpu; null in a browser without WebGPU (or outside a secure context). */
export function gpuEntry(): GPU | null {
  // The library's type check runs without the DOM library, which declares `navigator`.
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? null;
}
