// Conv2d (NCHW, groups = 1) forward and backward as implicit GEMMs: shaders/conv2d.wgsl (forward and
// backward-input) and shaders/conv2d_backward.wgsl (weight and bias gradients) on WebGPU, gpu.js kernels on
// the CPU backend, and float64 references written as direct loops.
import type { Backend, CpuKernelFunction, WebGpuBackend } from '../backend/types.js';
import type { AdapterReport } from '../gpu/device.js';
import { grid1d, groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

export interface Conv2dParams {
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
}

export type Conv2dActivation = 'none' | 'relu';
export type Conv2dPass = 'forward' | 'backwardInput' | 'backwardWeight';
/**
 * The forward / backward-input kernels: register tiles over a padded, vec4-aligned copy of the source or over
 * the source as it is (software adapters), or workgroup-memory tiles (GPUs).
 */
export type Conv2dKernel = 'padded' | 'registers' | 'workgroup';

export interface Conv2dOptions {
  /** Overrides the adapter's choice of kernel, so tests and benchmarks can run each kernel on one adapter. */
  kernel?: Conv2dKernel;
}

/** Every size of one convolution: input [N, C, H, W], weight [O, C, KH, KW], output [N, O, OH, OW]. */
export interface Conv2dGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  KH: number;
  KW: number;
  OH: number;
  OW: number;
  p: Conv2dParams;
}

export function conv2dOutputShape(input: readonly number[], weight: readonly number[], p: Conv2dParams): number[] {
  const g = conv2dGeometry(input, weight, p);
  return [g.N, g.O, g.OH, g.OW];
}

