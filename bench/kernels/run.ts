// npx tsx bench/kernels/run.ts [--repeats 5] [--filter conv2] [--tfjs] [--kernel registers|padded|workgroup]
// Validates, then times every kernel of a training step of the reference network (see kernel-bench.ts).
import { parseArgs } from 'node:util';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import type { Conv2dKernel } from '../../src/ops/conv2d.js';
import { formatKernelTable, runKernelBench } from './kernel-bench.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    filter: { type: 'string' },
    tfjs: { type: 'boolean', default: false },
    kernel: { type: 'string' },
  },
});
const repeats = Number(values.repeats);
if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`--repeats ${values.repeats} is not a positive integer`);

if (values.kernel && !['padded', 'registers', 'workgroup'].includes(values.kernel)) throw new Error(`--kernel ${values.kernel}: padded, registers or workgroup`);

const backend = await createWebGpuBackend();
if (!backend) throw new Error('kernel bench: no WebGPU adapter');
try {
  const result = await runKernelBench(backend, {
    repeats,
    filter: values.filter,
    tfjs: values.tfjs,
    convKernel: values.kernel as Conv2dKernel | undefined,
    onRow: (r) => console.error(`  ${r.kernel} ${r.shape}: ${r.ms.toFixed(2)} ms`),
  });
  console.log(formatKernelTable(result));
} finally {
  await backend.destroy();
}
