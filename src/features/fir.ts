// The polyphase resampler's design, as scipy.signal.resample_poly(x, up, down, window=('kaiser', 5.0)):
// up/down reduced by their gcd, a firwin low-pass of 20·max(up, down) + 1 taps at cutoff 1/max(up, down)
// (of Nyquist), gain `up`, aligned so that y[m] = Σ_i x[i] · h[m·down + halfLen - i·up].

export interface ResamplePlan {
  up: number;
  down: number;
  /** The filter's centre tap: taps.length = 2·halfLen + 1. */
  halfLen: number;
  taps: Float64Array;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The modified Bessel function of the first kind, order 0 (power series; converges for every x). */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; term > 1e-17 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** scipy.signal.windows.kaiser(n, beta, sym=True). */
export function kaiserWindow(n: number, beta: number): Float64Array {
  const alpha = (n - 1) / 2;
  const norm = besselI0(beta);
  return Float64Array.from({ length: n }, (_, i) => besselI0(beta * Math.sqrt(Math.max(0, 1 - ((i - alpha) / alpha) ** 2))) / norm);
}

/** scipy.signal.firwin(n, cutoff, window=('kaiser', beta)): a windowed-sinc low-pass with unit DC gain. */
export function firwinLowpass(n: number, cutoff: number, beta: number): Float64Array {
  const alpha = (n - 1) / 2;
  const window = kaiserWindow(n, beta);
  const h = Float64Array.from({ length: n }, (_, i) => {
    const x = cutoff * (i - alpha);
    return cutoff * (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * window[i];
  });
  const sum = h.reduce((s, v) => s + v, 0);
  return h.map((v) => v / sum);
}

export function resamplePlan(fromRate: number, toRate: number, beta = 5.0): ResamplePlan {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate < 1 || toRate < 1) {
    throw new Error(`resample: rates must be positive integers, got ${fromRate} -> ${toRate}`);
  }
  const g = gcd(toRate, fromRate);
  const up = toRate / g;
  const down = fromRate / g;
  if (up === 1 && down === 1) return { up, down, halfLen: 0, taps: Float64Array.of(1) }; // scipy returns a copy
  const maxRate = Math.max(up, down);
  const halfLen = 10 * maxRate;
  const taps = firwinLowpass(2 * halfLen + 1, 1 / maxRate, beta).map((v) => v * up);
  return { up, down, halfLen, taps };
}

/** ceil(n·up/down): scipy's output length. */
export function resampledLength(n: number, plan: ResamplePlan): number {
  return Math.ceil((n * plan.up) / plan.down);
}