export function conv2dGeometry(input: readonly number[], weight: readonly number[], p: Conv2dParams): Conv2dGeometry {
  if (input.length !== 4 || weight.length !== 4) throw new Error(`conv2d: input [${input}] and weight [${weight}] must be 4-D (NCHW, OIHW)`);
  const [N, C, H, W] = input;
  const [O, CW, KH, KW] = weight;
  if (C !== CW) throw new Error(`conv2d: input has ${C} channels, weight [${weight}] expects ${CW} (groups = 1)`);
  for (const [name, v, min] of [['stride', p.strideH, 1], ['stride', p.strideW, 1], ['dilation', p.dilationH, 1], ['dilation', p.dilationW, 1], ['padding', p.padH, 0], ['padding', p.padW, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`conv2d: ${name} ${v} must be an integer >= ${min}`);
  }
  const OH = Math.floor((H + 2 * p.padH - p.dilationH * (KH - 1) - 1) / p.strideH) + 1;
  const OW = Math.floor((W + 2 * p.padW - p.dilationW * (KW - 1) - 1) / p.strideW) + 1;
  if (OH < 1 || OW < 1) throw new Error(`conv2d: input [${input}] is smaller than the dilated kernel [${weight}] with padding ${p.padH},${p.padW}`);
  return { N, C, H, W, O, KH, KW, OH, OW, p };
}

/** How one pass runs on one adapter: the kernel's override constants and a name for benchmarks. */
export interface Conv2dTiling {
  name: string;
  entry: string;
  constants: Record<string, number>;
  /** Weight gradient: (n, oh) rows per split-K chunk. */
  rowsPerChunk?: number;
}

/**
 * Chooses the kernel and tile sizes. Software adapters (lavapipe) get register tiles without workgroup
 * memory (barriers cost a coroutine switch per invocation there): over a padded copy of the source read as
 * vec4 windows where the pass allows (forward, stride-1 backward-input), else over the source with bounds
 * checks. Real GPUs, and adapters whose subgroups may be narrower than the register kernels' 8 weight lanes
 * (SwiftShader: 4), get 64x64 workgroup tiles. The weight gradient uses a split-K subgroup kernel, over padded
 * copies read as vec4 runs on software adapters at stride 1, else over the tensors as they are, with the split
 * sized to give every core (or SM) several workgroups. `kernel` overrides the forward / backward-input choice.
 */
export function conv2dTiling(report: AdapterReport, pass: Conv2dPass, g: Conv2dGeometry, kernel?: Conv2dKernel): Conv2dTiling {
  const { strideH: SH, strideW: SW, dilationH: DH, dilationW: DW } = g.p;
  const shape = { KH: g.KH, KW: g.KW, SH, SW, DH, DW };
  if (pass === 'backwardWeight') {
    const taps = g.C * g.KH * g.KW;
    const TO = Math.min(4, Math.max(1, Math.floor(g.O / 8)));
    const WG = Math.min(64, roundUp(Math.ceil(g.O / TO), 8));
    const rows = g.N * g.OH;
    const target = report.isSoftware ? 32 : 512;
    const chunking = (tapBlocks: number) => {
      const blocks = tapBlocks * Math.ceil(g.O / (WG * TO));
      const rowsPerChunk = Math.ceil(rows / Math.min(rows, Math.max(1, Math.ceil(target / blocks))));
      return { rowsPerChunk, chunks: Math.ceil(rows / rowsPerChunk) };
    };
    const WINQ = paddedWeightWindow(g);
    if (report.isSoftware && WINQ) {
      const { rowsPerChunk, chunks } = chunking(Math.ceil((g.C * g.KH) / WEIGHT_TAP_ROWS));
      return { name: `padded splitK(${chunks}) TO=${TO} tap rows=${WEIGHT_TAP_ROWS} WG=${WG}`, entry: 'weight_grad_padded', constants: { KH: g.KH, KW: g.KW, DH, DW, WG, TO, WINQ }, rowsPerChunk };
    }
    // 24 taps x up to 4 channels per invocation measured best on lavapipe (16 or 32 taps: 0.8-0.9x the GFLOP/s).
    const TG = Math.min(3, Math.ceil(taps / 8));
    const { rowsPerChunk, chunks } = chunking(Math.ceil(taps / (8 * TG)));
    return { name: `splitK(${chunks}) TO=${TO} taps=${8 * TG} WG=${WG}`, entry: 'weight_grad', constants: { ...shape, WG, TO, TG }, rowsPerChunk };
  }
  const transposed = pass === 'backwardInput';
  const gridW = transposed ? Math.ceil(g.W / SW) : g.OW;
  const gridH = transposed ? Math.ceil(g.H / SH) : g.OH;
  const narrowSubgroups = report.subgroupMinSize < SUBGROUP_LANES;
  const choice = kernel ?? (!report.isSoftware || narrowSubgroups ? 'workgroup' : paddedWindow(pass, g, gridW) ? 'padded' : 'registers');
  if (choice === 'workgroup') return { name: 'workgroup 64x64x16, 4x4 per invocation', entry: 'gemm_workgroup', constants: { ...shape, TRANSPOSED: Number(transposed) } };
  if (choice === 'padded') {
    const window = paddedWindow(pass, g, gridW);
    if (!window) throw new Error(`conv2d: no padded-window kernel for this ${pass} pass (strided backward, a kernel over ${PADDED_KW_MAX} columns or a window over ${4 * WINQ_MAX})`);
    const WG = Math.min(64, roundUp(g.N * gridH * Math.ceil(gridW / window.TM), 8));
    // 16 output channels per window where there are that many (a window load costs ~4 weight loads there).
    const TNQ = (transposed ? g.C : g.O) >= 16 ? 4 : 2;
    return { name: `padded vec4 windows ${window.TM}x${4 * TNQ} WG=${WG}`, entry: 'gemm_padded', constants: { ...shape, FLIP: Number(transposed), ...window, TNQ, WG } };
  }
  // Runs of TM consecutive output pixels per invocation, balanced so the last run of a row is not mostly empty.
  const TM = Math.ceil(gridW / Math.ceil(gridW / 8));
  const WG = Math.min(64, roundUp(gridH * Math.ceil(gridW / TM), 8));
  return { name: `registers ${TM}x8 WG=${WG}`, entry: 'gemm_registers', constants: { ...shape, TRANSPOSED: Number(transposed), TM, WG } };
}

const WINQ_MAX = 8;
/** The widest kernel of gemm_padded and weight_grad_padded (their per-row arrays of taps, KW_MAX in the shaders). */
const PADDED_KW_MAX = 5;

/**
 * Run length TM (a multiple of 4, so runs start on a vec4) and vec4s per window row for gemm_padded, or null
 * where it does not apply: strided backward-input, whose taps depend on the stride phase, or too wide a kernel
 * or window.
 * The run that computes a padded row fastest: longer runs load and broadcast less per FMA (GFLOP/s measured on
 * lavapipe, relative to runs of 8: RUN_SPEED; runs of 16 or 24 were no faster there), shorter ones pad less.
 */
function paddedWindow(pass: Conv2dPass, g: Conv2dGeometry, gridW: number): { TM: number; WINQ: number } | null {
  if ((pass === 'backwardInput' && (g.p.strideH > 1 || g.p.strideW > 1)) || g.KW > PADDED_KW_MAX) return null;
  const cost = (TM: number) => (Math.ceil(gridW / TM) * TM) / RUN_SPEED[TM];
  const windows = [12, 8, 4]
    .map((TM) => ({ TM, WINQ: Math.ceil(((TM - 1) * g.p.strideW + (g.KW - 1) * g.p.dilationW + 1) / 4) }))
    .filter((w) => w.WINQ <= WINQ_MAX);
  return windows.reduce<{ TM: number; WINQ: number } | null>((best, w) => (!best || cost(w.TM) < cost(best.TM) ? w : best), null);
}

const RUN_SPEED: Record<number, number> = { 12: 1.07, 8: 1, 4: 0.62 };

/** weight_grad_padded's (c, kh) rows of taps per workgroup (shaders/conv2d_backward.wgsl). */
const WEIGHT_TAP_ROWS = 8;

/**
 * vec4s of x that weight_grad_padded reads per tap row and run of 4 output pixels, or null where it does not
 * apply: strides (its runs are 4 consecutive input columns), kernels over 5 columns, windows past the two
 * vec4s each lane loads, or fewer (c, kh) rows than a workgroup's (one input channel: 2x slower than weight_grad).
 */
function paddedWeightWindow(g: Conv2dGeometry): number | null {
  const WINQ = Math.ceil((4 + (g.KW - 1) * g.p.dilationW) / 4);
  const fits = g.p.strideH === 1 && g.p.strideW === 1 && g.KW <= PADDED_KW_MAX && WEIGHT_TAP_ROWS * WINQ <= 16 && g.C * g.KH >= WEIGHT_TAP_ROWS;
  return fits ? WINQ : null;
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** Lanes the register and split-K kernels share weights or inputs across, with subgroupBroadcast. */
const SUBGROUP_LANES = 8;

/**
 * The shaders enable the 'subgroups' feature; every kernel but gemm_workgroup also needs subgroups of
 * SUBGROUP_LANES or more (`lanes`).
 */
function checkSubgroups(backend: WebGpuBackend, lanes: boolean): void {
  const minSize = backend.runtime.report.subgroupMinSize;
  if (!backend.runtime.device.features.has('subgroups') || (lanes && minSize < SUBGROUP_LANES)) {
    throw new Error(`conv2d: the WebGPU kernels need the 'subgroups' feature${lanes ? ` with subgroups of >= ${SUBGROUP_LANES} lanes` : ''} (this adapter: ${minSize || 'none'}); use --backend cpu`);
  }
}

function expectShape(t: Tensor, shape: readonly number[], what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) throw new Error(`conv2d: ${what} is [${t.shape}], expected [${shape}]`);
}

export function conv2dForward(
  backend: Backend, x: Tensor, w: Tensor, bias: Tensor | null, p: Conv2dParams, activation: Conv2dActivation = 'none', options: Conv2dOptions = {},
): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, p);
  if (bias) expectShape(bias, [g.O], 'bias');
  const outShape = [g.N, g.O, g.OH, g.OW];
  const relu = Number(activation === 'relu');
  if (backend.kind === 'webgpu') {
    const out = backend.empty(outShape);
    // The bias binding must hold some buffer; without HAS_BIAS the kernel never reads it.
    gemm(backend, 'forward', g, x, w, bias ?? w, out, { HAS_BIAS: Number(bias !== null), RELU: relu }, options.kernel);
    return out;
  }
  const kernel = backend.kernel('conv2d.forward', forwardCpuKernel, g.N * g.O * g.OH * g.OW);
  const b = bias ? bias.host : new Float32Array(1);
  const result = kernel(x.host, w.host, b, g.C, g.H, g.W, g.O, g.KH, g.KW, g.OH, g.OW, p.strideH, p.strideW, p.padH, p.padW, p.dilationH, p.dilationW, Number(bias !== null), relu);
  return backend.wrap(result as Float32Array, outShape);
}

