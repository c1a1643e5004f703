// Row-wise ops on class scores [N, K]: the inference softmax and the training-accuracy count
// (shaders/scores.wgsl on WebGPU, gpu.js kernels on the CPU backend), and float64 references.
import type { Backend, CpuKernelFunction } from '../backend/types.js';
import { groups } from '../gpu/grid.js';
import type { Tensor } from '../tensor.js';

const WG = 64;

function rowsOf(logits: Tensor, what: string): { N: number; K: number } {
  const [N, K] = logits.shape;
  if (logits.shape.length !== 2 || N < 1 || K < 1) throw new Error(`${what}: logits must be [N, K], got [${logits.shape}]`);
  return { N, K };
}

/** probs [N, K]: the softmax of each row of logits [N, K]. */
export function softmax(backend: Backend, logits: Tensor): Tensor {
  const { N, K } = rowsOf(logits, 'softmax');
  if (backend.kind === 'webgpu') {
    const probs = backend.empty([N, K]);
    backend.runtime.run({
      shader: 'scores',
      entry: 'softmax',
      constants: { WG },
      uniforms: [N, K],
      buffers: [logits.buffer, probs.buffer],
      workgroups: [groups(N, WG)],
    });
    return probs;
  }
  const result = backend.kernel('scores.softmax', softmaxCpu, N * K)(logits.host, K);
  return backend.wrap(result as Float32Array, [N, K]);
}

/** counter[0] (u32 [1], the caller's) += the rows of logits [N, K] whose first maximum is at labels[n] (i32 [N]). */
export function countCorrect(backend: Backend, logits: Tensor, labels: Tensor, counter: Tensor): void {
  const { N, K } = rowsOf(logits, 'countCorrect');
  if (labels.dtype !== 'i32' || labels.size !== N) throw new Error(`countCorrect: labels must be i32 [${N}], got ${labels.dtype} [${labels.shape}]`);
  if (counter.dtype !== 'u32' || counter.size !== 1) throw new Error(`countCorrect: counter must be u32 [1], got ${counter.dtype} [${counter.shape}]`);
  if (backend.kind === 'webgpu') {
    backend.runtime.run({
      shader: 'scores',
      entry: 'count_correct',
      constants: { WG },
      uniforms: [N, K],
      buffers: [logits.buffer, labels.buffer, counter.buffer],
      workgroups: [groups(N, WG)],
    });
    return;
  }
  const hits = backend.kernel('scores.correct', correctCpu, N)(logits.host, labels.host, K) as Float32Array;
  counter.host[0] += hits.reduce((a, b) => a + b, 0);
}

const softmaxCpu: CpuKernelFunction = function (z: number[], K: number) {
  const row = Math.floor(this.thread.x / K) * K;
  // gpu.js declares loop variables function-wide: each loop needs its own name.
  let m = z[row];
  for (let j = 1; j < K; j++) m = Math.max(m, z[row + j]);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(z[row + k] - m);
  return Math.exp(z[this.thread.x] - m) / sum;
};

const correctCpu: CpuKernelFunction = function (z: number[], labels: number[], K: number) {
  const row = this.thread.x * K;
  let best = 0;
  for (let k = 1; k < K; k++) if (z[row + k] > z[row + best]) best = k;
  return best === labels[this.thread.x] ? 1 : 0;
};

/** Float64 reference of the softmax of each row. */
export function softmaxReference(logits: ArrayLike<number>, K: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let row = 0; row < logits.length; row += K) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, logits[row + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logits[row + k] - m);
    for (let k = 0; k < K; k++) out[row + k] = Math.exp(logits[row + k] - m) / sum;
  }
  return out;
}
