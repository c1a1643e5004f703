// The peer: the same network and Adam step in TensorFlow.js on its WebGPU backend, through the same Dawn
// binding (and so the same adapter) as ser-gpu. tfjs is NHWC, so weights are transposed from PyTorch's layout.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { create, globals } from 'webgpu';
import { gpuWait } from '../../src/gpu/gpu-wait.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { conv2dParams, pool2dParams, type ModelSpec } from '../../src/nn/spec.js';
import type { StateDict } from '../../src/nn/state-dict.js';
import type { BenchBatch, BenchShape } from './batch.js';
import type { TrainingPeer } from './peer.js';
// Types only: tfjs itself loads after navigator.gpu exists.
import type { Scalar, Tensor, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';

type Tf = typeof import('@tensorflow/tfjs-core');

/**
 * tfjs-core ships its gradients only as extensionless ES modules, which Node cannot load, and its Node bundle
 * has none. esbuild (tsx's own dependency) bundles the ES builds of core, its gradients and the WebGPU backend
 * into one module, as a web app would. tfjs-backend-webgpu finds WebGPU through navigator.gpu, set first.
 */
async function loadTfjsWebGpu(): Promise<Tf> {
  Object.assign(globalThis, globals);
  (globalThis as { navigator?: unknown }).navigator = { gpu: create([]) };
  const outfile = join(PACKAGE_ROOT, 'node_modules', '.cache', 'ser-gpu', 'tfjs-webgpu-with-gradients.cjs');
  await build({
    stdin: {
      contents: ["export * from '@tensorflow/tfjs-core';", "import '@tensorflow/tfjs-core/dist/register_all_gradients';", "import '@tensorflow/tfjs-backend-webgpu';"].join('\n'),
      resolveDir: PACKAGE_ROOT,
      loader: 'js',
    },
    bundle: true,
    format: 'cjs', // tfjs requires Node built-ins, which only a CommonJS bundle can
    platform: 'node',
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'warning',
  });
  const tf = createRequire(import.meta.url)(outfile) as Tf;
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not initialise');
  return tf;
}

/** [O, C, kh, kw] → [kh, kw, C, O], and dense [O, I] → [I, O]. */
function toTfjsLayout(shape: readonly number[], data: Float32Array): { shape: number[]; data: Float32Array } {
  if (shape.length === 1) return { shape: [...shape], data };
  if (shape.length === 2) {
    const [o, i] = shape;
    const out = new Float32Array(data.length);
    for (let r = 0; r < o; r++) for (let c = 0; c < i; c++) out[c * o + r] = data[r * i + c];
    return { shape: [i, o], data: out };
  }
  const [o, c, kh, kw] = shape;
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < c; b++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * c + b) * o + a] = data[((a * c + b) * kh + y) * kw + x];
  return { shape: [kh, kw, c, o], data: out };
}

/** Trains `spec` (conv2d, relu, maxpool2d, globalavgpool, dense only) from `weights` on one batch, repeatedly. */
export async function createTfjsPeer(spec: ModelSpec, weights: StateDict, shape: BenchShape, batch: BenchBatch): Promise<TrainingPeer> {
  const tf = await loadTfjsWebGpu();
  const variables = new Map<string, Variable>();
  for (const [name, { shape: s, data }] of Object.entries(weights)) {
    const t = toTfjsLayout(s, data as Float32Array);
    variables.set(name, tf.variable(tf.tensor(t.data, t.shape), true, name));
  }
  const x = tf.tensor4d(batch.x, [shape.batch, shape.mels, shape.frames, 1]); // C = 1: NCHW and NHWC bytes agree
  const onehot = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), shape.classes);

  const forward = () => {
    let h: Tensor = x;
    spec.layers.forEach((layer, i) => {
      if (layer.type === 'conv2d') {
        const p = conv2dParams(layer);
        const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p.padH, p.padH], [p.padW, p.padW], [0, 0]];
        h = tf.add(tf.conv2d(h as Tensor4D, variables.get(`${i}.weight`) as Tensor4D, [p.strideH, p.strideW], pad), variables.get(`${i}.bias`)!);
      } else if (layer.type === 'relu') h = tf.relu(h);
      else if (layer.type === 'maxpool2d') {
        const p = pool2dParams(layer);
        h = tf.maxPool(h as Tensor4D, [p.kernelH, p.kernelW], [p.strideH, p.strideW], 'valid');
      } else if (layer.type === 'globalavgpool') h = tf.mean(h, [1, 2]);
      else if (layer.type === 'dense') h = tf.add(tf.matMul(h as Tensor2D, variables.get(`${i}.weight`)!), variables.get(`${i}.bias`)!);
      else throw new Error(`tfjs peer: layer type ${layer.type} is not written here`);
    });
    return h;
  };
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(onehot, forward()) as Scalar, true)!;
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;

  return {
    adapter: `${info?.vendor ?? '?'} ${info?.architecture ?? ''}`.trim(),
    async stepWithLoss() {
      const cost = step();
      const loss = (await gpuWait(cost.data()))[0];
      cost.dispose();
      return loss;
    },
    async time(repeats) {
      const start = performance.now();
      let last: Scalar | null = null;
      for (let i = 0; i < repeats; i++) {
        last?.dispose();
        last = step();
      }
      // Each step reads the variables the previous one wrote: the last done means all are. gpuWait, as for
      // ser-gpu: without it dawn.node's poll spins a core that lavapipe needs.
      if (last) await gpuWait(last.data());
      last?.dispose();
      const ms = (performance.now() - start) / repeats;
      return { msPerStep: ms, clipsPerSecond: (1000 * shape.batch) / ms };
    },
  };
}