export function conv2dBackwardInput(backend: Backend, dy: Tensor, w: Tensor, p: Conv2dParams, inputShape: readonly number[], options: Conv2dOptions = {}): Tensor {
  const g = conv2dGeometry(inputShape, w.shape, p);
  expectShape(dy, [g.N, g.O, g.OH, g.OW], 'dy');
  if (backend.kind === 'webgpu') {
    const dx = backend.empty(inputShape);
    gemm(backend, 'backwardInput', g, dy, w, w, dx, {}, options.kernel);
    return dx;
  }
  const kernel = backend.kernel('conv2d.backwardInput', backwardInputCpuKernel, g.N * g.C * g.H * g.W);
  const result = kernel(dy.host, w.host, g.C, g.H, g.W, g.O, g.KH, g.KW, g.OH, g.OW, p.strideH, p.strideW, p.padH, p.padW, p.dilationH, p.dilationW);
  return backend.wrap(result as Float32Array, inputShape);
}

/** Records the implicit GEMM of shaders/conv2d.wgsl: forward (x -> y) or backward-input (dy -> dx). */
function gemm(
  backend: WebGpuBackend, pass: 'forward' | 'backwardInput', g: Conv2dGeometry, src: Tensor, w: Tensor, bias: Tensor, out: Tensor,
  flags: Record<string, number>, kernel?: Conv2dKernel,
): void {
  const tiling = conv2dTiling(backend.runtime.report, pass, g, kernel);
  checkSubgroups(backend, tiling.entry !== 'gemm_workgroup');
  const c = tiling.constants;
  const { strideH: SH, strideW: SW, padH, padW, dilationH: DH, dilationW: DW } = g.p;
  const forward = pass === 'forward';
  const [CI, CO, srcH, srcW, outH, outW] = forward ? [g.C, g.O, g.H, g.W, g.OH, g.OW] : [g.O, g.C, g.OH, g.OW, g.H, g.W];
  const taps = g.KH * g.KW;
  const [wsCI, wsCO] = forward ? [taps, g.C * taps] : [g.C * taps, taps];
  const run = (entry: string, source: Tensor, uniforms: number[], workgroups: [number, number, number]) =>
    backend.runtime.run({ shader: 'conv2d', entry, constants: { ...c, ...flags }, uniforms, buffers: [source.buffer, w.buffer, bias.buffer, out.buffer], workgroups });

  if (tiling.entry === 'gemm_padded') {
    // Forward pads by the convolution's padding; backward (stride 1) by the flipped kernel's reach.
    const [top, left] = forward ? [padH, padW] : [(g.KH - 1) * DH - padH, (g.KW - 1) * DW - padW];
    const Hp = forward ? g.H + 2 * padH : g.H + (g.KH - 1) * DH;
    const runsPerRow = Math.ceil(outW / c.TM);
    const Wp = (runsPerRow - 1) * c.TM * SW + 4 * c.WINQ;
    const padded = padSource(backend, src, [g.N, CI, srcH, srcW], Hp, Wp, top, left);
    const [x, z] = grid1d(g.N * outH * runsPerRow, c.WG);
    run('gemm_padded', padded, [CI, CO, Hp, Wp, outH, outW, outH, outW, 0, 0, wsCI, wsCO, 1, g.N], [x, groups(CO, 4 * c.TNQ), z]);
    padded.dispose();
    return;
  }
  const [gridH, gridW, phases] = forward ? [g.OH, g.OW, 1] : [Math.ceil(g.H / SH), Math.ceil(g.W / SW), SH * SW];
  const workgroups: [number, number, number] =
    tiling.entry === 'gemm_registers'
      ? [groups(gridH * Math.ceil(gridW / c.TM), c.WG), groups(CO, 8), g.N * phases]
      : [groups(gridH * gridW, 64), groups(CO, 64), g.N * phases];
  run(tiling.entry, src, [CI, CO, srcH, srcW, outH, outW, gridH, gridW, padH, padW, wsCI, wsCO, phases], workgroups);
}

