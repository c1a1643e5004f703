import { expect, it } from 'vitest';
import { countCorrect, softmax, softmaxReference } from '../../src/ops/scores.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('scores');
const logits = golden.get('scores.logits');
const labels = golden.raw('scores.labels').data as Int32Array;
const [N, K] = logits.shape;

// exp's error on Vulkan is 3 + 2|x| ulp over |x| <= ~10 here, shared by numerator and sum: probabilities in
// (0, 1] come out within a few ulp of torch, tiny ones relative to their size.
const PROBS = { atol: 1e-7, rtol: 2e-6 };

it('the float64 reference agrees with torch', () => {
  expectClose(softmaxReference(logits.data, K), golden.get('scores.probs').data, PROBS, 'reference probs');
});

describeBackends('class scores vs torch', (backend) => {
  it('softmax of every row, +-1000 logits included', async () => {
    const z = backend.upload(logits.data, [N, K]);
    const probs = softmax(backend, z);
    const values = (await probs.read()) as Float32Array;
    expectClose(values, golden.get('scores.probs').data, PROBS, 'softmax');
    expect(values.every(Number.isFinite)).toBe(true);
    z.dispose();
    probs.dispose();
  });

  it('counts rows whose first maximum is the label, accumulating over calls', async () => {
    const z = backend.upload(logits.data, [N, K]);
    const y = backend.upload(labels, [N], 'i32');
    const counter = backend.zeros([1], 'u32');
    countCorrect(backend, z, y, counter);
    const expected = Number(golden.raw('scores.correct').data[0]);
    expect((await counter.read())[0]).toBe(expected);
    countCorrect(backend, z, y, counter);
    expect((await counter.read())[0]).toBe(2 * expected);
    for (const t of [z, y, counter]) t.dispose();
  });

  it('rejects labels of the wrong length', () => {
    const z = backend.upload(logits.data, [N, K]);
    const y = backend.upload(labels.subarray(1), [N - 1], 'i32');
    const counter = backend.zeros([1], 'u32');
    expect(() => countCorrect(backend, z, y, counter)).toThrow(/labels must be i32 \[300\]/);
    for (const t of [z, y, counter]) t.dispose();
  });
});
