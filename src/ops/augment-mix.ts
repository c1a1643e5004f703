// Mixup of a feature batch with soft targets: shaders/augment_mix.wgsl on WebGPU, gpu.js kernels on the CPU
// backend. The pairing (a seeded permutation) and the weights lambda ~ Beta(alpha, alpha), one per clip, are
// drawn on the host per batch: 2N numbers, not per-clip work on the samples, and what the kernels take.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';
import { drawBits, streamKey } from './pcg-hash.js';

/** perm [N]: clip c is mixed with clip perm[c]; lambda [N]: clip c's own weight. */
export interface MixupPlan {
  perm: Uint32Array;
  lambda: Float32Array;
}

const WG = 256;

/** A counter-based stream of uniforms in (0, 1) from one key: draw i is a pure function of (key, i). */
class UniformStream {
  private i = 0;
  constructor(private readonly key: number) {}
  next(): number {
    return ((drawBits(this.key, this.i++) >>> 8) + 0.5) * 2 ** -24;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  /** Gamma(a, 1) by Marsaglia and Tsang (2000); a < 1 through Gamma(a + 1) * U^(1/a). */
  gamma(a: number): number {
    if (a < 1) return this.gamma(a + 1) * this.next() ** (1 / a);
    const d = a - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      if (Math.log(this.next()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }
}

/** The batch's pairing (Fisher-Yates over the hash's draws) and per-clip lambda ~ Beta(alpha, alpha). */
export function drawMixup(clips: number, alpha: number, seed: number): MixupPlan {
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new Error(`mixup: alpha = ${alpha} must be a positive number`);
  const permKey = streamKey(seed, 0);
  const perm = Uint32Array.from({ length: clips }, (_, i) => i);
  for (let i = clips - 1; i > 0; i--) {
    const j = drawBits(permKey, i) % (i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const stream = new UniformStream(streamKey(seed, 1));
  const lambda = Float32Array.from({ length: clips }, () => {
    const a = stream.gamma(alpha);
    return a / (a + stream.gamma(alpha));
  });
  return { perm, lambda };
}

export interface MixupResult {
  /** [N, bands, maxFrames] mixed features. */
  features: Tensor;
  /** Valid frames of each mixed clip: the longer of the two (its own where lambda = 1). */
  frames: number[];
  /** [N, K] soft targets. */
  targets: Tensor;
}

/** Mixes features [N, bands, maxFrames] and one-hot targets of labels (i32 [N], classes 0..K-1) by the plan. */
export function mixup(backend: Backend, features: Tensor, frames: readonly number[], labels: Tensor, classes: number, plan: MixupPlan): MixupResult {
  const N = features.shape[0];
  if (features.shape.length !== 3 || frames.length !== N) throw new Error(`mixup: features must be [${frames.length}, bands, frames], got [${features.shape}]`);
  if (labels.dtype !== 'i32' || labels.size !== N) throw new Error(`mixup: labels must be i32 [${N}], got ${labels.dtype} [${labels.shape}]`);
  if (plan.perm.length !== N || plan.lambda.length !== N) throw new Error(`mixup: the plan is for ${plan.perm.length} clips, the batch has ${N}`);
  const width = features.size / N;
  const perm = backend.upload(plan.perm, [N], 'u32');
  const lambda = backend.upload(plan.lambda, [N]);
  let mixed: Tensor;
  let targets: Tensor;
  if (backend.kind === 'webgpu') {
    mixed = backend.empty(features.shape);
    targets = backend.empty([N, classes]);
    backend.runtime.run({
      shader: 'augment_mix',
      entry: 'features',
      constants: { WG },
      uniforms: [features.size, width],
      buffers: [perm.buffer, lambda.buffer, features.buffer, mixed.buffer],
      workgroups: grid1d(features.size, WG),
    });
    backend.runtime.run({
      shader: 'augment_mix',
      entry: 'soft_targets',
      constants: { WG },
      uniforms: [N * classes, classes],
      buffers: [perm.buffer, lambda.buffer, labels.buffer, targets.buffer],
      workgroups: [Math.ceil((N * classes) / WG)],
    });
  } else {
    const mix = backend.kernel('augment.mixup', mixupCpuKernel, features.size);
    mixed = backend.wrap(mix(perm.host, lambda.host, features.host, width) as Float32Array, features.shape);
    const soft = backend.kernel('augment.soft_targets', softTargetsCpuKernel, N * classes);
    targets = backend.wrap(soft(perm.host, lambda.host, labels.host, classes) as Float32Array, [N, classes]);
  }
  perm.dispose();
  lambda.dispose();
  // A partner of weight 0 (lambda 1: the clip left as it is) adds no frames.
  return { features: mixed, frames: frames.map((n, c) => (plan.lambda[c] === 1 ? n : Math.max(n, frames[plan.perm[c]]))), targets };
}

const mixupCpuKernel: CpuKernelFunction = function (perm: number[], lambda: number[], x: number[], width: number) {
  const i = this.thread.x;
  const c = Math.floor(i / width);
  const l = lambda[c];
  return l * x[i] + (1 - l) * x[perm[c] * width + (i - c * width)];
};

const softTargetsCpuKernel: CpuKernelFunction = function (perm: number[], lambda: number[], labels: number[], K: number) {
  const i = this.thread.x;
  const c = Math.floor(i / K);
  const k = i - c * K;
  const l = lambda[c];
  return (labels[c] === k ? l : 0) + (labels[perm[c]] === k ? 1 - l : 0);
};

/** Float64 reference: mixed features [N * S] and targets [N * K]. */
export function mixupReference(x: ArrayLike<number>, N: number, labels: ArrayLike<number>, classes: number, plan: MixupPlan): { features: Float64Array; targets: Float64Array } {
  const S = x.length / N;
  const features = new Float64Array(x.length);
  const targets = new Float64Array(N * classes);
  for (let c = 0; c < N; c++) {
    const l = plan.lambda[c];
    const p = plan.perm[c];
    for (let s = 0; s < S; s++) features[c * S + s] = l * x[c * S + s] + (1 - l) * x[p * S + s];
    targets[c * classes + labels[c]] += l;
    targets[c * classes + labels[p]] += 1 - l;
  }
  return { features, targets };
}