/** A zero-padded copy [N, C, Hp, Wp] of src [N, C, H, W]: padded (r, q) = src (r - top, q - left). */
function padSource(backend: WebGpuBackend, src: Tensor, [N, C, H, W]: readonly number[], Hp: number, Wp: number, top: number, left: number): Tensor {
  const padded = backend.empty([N, C, Hp, Wp]);
  const WG = 64;
  const rows = N * C * Hp;
  backend.runtime.run({
    shader: 'conv2d',
    entry: 'pad_source',
    constants: { WG },
    uniforms: [H, W, Hp, Wp, { i32: top }, { i32: left }, rows],
    buffers: [src.buffer, padded.buffer],
    workgroups: grid1d(rows, WG),
  });
  return padded;
}

export function conv2dBackwardWeight(backend: Backend, x: Tensor, dy: Tensor, p: Conv2dParams, weightShape: readonly number[]): Tensor {
  const g = conv2dGeometry(x.shape, weightShape, p);
  expectShape(dy, [g.N, g.O, g.OH, g.OW], 'dy');
  const taps = g.C * g.KH * g.KW;
  if (backend.kind === 'webgpu') {
    checkSubgroups(backend, true);
    const tiling = conv2dTiling(backend.runtime.report, 'backwardWeight', g);
    const c = tiling.constants;
    const rows = g.N * g.OH;
    const rowsPerChunk = tiling.rowsPerChunk ?? rows;
    const chunks = Math.ceil(rows / rowsPerChunk);
    const run = (entry: string, uniforms: number[], sources: Tensor[], tapGroups: number) =>
      splitK(backend, weightShape, chunks, (partial) =>
        backend.runtime.run({
          shader: 'conv2d_backward',
          entry,
          constants: c,
          uniforms,
          buffers: [...sources.map((t) => t.buffer), partial.buffer],
          workgroups: [tapGroups, chunks, groups(g.O, c.WG * c.TO)],
        }),
      );
    if (tiling.entry === 'weight_grad_padded') {
      // Runs of 4 pixels: dy's rows padded with zeros to a multiple of 4, x's by the convolution's padding and
      // wide enough for the last run's window.
      const quadsDy = Math.ceil(g.OW / 4);
      const quadsX = quadsDy + c.WINQ - 1;
      const Hp = g.OH + (g.KH - 1) * p.dilationH;
      const xPadded = padSource(backend, x, x.shape, Hp, 4 * quadsX, p.padH, p.padW);
      const dyPadded = padSource(backend, dy, dy.shape, g.OH, 4 * quadsDy, 0, 0);
      const dw = run('weight_grad_padded', [g.C, g.O, Hp, quadsX, g.OH, quadsDy, rows, rowsPerChunk, g.C * g.KH], [xPadded, dyPadded], groups(g.C * g.KH, WEIGHT_TAP_ROWS));
      xPadded.dispose();
      dyPadded.dispose();
      return dw;
    }
    return run('weight_grad', [g.C, g.O, g.H, g.W, g.OH, g.OW, p.padH, p.padW, rows, rowsPerChunk, taps], [x, dy], groups(taps, 8 * c.TG));
  }
  const kernel = backend.kernel('conv2d.backwardWeight', backwardWeightCpuKernel, g.O * taps);
  const result = kernel(x.host, dy.host, g.N, g.C, g.H, g.W, g.O, g.KH, g.KW, g.OH, g.OW, p.strideH, p.strideW, p.padH, p.padW, p.dilationH, p.dilationW);
  return backend.wrap(result as Float32Array, weightShape);
}

