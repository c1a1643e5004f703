// The TensorFlow.js peer of `ser-gpu bench --peers`: the default model's training step (Adam) and eval forward,
// and single conv2d passes, on tfjs's WebGPU backend through the same Dawn binding, and so the same adapter, as
// ser-gpu. tfjs is NHWC, so weights are transposed from PyTorch's layout. Loaded by src/bench/peers.ts.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { create, globals } from 'webgpu';
import type { NamedAttrMap, Scalar, Tensor, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import { gpuWait } from '../../src/gpu/gpu-wait.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { conv2dGeometry } from '../../src/ops/conv2d.js';
import { conv2dParams, pool2dParams, type DenseSpec, type ModelSpec } from '../../src/nn/spec.js';
import type { StateDict } from '../../src/nn/state-dict.js';
import { timeRepeats, wallMs } from '../../src/bench/measure.js';
import type { InferencePeer, TfjsPeer, TrainingPeer } from '../../src/bench/peers.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * tfjs-core ships its gradients only as extensionless ES modules, which Node cannot load, and its Node bundle
 * has none. esbuild bundles the ES builds of core, its gradients and the WebGPU backend into one module, as a
 * web app would. tfjs-backend-webgpu finds WebGPU through navigator.gpu, set first.
 */
async function loadTf(): Promise<Tf> {
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

/** The model's forward (conv2d, relu, maxpool2d, globalavgpool, dense only) over tfjs variables. */
function forwardOf(tf: Tf, spec: ModelSpec, weights: StateDict) {
  const variables = new Map<string, Variable>();
  for (const [name, { shape, data }] of Object.entries(weights)) {
    const t = toTfjsLayout(shape, data as Float32Array);
    variables.set(name, tf.variable(tf.tensor(t.data, t.shape), true, name));
  }
  const forward = (x: Tensor) => {
    let h: Tensor = x;
    spec.layers.forEach((layer, i) => {
      if (layer.type === 'conv2d') {
        const p = conv2dParams(layer);
        const pad: Pad4 = [[0, 0], [p.padH, p.padH], [p.padW, p.padW], [0, 0]];
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
  return { forward, dispose: () => variables.forEach((v) => v.dispose()) };
}

/** NCHW with C = 1 and NHWC have the same bytes. */
const input = (tf: Tf, spec: ModelSpec, x: Float32Array, batch: number) => tf.tensor4d(x, [batch, spec.input[1], spec.input[2], spec.input[0]]);

export async function loadTfjsPeer(): Promise<TfjsPeer> {
  const tf = await loadTf();
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string; description?: string } }).adapterInfo;
  const version = (tf as unknown as { version_core?: string }).version_core ?? '?';

  async function trainer(spec: ModelSpec, weights: StateDict, x: Float32Array, labels: Int32Array): Promise<TrainingPeer> {
    const model = forwardOf(tf, spec, weights);
    const xs = input(tf, spec, x, labels.length);
    const classes = (spec.layers.at(-1) as DenseSpec).units;
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
    const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(onehot, model.forward(xs)) as Scalar, true)!;
    return {
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
        return { msPerStep: ms, clipsPerSecond: (1000 * labels.length) / ms };
      },
      dispose: () => {
        model.dispose();
        optimizer.dispose();
        tf.dispose([xs, onehot]);
      },
    };
  }

  async function predictor(spec: ModelSpec, weights: StateDict): Promise<InferencePeer> {
    const model = forwardOf(tf, spec, weights);
    return {
      async logits(x, batch) {
        const xs = input(tf, spec, x, batch);
        const out = tf.tidy(() => model.forward(xs));
        const values = (await gpuWait(out.data())) as Float32Array;
        tf.dispose([xs, out]);
        return values;
      },
      async probabilitiesMs(x, batch) {
        return wallMs(async () => {
          const xs = input(tf, spec, x, batch);
          const probs = tf.tidy(() => tf.softmax(model.forward(xs)));
          await gpuWait(probs.data());
          tf.dispose([xs, probs]);
        });
      },
      dispose: () => model.dispose(),
    };
  }

  /** Median wall-clock milliseconds of one conv pass on random values; reading one element waits for it. */
  const timeConv: TfjsPeer['timeConv'] = async (spec, repeats) => {
    const p = { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1 };
    const g = conv2dGeometry(spec.input, spec.weight, p);
    const x = tf.randomUniform([g.N, g.H, g.W, g.C]) as Tensor4D;
    const w = tf.randomUniform([g.KH, g.KW, g.C, g.O]) as Tensor4D;
    const b = tf.randomUniform([g.O]);
    const dy = tf.randomUniform([g.N, g.OH, g.OW, g.O]) as Tensor4D;
    const pad: Pad4 = [[0, 0], [p.padH, p.padH], [p.padW, p.padW], [0, 0]];
    // The kernels tfjs's conv2d gradient runs.
    const kernel = (name: string, inputs: Record<string, Tensor4D>, extra: object) =>
      tf.engine().runKernel(name, inputs, { strides: [1, 1], pad, dataFormat: 'NHWC', ...extra } as unknown as NamedAttrMap) as Tensor4D;
    const passes = {
      forward: () => tf.relu(tf.add(tf.conv2d(x, w, 1, pad), b)) as Tensor4D,
      backwardInput: () => kernel(tf.Conv2DBackpropInput, { dy, filter: w }, { inputShape: x.shape }),
      backwardWeight: () => kernel(tf.Conv2DBackpropFilter, { x, dy }, { filterShape: w.shape }),
    };
    try {
      const t = await timeRepeats(
        () =>
          wallMs(async () => {
            const out = tf.tidy(passes[spec.pass]);
            const first = tf.slice(out, 0, 1);
            await gpuWait(first.data());
            tf.dispose([first, out]);
          }),
        repeats,
      );
      return t.median;
    } finally {
      tf.dispose([x, w, b, dy]);
    }
  };

  const dispose = async () => {
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    tf.removeBackend('webgpu');
    device?.destroy();
  };
  return { name: `TensorFlow.js ${version} WebGPU`, adapter: `${info?.vendor ?? '?'} ${info?.architecture ?? ''}`.trim(), trainer, predictor, timeConv, dispose };
}
