import { expect, it } from 'vitest';
import { expectClose } from './expect-close.js';

it('passes within atol + rtol*|ref| and reports the worst element when not', () => {
  expect(() => expectClose([1.05, 2], [1, 2], { atol: 0.01, rtol: 0.05 })).not.toThrow();
  expect(() => expectClose([1, 2.5, 3], [1, 2, 3], { atol: 0.1, rtol: 0 }, 'demo')).toThrow(/demo: 1\/3 elements.*worst at \[1\][\s\S]*\[1\] got 2.5, expected 2/);
});

it('treats NaN as a mismatch', () => {
  expect(() => expectClose([NaN], [0], { atol: 1, rtol: 1 })).toThrow(/1\/1 elements/);
});