export function conv2dBackwardBias(backend: Backend, dy: Tensor): Tensor {
  if (dy.shape.length !== 4) throw new Error(`conv2d: dy [${dy.shape}] must be 4-D`);
  const [N, O, OH, OW] = dy.shape;
  if (backend.kind === 'webgpu') {
    const WG = 64;
    const rows = N * OH;
    // Chunks of about 16k terms: enough workgroups to fill the adapter, few partial sums to add.
    const rowsPerChunk = Math.max(1, Math.floor(16384 / OW));
    const chunks = Math.ceil(rows / rowsPerChunk);
    return splitK(backend, [O], chunks, (partial) =>
      backend.runtime.run({
        shader: 'conv2d_backward',
        entry: 'bias_grad',
        constants: { WG },
        uniforms: [0, O, 0, 0, OH, OW, 0, 0, rows, rowsPerChunk, 0],
        buffers: [dy.buffer, partial.buffer],
        workgroups: [1, chunks, groups(O, WG)],
      }),
    );
  }
  const kernel = backend.kernel('conv2d.backwardBias', backwardBiasCpuKernel, O);
  return backend.wrap(kernel(dy.host, N, O, OH * OW) as Float32Array, [O]);
}

/** Runs `record` into per-chunk partial sums [chunks, ...shape] and adds them up (no second pass for one chunk). */
function splitK(backend: WebGpuBackend, shape: readonly number[], chunks: number, record: (partial: Tensor) => void): Tensor {
  const out = backend.empty(shape);
  if (chunks === 1) {
    record(out);
    return out;
  }
  const partial = backend.empty([chunks, ...shape]);
  record(partial);
  const WG = 64;
  backend.runtime.run({
    shader: 'conv2d_backward',
    entry: 'reduce_chunks',
    constants: { WG },
    uniforms: [out.size, chunks],
    buffers: [partial.buffer, out.buffer],
    workgroups: grid1d(out.size, WG),
  });
  // Later dispatches that reuse the pooled buffer are recorded after this one, so releasing it now is safe.
  partial.dispose();
  return out;
}

