// TensorFlow.js's WebGPU backend on the same conv2d passes and shapes (NHWC, random values: only the time
// matters), in the same process and so under the same load.
import { create, globals } from 'webgpu';
import type { NamedAttrMap, Tensor4D } from '@tensorflow/tfjs-core';
import { conv2dGeometry, type Conv2dPass } from '../../src/ops/conv2d.js';
import { gpuWait } from '../../src/gpu/gpu-wait.js';
import { bestOf, wallMs } from '../common.js';
import { CONV } from './conv-cases.js';

export type Tfjs = typeof import('@tensorflow/tfjs-core');

/** tfjs finds WebGPU through navigator.gpu, which Node lacks. */
export async function loadTfjs(): Promise<Tfjs> {
  Object.assign(globalThis, globals);
  (globalThis as { navigator?: unknown }).navigator = { gpu: create([]) };
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not initialise');
  return tf;
}

/** Best wall-clock milliseconds of one pass; reading one element back waits for it. */
export async function timeTfjsConv(tf: Tfjs, spec: { pass: Conv2dPass; input: number[]; weight: number[] }, repeats: number): Promise<number> {
  const g = conv2dGeometry(spec.input, spec.weight, CONV);
  const x = tf.randomUniform([g.N, g.H, g.W, g.C]) as Tensor4D;
  const w = tf.randomUniform([g.KH, g.KW, g.C, g.O]) as Tensor4D;
  const b = tf.randomUniform([g.O]);
  const dy = tf.randomUniform([g.N, g.OH, g.OW, g.O]) as Tensor4D;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [CONV.padH, CONV.padH], [CONV.padW, CONV.padW], [0, 0]];
  // The kernels tfjs's conv2d gradient runs (its gradient registry is not in the Node build of tfjs-core).
  const kernel = (name: string, inputs: Record<string, Tensor4D>, extra: object) =>
    tf.engine().runKernel(name, inputs, { strides: [1, 1], pad, dataFormat: 'NHWC', ...extra } as unknown as NamedAttrMap) as Tensor4D;
  const passes: Record<Conv2dPass, () => Tensor4D> = {
    forward: () => tf.relu(tf.add(tf.conv2d(x, w, 1, pad), b)) as Tensor4D,
    backwardInput: () => kernel(tf.Conv2DBackpropInput, { dy, filter: w }, { inputShape: x.shape }),
    backwardWeight: () => kernel(tf.Conv2DBackpropFilter, { x, dy }, { filterShape: w.shape }),
  };
  try {
    return await bestOf(
      () =>
        wallMs(async () => {
          const out = tf.tidy(passes[spec.pass]);
          const first = tf.slice(out, 0, 1);
          await gpuWait(first.data()); // as ser-gpu waits: no core spent spinning on dawn.node's poll
          tf.dispose([first, out]);
        }),
      repeats,
    );
  } finally {
    for (const t of [x, w, b, dy]) t.dispose();
  }
}
