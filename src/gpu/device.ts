// Acquire a WebGPU adapter and device, and describe them. The GPU object comes from gpu-entry.ts: Dawn's Node
// binding (`webgpu`) in Node, navigator.gpu in the browser bundle (which swaps that module).
import { gpuEntry } from './gpu-entry.js';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Software rasterisers (lavapipe, SwiftShader) want different tilings from real GPUs. */
  isSoftware: boolean;
  /** The fewest lanes a subgroup may have (lavapipe 8, SwiftShader 4); 0 without the subgroups feature. */
  subgroupMinSize: number;
  features: string[];
  limits: Record<string, number>;
}

export interface AcquiredDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  report: AdapterReport;
}

/** Features we use when the adapter has them. */
const WANTED_FEATURES = ['timestamp-query', 'shader-f16', 'subgroups'] as const;

/** Limits we raise to the adapter's maximum: big feature batches and big workgroup tiles. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Returns null when no adapter exists (no Vulkan driver, no GPU, no WebGPU in the browser): callers decide whether that is fatal. */
export async function acquireDevice(): Promise<AcquiredDevice | null> {
  const gpu = gpuEntry();
  const adapter = gpu && (await gpu.requestAdapter({ powerPreference: 'high-performance' }));
  if (!adapter) return null;
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  return { adapter, device, report: describeAdapter(adapter, device) };
}

function describeAdapter(adapter: GPUAdapter, device: GPUDevice): AdapterReport {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) limits[name] = device.limits[name];
  limits.maxComputeWorkgroupSizeZ = device.limits.maxComputeWorkgroupSizeZ;
  limits.minUniformBufferOffsetAlignment = device.limits.minUniformBufferOffsetAlignment;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isSoftware: /llvmpipe|lavapipe|swiftshader|software/.test(text),
    subgroupMinSize: device.features.has('subgroups') ? (info.subgroupMinSize ?? 0) : 0,
    features: [...device.features].sort(),
    limits,
  };
}

export function adapterName(report: AdapterReport): string {
  return report.description || `${report.vendor} ${report.architecture} ${report.device}`.trim();
}