// gpu.js kernels: `this.thread.x` is the flat output index; the loops mirror the float64 references.
const forwardCpuKernel: CpuKernelFunction = function (
  x: number[], w: number[], b: number[],
  C: number, H: number, W: number, O: number, KH: number, KW: number, OH: number, OW: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, hasBias: number, relu: number,
) {
  const i = this.thread.x;
  const ow = i % OW;
  const oh = Math.floor(i / OW) % OH;
  const o = Math.floor(i / (OW * OH)) % O;
  const n = Math.floor(i / (OW * OH * O));
  let sum = 0;
  for (let c = 0; c < C; c++) {
    for (let kh = 0; kh < KH; kh++) {
      const ih = oh * sh - ph + kh * dh;
      if (ih >= 0 && ih < H) {
        for (let kw = 0; kw < KW; kw++) {
          const iw = ow * sw - pw + kw * dw;
          if (iw >= 0 && iw < W) sum += x[((n * C + c) * H + ih) * W + iw] * w[((o * C + c) * KH + kh) * KW + kw];
        }
      }
    }
  }
  if (hasBias > 0) sum += b[o];
  if (relu > 0 && sum < 0) sum = 0;
  return sum;
};

const backwardInputCpuKernel: CpuKernelFunction = function (
  dy: number[], w: number[],
  C: number, H: number, W: number, O: number, KH: number, KW: number, OH: number, OW: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number,
) {
  const i = this.thread.x;
  const iw = i % W;
  const ih = Math.floor(i / W) % H;
  const c = Math.floor(i / (W * H)) % C;
  const n = Math.floor(i / (W * H * C));
  let sum = 0;
  for (let kh = 0; kh < KH; kh++) {
    const th = ih + ph - kh * dh;
    const oh = Math.floor(th / sh);
    if (th >= 0 && oh * sh === th && oh < OH) {
      for (let kw = 0; kw < KW; kw++) {
        const tw = iw + pw - kw * dw;
        const ow = Math.floor(tw / sw);
        if (tw >= 0 && ow * sw === tw && ow < OW) {
          for (let o = 0; o < O; o++) sum += dy[((n * O + o) * OH + oh) * OW + ow] * w[((o * C + c) * KH + kh) * KW + kw];
        }
      }
    }
  }
  return sum;
};

