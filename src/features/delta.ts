// Deltas as librosa.feature.delta(width, order, mode='interp'), per clip over its own frames, and the stack
// [features; Δ; Δ²] along bands: shaders/delta.wgsl on WebGPU, a gpu.js kernel on the CPU backend.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { grid1d } from '../gpu/grid.js';
import { batchShape, framesTable, type FeatureBatch } from './batch.js';
import { constantTensor } from './constants.js';
import { savgolDerivative } from './filters.js';

const WG = 256;

/** The order-th delta [N, bands, maxFrames]. librosa refuses clips shorter than `width` frames; so does this. */
export function delta(backend: Backend, data: FeatureBatch, order: 1 | 2, width = 9): FeatureBatch {
  return savgolStack(backend, data, [order], width, false);
}

/** [features; Δ] or [features; Δ; Δ²]: [N, (1 + deltas) · bands, maxFrames]. */
export function stackDeltas(backend: Backend, data: FeatureBatch, deltas: 1 | 2, width = 9): FeatureBatch {
  return savgolStack(backend, data, deltas === 1 ? [1] : [1, 2], width, true);
}

function savgolStack(backend: Backend, data: FeatureBatch, orders: (1 | 2)[], width: number, identityFirst: boolean): FeatureBatch {
  const { clips, bands, maxFrames } = batchShape(data);
  if (width < 3 || width % 2 !== 1) throw new Error(`delta: width ${width} is not an odd integer >= 3`);
  const short = data.frames.findIndex((n) => n < width);
  if (short >= 0) throw new Error(`delta: clip ${short} has ${data.frames[short]} frames, fewer than width ${width} (as librosa's mode='interp')`);
  const pieces = orders.length + Number(identityFirst);
  const coeffs = constantTensor(backend, `delta.${width}.${orders}.${identityFirst}`, () => {
    const rows = orders.map((order) => savgolDerivative(width, order));
    if (identityFirst) rows.unshift(Float64Array.from({ length: width }, (_, j) => Number(j === 0)));
    return { data: Float32Array.from(rows.flatMap((r) => Array.from(r))), shape: [pieces, width] };
  });
  const frames = framesTable(backend, data.frames);
  const shape = [clips, pieces * bands, maxFrames];
  const total = clips * pieces * bands * maxFrames;
  const half = (width - 1) / 2;
  let out;
  if (backend.kind === 'webgpu') {
    out = backend.empty(shape);
    backend.runtime.run({
      shader: 'delta',
      constants: { WG, IDENTITY_FIRST: Number(identityFirst) },
      uniforms: [bands, maxFrames, pieces, width, half, total],
      buffers: [data.features.buffer, frames.buffer, coeffs.buffer, out.buffer],
      workgroups: grid1d(total, WG),
    });
  } else {
    const kernel = backend.kernel('features.delta', deltaCpuKernel, total);
    out = backend.wrap(kernel(data.features.host, frames.host, coeffs.host, bands, maxFrames, pieces, width, half, Number(identityFirst)) as Float32Array, shape);
  }
  frames.dispose();
  return { features: out, frames: data.frames };
}

const deltaCpuKernel: CpuKernelFunction = function (
  x: number[], frames: number[], coeffs: number[], bands: number, maxFrames: number, pieces: number, width: number, half: number, identityFirst: number,
) {
  const i = this.thread.x;
  const t = i % maxFrames;
  const outRow = Math.floor(i / maxFrames);
  const b = outRow % bands;
  const p = Math.floor(outRow / bands) % pieces;
  const c = Math.floor(outRow / (bands * pieces));
  const n = frames[c];
  if (t >= n) return 0;
  const h = identityFirst > 0 && p === 0 ? 0 : half;
  const first = (c * bands + b) * maxFrames + Math.min(Math.max(t, h), n - 1 - h) - h;
  let sum = 0;
  for (let j = 0; j <= 2 * h; j++) sum += coeffs[p * width + j] * x[first + j];
  return sum;
};

/**
 * Float64 reference of one clip, x [bands, frames]: at every frame, the least-squares polynomial of degree
 * `order` through the `width`-frame window (the first or last full window near the edges, as scipy's
 * savgol_filter mode='interp'), differentiated `order` times — solved directly, not from the coefficients.
 */
export function deltaReference(x: ArrayLike<number>, bands: number, frames: number, order: 1 | 2, width = 9): Float64Array {
  const half = (width - 1) / 2;
  const out = new Float64Array(bands * frames);
  for (let b = 0; b < bands; b++) {
    for (let t = 0; t < frames; t++) {
      const centre = Math.min(Math.max(t, half), frames - 1 - half);
      const ys = Array.from({ length: width }, (_, j) => x[b * frames + centre - half + j]);
      const poly = leastSquaresPolynomial(ys, order, -half);
      // The order-th derivative of a degree-order polynomial is the constant order! · a_order.
      out[b * frames + t] = order === 1 ? poly[1] : 2 * poly[2];
    }
  }
  return out;
}

/** Coefficients a_0..a_degree of the least-squares fit of ys at u = u0, u0 + 1, …, by the normal equations. */
function leastSquaresPolynomial(ys: number[], degree: number, u0: number): number[] {
  const n = degree + 1;
  const A = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  ys.forEach((y, j) => {
    const u = u0 + j;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) A[r][c] += u ** (r + c);
      A[r][n] += y * u ** r;
    }
  });
  for (let col = 0; col < n; col++) {
    for (let r = col + 1; r < n; r++) {
      const f = A[r][col] / A[col][col];
      for (let c = col; c <= n; c++) A[r][c] -= f * A[col][c];
    }
  }
  const a = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = A[r][n];
    for (let c = r + 1; c < n; c++) s -= A[r][c] * a[c];
    a[r] = s / A[r][r];
  }
  return a;
}
