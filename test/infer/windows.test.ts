import { expect, it } from 'vitest';
import { copyWindow, windowStarts } from '../../src/infer/windows.js';

it('a clip up to a quarter longer than the window is its centre window; a shorter one starts at 0', () => {
  expect(windowStarts(1, 188)).toEqual([0]);
  expect(windowStarts(188, 188)).toEqual([0]);
  expect(windowStarts(219, 188)).toEqual([15]);
  expect(windowStarts(235, 188)).toEqual([23]);
});

it('longer clips get windows half a window apart, the last one ending with the clip', () => {
  expect(windowStarts(236, 188)).toEqual([0, 48]);
  expect(windowStarts(376, 188)).toEqual([0, 94, 188]);
  expect(windowStarts(400, 188)).toEqual([0, 94, 188, 212]);
  for (const frames of [126, 250, 333, 1000]) {
    const starts = windowStarts(frames, 100);
    expect(starts[starts.length - 1] + 100).toBe(frames);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeLessThanOrEqual(50);
  }
});

it('copies a window of every band and zero-pads past the clip', () => {
  const bands = 3;
  const frames = 5;
  const clip = Float32Array.from({ length: bands * frames }, (_, i) => i + 1); // band b, frame t: b * 5 + t + 1
  const out = new Float32Array(2 * bands * 4).fill(-1);
  expect(copyWindow(clip, bands, frames, 1, 4, out, 0)).toBe(4);
  expect(copyWindow(clip, bands, frames, 3, 4, out, bands * 4)).toBe(2);
  expect(Array.from(out)).toEqual([2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 15, 4, 5, 0, 0, 9, 10, 0, 0, 14, 15, 0, 0]);
});
