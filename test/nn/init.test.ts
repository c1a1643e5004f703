// Initialisation: He uniform before ReLUs, Glorot otherwise, reproducible per (seed, layer).
import { describe, expect, it } from 'vitest';
import { initWeights, mixSeed, mulberry32, weightInitFor } from '../../src/nn/init.js';

describe('init', () => {
  it('chooses He for layers feeding a ReLU or leaky ReLU (through batchnorm), Glorot otherwise', () => {
    expect(weightInitFor(['relu'])).toBe('he');
    expect(weightInitFor(['batchnorm2d', 'leaky_relu'])).toBe('he');
    expect(weightInitFor(['elu'])).toBe('glorot');
    expect(weightInitFor(['maxpool2d', 'relu'])).toBe('glorot');
    expect(weightInitFor([])).toBe('glorot');
  });

  it('draws uniformly within the bound, with the variance of the bound', () => {
    const shape = [64, 32, 3, 3];
    const he = initWeights('he', shape, 1);
    const glorot = initWeights('glorot', shape, 1);
    const heBound = Math.sqrt(6 / (32 * 9));
    const glorotBound = Math.sqrt(6 / (32 * 9 + 64 * 9));
    expect(Math.max(...he.map(Math.abs))).toBeLessThanOrEqual(heBound);
    expect(Math.max(...glorot.map(Math.abs))).toBeLessThanOrEqual(glorotBound);
    const variance = he.reduce((s, v) => s + v * v, 0) / he.length;
    expect(variance).toBeCloseTo(heBound ** 2 / 3, 3); // uniform(-b, b) has variance b^2 / 3 = 2 / fan_in
  });

  it('is deterministic for a seed and differs between seeds and layers', () => {
    expect(Array.from(initWeights('he', [4, 3], 9))).toEqual(Array.from(initWeights('he', [4, 3], 9)));
    expect(Array.from(initWeights('he', [4, 3], 9))).not.toEqual(Array.from(initWeights('he', [4, 3], 10)));
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    const random = mulberry32(123);
    const values = Array.from({ length: 10000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b) / values.length).toBeCloseTo(0.5, 1);
  });
});
