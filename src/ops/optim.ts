// Optimisers as GPU kernels (shaders/optim.wgsl; gpu.js kernels on the CPU backend): torch.optim.SGD,
// Adam and AdamW with clip_grad_norm_-style global clipping and lr schedules. step() records kernels
// only: the step counter, lr, clip scale, bias corrections and the non-finite flag live in a GPU buffer (`ctl`).
import type { Backend, CpuBackend, CpuKernelFunction } from '../backend/types.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import { grid1d, groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

export interface ParamSlot {
  param: Tensor;
  grad: Tensor;
}

export interface SgdConfig {
  kind: 'sgd';
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  dampening?: number;
}

/** Defaults as torch: betas (0.9, 0.999), eps 1e-8, weight decay 0 (adam) or 0.01 (adamw). */
export interface AdamConfig {
  kind: 'adam' | 'adamw';
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/**
 * The lr of step t (1-based) is the schedule at epoch e = t - 1, as torch's scheduler.step() after each
 * optimizer.step(). step: StepLR, lr·gamma^⌊e/stepSize⌋. cosine: CosineAnnealingLR, minLr + (lr - minLr)
 * (1 + cos(π e / totalSteps)) / 2 (periodic past totalSteps, as torch). warmup-cosine: lr·(e + 1)/warmupSteps
 * for e < warmupSteps, then minLr + (lr - minLr)(1 + cos(π p)) / 2 with p = min(1, (e - warmupSteps) /
 * max(1, totalSteps - warmupSteps)): minLr from totalSteps on.
 */
export type LrSchedule =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma: number }
  | { kind: 'cosine'; totalSteps: number; minLr?: number }
  | { kind: 'warmup-cosine'; warmupSteps: number; totalSteps: number; minLr?: number };

export interface OptimizerOptions {
  /** Global L2 norm bound over all gradients, as torch.nn.utils.clip_grad_norm_ (gradients are not modified). */
  clipGradNorm?: number;
  schedule?: LrSchedule;
  /**
   * Skip every step whose loss or global gradient norm is NaN or infinite, on the device: step(loss) sets a
   * flag (see nonFiniteFlag) and the updates leave parameters and optimizer state as they were. The step
   * count, and so the lr schedule and Adam's bias corrections, still advance: a skipped step is a step
   * without an update, as a batch that contributed nothing.
   */
  guard?: boolean;
}

/** Checkpoint state with torch's names: `step`, and per slot momentum_buffer or exp_avg + exp_avg_sq. */
export interface OptimizerState {
  step: number;
  slots: Record<string, Float32Array>[];
}

interface Hyper {
  kind: 'sgd' | 'adam' | 'adamw';
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

function resolve(config: SgdConfig | AdamConfig, opts: OptimizerOptions): Hyper {
  const h: Hyper =
    config.kind === 'sgd'
      ? { kind: 'sgd', lr: config.lr, momentum: config.momentum ?? 0, dampening: config.dampening ?? 0, nesterov: config.nesterov ?? false, weightDecay: config.weightDecay ?? 0, beta1: 0, beta2: 0, eps: 0 }
      : { kind: config.kind, lr: config.lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: config.weightDecay ?? (config.kind === 'adamw' ? 0.01 : 0), beta1: config.beta1 ?? 0.9, beta2: config.beta2 ?? 0.999, eps: config.eps ?? 1e-8 };
  const bad = (what: string) => new Error(`optimizer: ${what}`);
  if (!(h.lr >= 0) || !(h.weightDecay >= 0) || !(h.momentum >= 0)) throw bad('lr, weightDecay and momentum must be >= 0');
  if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) throw bad('nesterov needs momentum > 0 and zero dampening (as torch)');
  if (!(h.beta1 >= 0 && h.beta1 < 1 && h.beta2 >= 0 && h.beta2 < 1)) throw bad('betas must be in [0, 1)');
  if (opts.clipGradNorm !== undefined && !(opts.clipGradNorm > 0)) throw bad('clipGradNorm must be > 0');
  const s = opts.schedule;
  const isCount = (n: number, min: number) => Number.isInteger(n) && n >= min;
  if (s?.kind === 'step' && !(isCount(s.stepSize, 1) && s.gamma > 0)) throw bad('step schedule needs an integer stepSize >= 1 and gamma > 0');
  if (s?.kind === 'cosine' && !isCount(s.totalSteps, 1)) throw bad('cosine schedule needs an integer totalSteps >= 1');
  if (s?.kind === 'warmup-cosine' && !(isCount(s.warmupSteps, 0) && isCount(s.totalSteps, Math.max(1, s.warmupSteps)))) {
    throw bad('warmup-cosine schedule needs integers 0 <= warmupSteps <= totalSteps, totalSteps >= 1');
  }
  return h;
}

