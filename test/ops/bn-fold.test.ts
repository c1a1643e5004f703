import { expect, it } from 'vitest';
import { foldBatchNorm, foldBatchNormReference } from '../../src/ops/bn-fold.js';
import { conv2dForward } from '../../src/ops/conv2d.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { loadGolden } from '../helpers/golden.js';

const golden = loadGolden('bn_fold');
const EPS = 1e-5;
const CASES = ['bias', 'nobias'] as const;
const get = (c: string, key: string) => golden.get(`bn_fold.${c}.${key}`);

// One f32 product by s = gamma * inverseSqrt(var + eps) (Vulkan: inverseSqrt within 2 ulp), and for the bias a
// subtraction and an add: a few ulp of the values' size.
const FOLD = { atol: 2e-6, rtol: 2e-6 };
// The fused conv sums 36 products in another order than conv -> BN: a few ulp of the summed magnitude.
const CONV = { atol: 2e-5, rtol: 2e-5 };

it('the float64 reference agrees with torch.nn.utils.fusion', () => {
  for (const c of CASES) {
    const bias = c === 'bias' ? get(c, 'b').data : null;
    const ref = foldBatchNormReference(get(c, 'w').data, bias, { gamma: get(c, 'gamma').data, beta: get(c, 'beta').data, mean: get(c, 'mean').data, variance: get(c, 'var').data, eps: EPS });
    expectClose(ref.weight, get(c, 'fused_w').data, FOLD, `${c} weight`);
    expectClose(ref.bias, get(c, 'fused_b').data, FOLD, `${c} bias`);
  }
});

describeBackends('foldBatchNorm vs torch', (backend) => {
  for (const c of CASES) {
    it(`${c}: folded weights, and the folded conv equals conv -> batchnorm (eval)`, async () => {
      const up = (key: string) => backend.upload(get(c, key).data, get(c, key).shape);
      const w = up('w');
      const b = c === 'bias' ? up('b') : null;
      const bn = { gamma: up('gamma'), beta: up('beta'), mean: up('mean'), variance: up('var'), eps: EPS };
      const folded = foldBatchNorm(backend, w, b, bn);
      expect(folded.weight.shape).toEqual(w.shape);
      expectClose(await folded.weight.read(), get(c, 'fused_w').data, FOLD, `${c} weight`);
      expectClose(await folded.bias.read(), get(c, 'fused_b').data, FOLD, `${c} bias`);
      const x = up('x');
      const y = conv2dForward(backend, x, folded.weight, folded.bias, { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1 }, 'none');
      expectClose(await y.read(), get(c, 'y').data, CONV, `${c} conv output`);
      for (const t of [w, b, ...Object.values(bn).filter((v) => typeof v !== 'number'), folded.weight, folded.bias, x, y]) (t as { dispose(): void } | null)?.dispose();
    });
  }
});
