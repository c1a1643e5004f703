import { it } from 'vitest';
import { binary, binaryReference, type BinaryOp } from '../../src/ops/elementwise.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('core');
const x = golden.get('elementwise.x').data;
const y = golden.get('elementwise.y').data;
const CASES: [BinaryOp, number, string][] = [
  ['add', 1, 'elementwise.add'],
  ['mul', 1, 'elementwise.mul'],
  ['scale_add', 0.5, 'elementwise.scale_add_0.5'],
];
// One rounding of an f32 operation: exact to half an ulp.
const TOL = { atol: 0, rtol: 1.2e-7 };

describeBackends('elementwise vs torch', (backend) => {
  for (const [op, alpha, goldenName] of CASES) {
    it(op, async () => {
      const out = binary(backend, op, backend.upload(x, [1000]), backend.upload(y, [1000]), alpha);
      expectClose(await out.read(), golden.get(goldenName).data, TOL, op);
    });
  }

  it('covers more than 65,535 workgroups with a 2-D grid', async () => {
    const n = 256 * 70_000 + 3;
    const a = new Float32Array(n).map((_, i) => i % 1000);
    const b = new Float32Array(n).fill(1);
    const out = await binary(backend, 'add', backend.upload(a, [n]), backend.upload(b, [n])).read();
    expectClose(out, binaryReference('add', a, b), { atol: 0, rtol: 0 }, 'large add');
  });
});
