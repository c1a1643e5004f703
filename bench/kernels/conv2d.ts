// GFLOP/s of conv2d forward, backward-input and backward-weight on the reference network's four layers
// (input [32,1,64,188], conv3x3 padding 1 -> 16, 32, 64, 128 channels, each after a 2x2 max-pool).
//   npx tsx bench/kernels/conv2d.ts [--repeats 5] [--kernel registers|workgroup] [--tfjs]
// Times are wall clock per pass after a warm-up, best of the repeats (the machine may be shared);
// "cpu" is this process's CPU seconds per pass, which on a software adapter shows the work done
// regardless of what else the machine runs. --tfjs times TensorFlow.js's WebGPU backend on the same
// adapter and shapes (NHWC), in the same process and so under the same load.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { create, globals } from 'webgpu';
import type { NamedAttrMap, Tensor4D } from '@tensorflow/tfjs-core';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, conv2dGeometry, conv2dTiling, type Conv2dKernel, type Conv2dParams } from '../../src/ops/conv2d.js';
import { adapterName } from '../../src/gpu/device.js';
import type { Tensor } from '../../src/tensor.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' }, kernel: { type: 'string' }, tfjs: { type: 'boolean', default: false } } });
const repeats = Number(values.repeats);
const kernel = values.kernel as Conv2dKernel | undefined;

const backend = await createWebGpuBackend();
if (!backend) throw new Error('no WebGPU adapter');
const p: Conv2dParams = { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1 };
const layers = [
  { input: [32, 1, 64, 188], weight: [16, 1, 3, 3] },
  { input: [32, 16, 32, 94], weight: [32, 16, 3, 3] },
  { input: [32, 32, 16, 47], weight: [64, 32, 3, 3] },
  { input: [32, 64, 8, 23], weight: [128, 64, 3, 3] },
];

const random = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

/** Best wall-clock and mean CPU seconds of one pass; `run` records it and waits for it. */
async function time(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  await run();
  let wall = Infinity;
  let cpu = 0;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1e6 / repeats;
  }
  return { wall, cpu };
}

const ours = (pass: () => Tensor) => async () => {
  pass().dispose();
  await backend.sync();
};

/** TensorFlow.js on its WebGPU backend: it finds WebGPU through navigator.gpu, which Node lacks. */
async function loadTfjs() {
  Object.assign(globalThis, globals);
  (globalThis as { navigator?: unknown }).navigator = { gpu: create([]) };
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not initialise');
  return tf;
}
const tf = values.tfjs ? await loadTfjs() : null;

console.log(`${backend.name}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; best of ${repeats}`);
for (const { input, weight } of layers) {
  const g = conv2dGeometry(input, weight, p);
  const flops = 2 * g.N * g.O * g.OH * g.OW * g.C * g.KH * g.KW;
  const x = backend.upload(random(input.reduce((a, b) => a * b)), input);
  const w = backend.upload(random(weight.reduce((a, b) => a * b)), weight);
  const b = backend.upload(random(g.O), [g.O]);
  const dy = backend.upload(random(g.N * g.O * g.OH * g.OW), [g.N, g.O, g.OH, g.OW]);
  const passes = [
    ['forward+bias+relu', 'forward', () => conv2dForward(backend, x, w, b, p, 'relu', { kernel })],
    ['backward-input', 'backwardInput', () => conv2dBackwardInput(backend, dy, w, p, input, { kernel })],
    ['backward-weight', 'backwardWeight', () => conv2dBackwardWeight(backend, x, dy, p, weight)],
  ] as const;
  console.log(`\n[${input}] * [${weight}]: ${(flops / 1e6).toFixed(0)} MFLOP per pass`);
  for (const [label, pass, run] of passes) {
    const t = await time(ours(run));
    const tiling = conv2dTiling(backend.runtime.report, pass, g, kernel).name;
    console.log(`  ${label.padEnd(18)} ${(flops / t.wall / 1e9).toFixed(2).padStart(6)} GFLOP/s  ${(t.wall * 1e3).toFixed(1).padStart(7)} ms  cpu ${(t.cpu * 1e3).toFixed(0).padStart(5)} ms  ${tiling}`);
  }
  if (tf) {
    // NHWC with random values: only the time matters. Reading one element back waits for the pass.
    const tx = tf.randomUniform([g.N, g.H, g.W, g.C]) as Tensor4D;
    const tw = tf.randomUniform([g.KH, g.KW, g.C, g.O]) as Tensor4D;
    const tb = tf.randomUniform([g.O]);
    const tdy = tf.randomUniform([g.N, g.OH, g.OW, g.O]) as Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p.padH, p.padH], [p.padW, p.padW], [0, 0]];
    // The kernels tfjs's conv2d gradient runs (its gradient registry is not in the Node build of tfjs-core).
    const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC' };
    const kernel = (name: string, inputs: Record<string, Tensor4D>, extra: object) =>
      tf.engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as NamedAttrMap) as Tensor4D;
    const tfPasses = [
      ['forward+bias+relu', () => tf.relu(tf.add(tf.conv2d(tx, tw, 1, pad), tb))],
      ['backward-input', () => kernel(tf.Conv2DBackpropInput, { dy: tdy, filter: tw }, { inputShape: tx.shape })],
      ['backward-weight', () => kernel(tf.Conv2DBackpropFilter, { x: tx, dy: tdy }, { filterShape: tw.shape })],
    ] as const;
    for (const [label, run] of tfPasses) {
      const t = await time(async () => {
        const out = run();
        await tf.slice(out, 0, 1).data();
        out.dispose();
      });
      console.log(`  ${('tfjs ' + label).padEnd(23)} ${(flops / t.wall / 1e9).toFixed(2).padStart(6)} GFLOP/s  ${(t.wall * 1e3).toFixed(1).padStart(7)} ms  cpu ${(t.cpu * 1e3).toFixed(0).padStart(5)} ms`);
    }
    for (const t of [tx, tw, tb, tdy]) t.dispose();
  }
  const t = await time(ours(() => conv2dBackwardBias(backend, dy)));
  console.log(`  ${'backward-bias'.padEnd(18)} ${''.padStart(14)}  ${(t.wall * 1e3).toFixed(1).padStart(7)} ms  cpu ${(t.cpu * 1e3).toFixed(0).padStart(5)} ms`);
  for (const t of [x, w, b, dy]) t.dispose();
}
console.log(`\nadapter: ${adapterName(backend.runtime.report)}`);
await backend.destroy();
