// Node's WebGPU entry point: Dawn's binding (`webgpu`). The browser bundle replaces this module with
// src/browser/gpu-entry.ts (navigator.gpu); see scripts/build-web.ts.
import { create, globals } from 'webgpu';

/**
 * The Dawn instance. It must stay referenced for the life of the process: if the GPU object is garbage
 * collected, Dawn's instance goes with it and the next wait on a device aborts the process.
 */
let dawn: GPU | null = null;

/** The GPU object adapters are requested from; null where the platform has none. */
export function gpuEntry(): GPU | null {
  if (!dawn) {
    // GPUBufferUsage, GPUMapMode, ... are needed as globals by code written for the browser API.
    Object.assign(globalThis, globals);
    dawn = create([]);
  }
  return dawn;
}
