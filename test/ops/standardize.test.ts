import { expect, it } from 'vitest';
import { standardize, standardizeReference } from '../../src/ops/standardize.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('standardize');
const x = golden.get('standardize.x');
const lengths = golden.raw('standardize.lengths').data as Int32Array;
const mean = golden.get('standardize.mean').data;
const invStd = golden.get('standardize.inv_std').data;
const [N, C, T] = x.shape as [number, number, number];

// One f32 subtraction and one multiplication, as torch does them: at most 1 ulp apart after rounding.
const TOLERANCE = { atol: 1e-6, rtol: 1e-6 };

// The same into windows of another width: cropped (length 97 clipped to 64) and zero-padded.
const WIDTHS = [
  { frames: 64, key: 'standardize.narrow.y' },
  { frames: 120, key: 'standardize.wide.y' },
];

it('the float64 reference agrees with torch', () => {
  expectClose(standardizeReference(x.data, [N, C, T], lengths, mean, invStd), golden.get('standardize.y').data, TOLERANCE, 'reference');
  for (const { frames, key } of WIDTHS) expectClose(standardizeReference(x.data, [N, C, T], lengths, mean, invStd, frames), golden.get(key).data, TOLERANCE, `reference ${frames}`);
});

describeBackends('standardize vs torch', (backend) => {
  it('per band, zero after each window\'s valid frames (lengths 97, 50, 1, 96, 0)', async () => {
    const inputs = [backend.upload(x.data, [N, 1, C, T]), backend.upload(lengths, [N], 'i32'), backend.upload(mean, [C]), backend.upload(invStd, [C])] as const;
    const y = standardize(backend, ...inputs);
    expect(y.shape).toEqual([N, 1, C, T]);
    expectClose(await y.read(), golden.get('standardize.y').data, TOLERANCE, 'standardize');
    for (const t of [...inputs, y]) t.dispose();
  });

  it.each(WIDTHS)('into windows of $frames frames from features of 97', async ({ frames, key }) => {
    const inputs = [backend.upload(x.data, [N, C, T]), backend.upload(lengths, [N], 'i32'), backend.upload(mean, [C]), backend.upload(invStd, [C])] as const;
    const y = standardize(backend, ...inputs, frames);
    expect(y.shape).toEqual([N, C, frames]);
    expectClose(await y.read(), golden.get(key).data, TOLERANCE, `standardize ${frames}`);
    for (const t of [...inputs, y]) t.dispose();
  });
});