const SCHEDULE_CODE = { constant: 0, step: 1, cosine: 2, 'warmup-cosine': 3 } as const;
/** ctl: step, lr, clip scale, 1 - beta1^t, 1 - beta2^t, non-finite flag. */
const CTL = 6;
const FLAG = 5;
const WG = 256;
const MAX_PARTIALS_PER_SLOT = 64;

export class Optimizer {
  private readonly hyper: Hyper;
  private readonly schedule: LrSchedule;
  private readonly clip: number | undefined;
  private readonly guard: boolean;
  private readonly ctl: Tensor;
  /** Clipping's per-workgroup sums of squares: partialCounts[i] for slot i, after the previous slots'. */
  private readonly partials: Tensor;
  private readonly partialCounts: number[];
  /** Per slot: [] (plain SGD), [momentum_buffer] or [exp_avg, exp_avg_sq]. */
  private readonly state: Tensor[][];
  private steps = 0;

  constructor(
    private readonly backend: Backend,
    readonly slots: readonly ParamSlot[],
    config: SgdConfig | AdamConfig,
    opts: OptimizerOptions = {},
  ) {
    for (const { param, grad } of slots) {
      if (param.size !== grad.size) throw new Error(`optimizer: param [${param.shape}] and grad [${grad.shape}] differ in size`);
    }
    this.hyper = resolve(config, opts);
    this.schedule = opts.schedule ?? { kind: 'constant' };
    this.clip = opts.clipGradNorm;
    this.guard = opts.guard ?? false;
    this.ctl = backend.zeros([CTL]);
    const norm = this.clip !== undefined || this.guard;
    this.partialCounts = slots.map(({ grad }) => (norm ? Math.min(groups(grad.size, WG), MAX_PARTIALS_PER_SLOT) : 0));
    this.partials = backend.zeros([Math.max(1, this.partialCounts.reduce((a, b) => a + b, 0))]);
    const stateCount = this.hyper.kind === 'sgd' ? (this.hyper.momentum > 0 ? 1 : 0) : 2;
    this.state = slots.map(({ param }) => Array.from({ length: stateCount }, () => backend.zeros(param.shape)));
  }

