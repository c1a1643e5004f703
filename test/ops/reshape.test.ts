import { expect, it } from 'vitest';
import { flatten, reshape } from '../../src/ops/reshape.js';
import { describeBackends } from '../helpers/backends.js';

describeBackends('reshape and flatten', (backend) => {
  const values = Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i - 60.5);

  it('flattens [N, C, H, W] to [N, C*H*W] in row-major order', async () => {
    const y = flatten(backend, backend.upload(values, [2, 3, 4, 5]));
    expect(y.shape).toEqual([2, 60]);
    expect(Array.from(await y.read())).toEqual(values);
  });

  it('copies: the result outlives its source, and keeps the dtype', async () => {
    const x = backend.upload([1, -2, 3, -4, 5, -6], [2, 3], 'i32');
    const y = reshape(backend, x, [3, 2]);
    x.dispose();
    backend.upload([9, 9, 9, 9, 9, 9], [2, 3], 'i32'); // may take over x's pooled buffer
    expect(y.dtype).toBe('i32');
    expect(Array.from(await y.read())).toEqual([1, -2, 3, -4, 5, -6]);
  });

  it('rejects a shape of another size', () => {
    expect(() => reshape(backend, backend.upload(values, [2, 60]), [7, 17])).toThrow(/120 elements/);
  });
});