const backwardWeightCpuKernel: CpuKernelFunction = function (
  x: number[], dy: number[], N: number,
  C: number, H: number, W: number, O: number, KH: number, KW: number, OH: number, OW: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number,
) {
  const i = this.thread.x;
  const kw = i % KW;
  const kh = Math.floor(i / KW) % KH;
  const c = Math.floor(i / (KW * KH)) % C;
  const o = Math.floor(i / (KW * KH * C));
  let sum = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih = oh * sh - ph + kh * dh;
      if (ih >= 0 && ih < H) {
        for (let ow = 0; ow < OW; ow++) {
          const iw = ow * sw - pw + kw * dw;
          if (iw >= 0 && iw < W) sum += dy[((n * O + o) * OH + oh) * OW + ow] * x[((n * C + c) * H + ih) * W + iw];
        }
      }
    }
  }
  return sum;
};

const backwardBiasCpuKernel: CpuKernelFunction = function (dy: number[], N: number, O: number, plane: number) {
  const o = this.thread.x;
  let sum = 0;
  for (let n = 0; n < N; n++) {
    for (let q = 0; q < plane; q++) sum += dy[(n * O + o) * plane + q];
  }
  return sum;
};

// Float64 references: the forward pass as the textbook loop, the gradients as its adjoint (each product of
// the forward loop scattered back), so they share no index algebra with the kernels above.

export function conv2dReference(
  x: ArrayLike<number>, inputShape: readonly number[], w: ArrayLike<number>, weightShape: readonly number[],
  bias: ArrayLike<number> | null, p: Conv2dParams, activation: Conv2dActivation = 'none',
): Float64Array {
  const g = conv2dGeometry(inputShape, weightShape, p);
  const y = new Float64Array(g.N * g.O * g.OH * g.OW);
  forEachProduct(g, (yi, xi, wi) => (y[yi] += x[xi] * w[wi]));
  if (bias) for (let i = 0; i < y.length; i++) y[i] += bias[Math.floor(i / (g.OH * g.OW)) % g.O];
  if (activation === 'relu') for (let i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0);
  return y;
}

export function conv2dBackwardInputReference(dy: ArrayLike<number>, w: ArrayLike<number>, weightShape: readonly number[], p: Conv2dParams, inputShape: readonly number[]): Float64Array {
  const g = conv2dGeometry(inputShape, weightShape, p);
  const dx = new Float64Array(g.N * g.C * g.H * g.W);
  forEachProduct(g, (yi, xi, wi) => (dx[xi] += dy[yi] * w[wi]));
  return dx;
}

export function conv2dBackwardWeightReference(x: ArrayLike<number>, inputShape: readonly number[], dy: ArrayLike<number>, p: Conv2dParams, weightShape: readonly number[]): Float64Array {
  const g = conv2dGeometry(inputShape, weightShape, p);
  const dw = new Float64Array(g.O * g.C * g.KH * g.KW);
  forEachProduct(g, (yi, xi, wi) => (dw[wi] += dy[yi] * x[xi]));
  return dw;
}

export function conv2dBackwardBiasReference(dy: ArrayLike<number>, outputShape: readonly number[]): Float64Array {
  const [N, O, OH, OW] = outputShape;
  const db = new Float64Array(O);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let q = 0; q < OH * OW; q++) db[o] += dy[(n * O + o) * OH * OW + q];
  return db;
}

/** Calls f(y index, x index, w index) for every product x * w that the forward pass adds into y. */
function forEachProduct(g: Conv2dGeometry, f: (yi: number, xi: number, wi: number) => void): void {
  const { N, C, H, W, O, KH, KW, OH, OW, p } = g;
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let c = 0; c < C; c++)
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * p.strideH - p.padH + kh * p.dilationH;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * p.strideW - p.padW + kw * p.dilationW;
                if (iw < 0 || iw >= W) continue;
                f(((n * O + o) * OH + oh) * OW + ow, ((n * C + c) * H + ih) * W + iw, ((o * C + c) * KH + kh) * KW + kw);
              }
            }
}