  /** Steps recorded so far (torch's state['step']). */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * Records one step: [the gradient norm,] the scalars in ctl, [the non-finite flag from `loss` ([1], the
   * step's loss; required when guarding),] then every slot's update. Reads nothing back.
   */
  step(loss?: Tensor): void {
    if (this.guard && !loss) throw new Error('optimizer: a guarded step needs the loss');
    const backend = this.backend;
    if (backend.kind === 'webgpu') this.recordWebGpu(backend.runtime, loss);
    else this.runCpu(backend, loss);
    this.steps++;
  }

  /** Where the last guarded step's flag is: element `index` of `tensor` (1: skipped, 0: applied). */
  get nonFiniteFlag(): { tensor: Tensor; index: number } {
    return { tensor: this.ctl, index: FLAG };
  }

  /**
   * Records `dst = backup` where the last step was skipped, for tensors a step changes outside the optimizer
   * (batchnorm running statistics, counters): the caller copied them into `backup` before the step.
   */
  revertIfSkipped(dst: Tensor, backup: Tensor): void {
    if (dst.size !== backup.size) throw new Error(`optimizer: revert of [${dst.shape}] from [${backup.shape}]`);
    const backend = this.backend;
    if (backend.kind === 'webgpu') {
      backend.runtime.run({ shader: 'optim', entry: 'revert', constants: { WG }, uniforms: [dst.size], buffers: [this.ctl.buffer, dst.buffer, backup.buffer], workgroups: grid1d(dst.size, WG) });
    } else if (this.ctl.host[FLAG] !== 0) {
      dst.host.set(backup.host);
    }
  }

  private get stateNames(): string[] {
    return this.hyper.kind === 'sgd' ? (this.hyper.momentum > 0 ? ['momentum_buffer'] : []) : ['exp_avg', 'exp_avg_sq'];
  }

  async exportState(): Promise<OptimizerState> {
    const slots = [];
    for (const tensors of this.state) {
      const entry: Record<string, Float32Array> = {};
      for (const [k, name] of this.stateNames.entries()) entry[name] = (await tensors[k].read()) as Float32Array;
      slots.push(entry);
    }
    return { step: this.steps, slots };
  }

  /** Restores exportState()'s result (uploads recorded in stream order; nothing is read back). */
  importState(state: OptimizerState): void {
    if (!Number.isInteger(state.step) || state.step < 0 || state.slots.length !== this.slots.length) {
      throw new Error(`optimizer: state has step ${state.step} and ${state.slots.length} slots, expected ${this.slots.length}`);
    }
    const write = (t: Tensor, data: Float32Array) => {
      if (data.length !== t.size) throw new Error(`optimizer: state tensor of ${data.length} values for [${t.shape}]`);
      if (this.backend.kind === 'webgpu') this.backend.runtime.upload(t.buffer, data);
      else t.host.set(data);
    };
    state.slots.forEach((entry, i) =>
      this.stateNames.forEach((name, k) => {
        if (!entry[name]) throw new Error(`optimizer: slot ${i} of the state has no ${name}`);
        write(this.state[i][k], entry[name]);
      }),
    );
    // lr and scale are recomputed by the next step; the bias corrections continue from step t, replayed
    // through the same f32 recurrence c_t = (1 - beta) + beta c_{t-1} as the prepare kernel, so a resumed run
    // is bit-identical to an uninterrupted one (1 - beta^t in float64 differs in the last bits).
    const { beta1, beta2 } = this.hyper;
    const a = this.prepareArgs();
    write(this.ctl, Float32Array.of(state.step, 0, 0, ...[[beta1, a.oneMinusBeta1], [beta2, a.oneMinusBeta2]].map(([b, omb]) => this.biasCorrection(b, omb, state.step)), 0));
    this.steps = state.step;
  }

  /**
   * c_t after `steps` prepare steps from c_0 = 0, rounded as the backend's prepare does: WGSL reads beta and
   * 1 - beta as f32 uniforms and rounds the product and the sum to f32 (lavapipe does not fuse them into an fma;
   * test/ops/optim.test.ts checks it); gpu.js computes in float64 from the unrounded constants and rounds once,
   * into the f32 ctl tensor.
   */
  private biasCorrection(beta: number, oneMinusBeta: number, steps: number): number {
    const f = Math.fround;
    let c = 0;
    for (let t = 0; t < steps; t++) {
      c = this.backend.kind === 'webgpu' ? f(f(oneMinusBeta) + f(f(beta) * c)) : f(oneMinusBeta + beta * c);
    }
    return c;
  }

  dispose(): void {
    for (const t of [this.ctl, this.partials, ...this.state.flat()]) t.dispose();
  }

  /** Fields of the prepare kernel's uniform struct (and the gpu.js prepare kernel's arguments). */
  private prepareArgs() {
    const s = this.schedule;
    const h = this.hyper;
    return {
      minLr: s.kind === 'cosine' || s.kind === 'warmup-cosine' ? (s.minLr ?? 0) : 0,
      gamma: s.kind === 'step' ? s.gamma : 1,
      stepSize: s.kind === 'step' ? s.stepSize : 1,
      warmup: s.kind === 'warmup-cosine' ? s.warmupSteps : 0,
      total: s.kind === 'cosine' || s.kind === 'warmup-cosine' ? s.totalSteps : 1,
      // (1 - beta) in double, then rounded: 1 - beta2 in f32 keeps ~15 of 24 bits for beta2 = 0.999.
      oneMinusBeta1: 1 - h.beta1,
      oneMinusBeta2: 1 - h.beta2,
    };
  }

  private recordWebGpu(runtime: GpuRuntime, loss: Tensor | undefined): void {
    const h = this.hyper;
    const clip = this.clip !== undefined;
    let offset = 0;
    if (clip || this.guard) {
      this.slots.forEach(({ grad }, i) => {
        runtime.run({
          shader: 'optim',
          entry: 'sum_squares',
          constants: { WG },
          uniforms: [grad.size, offset],
          buffers: [grad.buffer, this.partials.buffer],
          workgroups: [this.partialCounts[i]],
        });
        offset += this.partialCounts[i];
      });
    }
    const a = this.prepareArgs();
    runtime.run({
      shader: 'optim',
      entry: 'prepare',
      constants: { WG, CLIP: Number(clip), SCHEDULE: SCHEDULE_CODE[this.schedule.kind] },
      uniforms: [
        offset, { f32: h.lr }, { f32: a.minLr }, { f32: a.gamma }, a.stepSize, a.warmup, a.total, { f32: this.clip ?? 0 },
        { f32: h.beta1 }, { f32: h.beta2 }, { f32: a.oneMinusBeta1 }, { f32: a.oneMinusBeta2 },
      ],
      buffers: [this.ctl.buffer, this.partials.buffer],
      workgroups: [1],
    });
    if (this.guard) {
      runtime.run({ shader: 'optim', entry: 'guard', constants: { WG }, uniforms: [offset], buffers: [this.ctl.buffer, this.partials.buffer, loss!.buffer], workgroups: [1] });
    }
    this.slots.forEach(({ param, grad }, i) => {
      const state = this.state[i].map((t) => t.buffer);
      const common = { shader: 'optim', buffers: [this.ctl.buffer, param.buffer, grad.buffer, ...state], workgroups: grid1d(param.size, WG) };
      if (h.kind !== 'sgd') {
        const uniforms = [param.size, { f32: h.weightDecay }, { f32: h.beta2 }, { f32: a.oneMinusBeta1 }, { f32: a.oneMinusBeta2 }, { f32: h.eps }];
        runtime.run({ ...common, entry: 'adam', constants: { WG, DECOUPLED: Number(h.kind === 'adamw') }, uniforms });
        return;
      }
      const uniforms = [param.size, { f32: h.weightDecay }, { f32: h.momentum }, { f32: 1 - h.dampening }];
      if (h.momentum > 0) runtime.run({ ...common, entry: 'sgd_momentum', constants: { WG, NESTEROV: Number(h.nesterov) }, uniforms });
      else runtime.run({ ...common, entry: 'sgd', constants: { WG }, uniforms });
    });
  }

  /** The same steps as gpu.js kernels; each kernel's result is written back into its tensor in place. */
  private runCpu(backend: CpuBackend, loss: Tensor | undefined): void {
    const h = this.hyper;
    const clip = this.clip !== undefined;
    const norm = clip || this.guard;
    const sums = this.slots.map(({ grad }) => (norm ? (backend.kernel('optim.sum_squares', sumSquaresCpu, 1)(grad.host, grad.size) as Float32Array)[0] : 0));
    const a = this.prepareArgs();
    const ctl = this.ctl.host;
    ctl.set(
      backend.kernel('optim.prepare', prepareCpu, CTL)(
        ctl, Float32Array.from(sums), sums.length, Number(clip), SCHEDULE_CODE[this.schedule.kind], h.lr, a.minLr, a.gamma,
        a.stepSize, a.warmup, a.total, this.clip ?? 0, h.beta1, h.beta2, a.oneMinusBeta1, a.oneMinusBeta2,
        Number(this.guard), loss ? loss.host[0] : 0,
      ) as Float32Array,
    );
    this.slots.forEach(({ param, grad }, i) => {
      const n = param.size;
      const [p, g] = [param.host, grad.host];
      const run = (key: string, fn: CpuKernelFunction, ...args: unknown[]) => backend.kernel(`optim.${key}`, fn, n)(...(args as number[])) as Float32Array;
      if (h.kind !== 'sgd') {
        const [m, v] = this.state[i].map((t) => t.host);
        const decoupled = Number(h.kind === 'adamw');
        m.set(run('adam_m', adamMCpu, p, g, m, ctl, h.weightDecay, decoupled, a.oneMinusBeta1));
        v.set(run('adam_v', adamVCpu, p, g, v, ctl, h.weightDecay, decoupled, h.beta2, a.oneMinusBeta2));
        p.set(run('adam', adamCpu, p, m, v, ctl, h.weightDecay, decoupled, h.eps));
      } else if (h.momentum > 0) {
        const buf = this.state[i][0].host;
        buf.set(run('momentum_buffer', momentumBufferCpu, p, g, buf, ctl, h.weightDecay, h.momentum, 1 - h.dampening));
        p.set(run('sgd_momentum', sgdMomentumCpu, p, g, buf, ctl, h.weightDecay, h.momentum, Number(h.nesterov)));
      } else {
        p.set(run('sgd', sgdCpu, p, g, ctl, h.weightDecay));
      }
    });
  }
}

// gpu.js kernels: ctl is the prepared [step, lr, scale, 1 - beta1^t, 1 - beta2^t]; `this.thread.x` the element.
const sumSquaresCpu: CpuKernelFunction = function (g: number[], n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += g[i] * g[i];
  return sum;
};

const prepareCpu: CpuKernelFunction = function (
  ctl: number[], sums: number[], nSums: number, clip: number, schedule: number, baseLr: number, minLr: number, gamma: number,
  stepSize: number, warmup: number, total: number, maxNorm: number, beta1: number, beta2: number, omb1: number, omb2: number,
  guard: number, loss: number,
) {
  const field = this.thread.x;
  const t = ctl[0] + 1;
  const e = t - 1;
  let value = t;
  if (field === 1) {
    value = baseLr;
    if (schedule === 1) value = baseLr * Math.pow(gamma, Math.floor(e / stepSize));
    if (schedule === 2) value = minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos((Math.PI * (e % (2 * total))) / total));
    if (schedule === 3) {
      const progress = Math.min(1, (e - warmup) / Math.max(1, total - warmup));
      value = e < warmup ? (baseLr * (e + 1)) / warmup : minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
  if (field === 2) {
    let sum = 0;
    for (let i = 0; i < nSums; i++) sum += sums[i];
    value = clip > 0 ? Math.min(1, maxNorm / (Math.sqrt(sum) + 1e-6)) : 1;
  }
  if (field === 3) value = omb1 + beta1 * ctl[3];
  if (field === 4) value = omb2 + beta2 * ctl[4];
  if (field === 5) {
    let sum = 0;
    for (let i = 0; i < nSums; i++) sum += sums[i];
    // x - x is 0 exactly for finite x, NaN for NaN and ±Inf.
    value = guard > 0 && !(loss - loss === 0 && sum - sum === 0) ? 1 : 0;
  }
  return value;
};

const sgdCpu: CpuKernelFunction = function (p: number[], g: number[], ctl: number[], wd: number) {
  const i = this.thread.x;
  if (ctl[5] !== 0) return p[i];
  return p[i] - ctl[1] * (g[i] * ctl[2] + wd * p[i]);
};

const momentumBufferCpu: CpuKernelFunction = function (p: number[], g: number[], buf: number[], ctl: number[], wd: number, momentum: number, omd: number) {
  const i = this.thread.x;
  if (ctl[5] !== 0) return buf[i];
  const grad = g[i] * ctl[2] + wd * p[i];
  return ctl[0] > 1 ? momentum * buf[i] + omd * grad : grad;
};

const sgdMomentumCpu: CpuKernelFunction = function (p: number[], g: number[], buf: number[], ctl: number[], wd: number, momentum: number, nesterov: number) {
  const i = this.thread.x;
  if (ctl[5] !== 0) return p[i];
  const grad = g[i] * ctl[2] + wd * p[i];
  return p[i] - ctl[1] * (nesterov > 0 ? grad + momentum * buf[i] : buf[i]);
};

const adamMCpu: CpuKernelFunction = function (p: number[], g: number[], m: number[], ctl: number[], wd: number, decoupled: number, omb1: number) {
  const i = this.thread.x;
  if (ctl[5] !== 0) return m[i];
  const grad = g[i] * ctl[2] + (decoupled > 0 ? 0 : wd * p[i]);
  return m[i] + omb1 * (grad - m[i]);
};

const adamVCpu: CpuKernelFunction = function (p: number[], g: number[], v: number[], ctl: number[], wd: number, decoupled: number, beta2: number, omb2: number) {
  const i = this.thread.x;
  if (ctl[5] !== 0) return v[i];
  const grad = g[i] * ctl[2] + (decoupled > 0 ? 0 : wd * p[i]);
  return beta2 * v[i] + omb2 * grad * grad;
};

const adamCpu: CpuKernelFunction = function (p: number[], m: number[], v: number[], ctl: number[], wd: number, decoupled: number, eps: number) {
  const i = this.thread.x;
  if (ctl[5] !== 0) return p[i];
  const lr = ctl[1];
  const decayed = decoupled > 0 ? p[i] * (1 - lr * wd) : p[i];
  return decayed - ((lr / ctl[3]) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(ctl[4]) + eps);
};

/** lr after `epoch` scheduler steps, in float64 (the formulas of LrSchedule). */
export function scheduledLr(schedule: LrSchedule, baseLr: number, epoch: number): number {
  const cosine = (minLr: number, x: number) => minLr + ((baseLr - minLr) * (1 + Math.cos(Math.PI * x))) / 2;
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * schedule.gamma ** Math.floor(epoch / schedule.stepSize);
    case 'cosine':
      return cosine(schedule.minLr ?? 0, epoch / schedule.totalSteps);
    case 'warmup-cosine': {
      const { warmupSteps: w, totalSteps: t } = schedule;
      return epoch < w ? (baseLr * (epoch + 1)) / w : cosine(schedule.minLr ?? 0, Math.min(1, (epoch - w) / Math.max(1, t - w)));
    }
  }
}

/** Float64 reference of the optimiser: torch's update rules as plain loops over host arrays. */
export class OptimizerReference {
  readonly params: Float64Array[];
  private readonly hyper: Hyper;
  private readonly buffers: Float64Array[][];
  private t = 0;

  constructor(
    params: ArrayLike<number>[],
    config: SgdConfig | AdamConfig,
    private readonly opts: OptimizerOptions = {},
  ) {
    this.hyper = resolve(config, opts);
    this.params = params.map((p) => Float64Array.from(p));
    this.buffers = this.params.map((p) => [new Float64Array(p.length), new Float64Array(p.length)]);
  }

  step(grads: ArrayLike<number>[]): void {
    const h = this.hyper;
    this.t++;
    const lr = scheduledLr(this.opts.schedule ?? { kind: 'constant' }, h.lr, this.t - 1);
    let scale = 1;
    if (this.opts.clipGradNorm !== undefined) {
      const norm = Math.sqrt(grads.reduce((s, g) => s + Array.from(g).reduce((a, v) => a + v * v, 0), 0));
      scale = Math.min(1, this.opts.clipGradNorm / (norm + 1e-6));
    }
    this.params.forEach((p, j) => {
      const [a, b] = this.buffers[j];
      for (let i = 0; i < p.length; i++) {
        let g = grads[j][i] * scale;
        if (h.kind === 'adamw') p[i] *= 1 - lr * h.weightDecay;
        else g += h.weightDecay * p[i];
        if (h.kind === 'sgd') {
          if (h.momentum > 0) {
            a[i] = this.t === 1 ? g : h.momentum * a[i] + (1 - h.dampening) * g;
            g = h.nesterov ? g + h.momentum * a[i] : a[i];
          }
          p[i] -= lr * g;
        } else {
          a[i] = h.beta1 * a[i] + (1 - h.beta1) * g;
          b[i] = h.beta2 * b[i] + (1 - h.beta2) * g * g;
          const mHat = a[i] / (1 - h.beta1 ** this.t);
          const vHat = b[i] / (1 - h.beta2 ** this.t);
          p[i] -= (lr * mHat) / (Math.sqrt(vHat) + h.eps);
        }
      }
    });
  }
}
