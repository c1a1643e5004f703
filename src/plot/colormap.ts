// Perceptual colormaps as lookup tables, interpolated linearly between published anchor points.
// Magma: every 16th entry (and the last) of the 256-entry table by Nathaniel J. Smith and Stéfan
// van der Walt (CC0), as shipped in matplotlib's _cm_listed.py.

export type Rgb = readonly [number, number, number];

/** Anchors evenly spaced over [0, 1], channels in [0, 1]. */
export type ColormapAnchors = readonly Rgb[];

export const MAGMA: ColormapAnchors = [
  [0.001462, 0.000466, 0.013866],
  [0.039608, 0.03109, 0.133515],
  [0.113094, 0.065492, 0.276784],
  [0.211718, 0.061992, 0.418647],
  [0.316654, 0.07169, 0.48538],
  [0.414709, 0.110431, 0.504662],
  [0.512831, 0.148179, 0.507648],
  [0.613617, 0.181811, 0.498536],
  [0.716387, 0.214982, 0.47529],
  [0.816914, 0.255895, 0.436461],
  [0.904281, 0.31961, 0.388137],
  [0.960949, 0.418323, 0.35963],
  [0.9867, 0.535582, 0.38221],
  [0.996096, 0.653659, 0.446213],
  [0.996898, 0.769591, 0.534892],
  [0.99244, 0.88433, 0.640099],
  [0.987053, 0.991438, 0.749504],
];

/** A 256-entry RGB table (8 bits per channel), so colouring a pixel is one index. */
export class Colormap {
  readonly table: Uint8Array;

  constructor(anchors: ColormapAnchors, readonly size = 256) {
    this.table = new Uint8Array(size * 3);
    const last = anchors.length - 1;
    for (let i = 0; i < size; i++) {
      const position = (i / (size - 1)) * last;
      const lower = Math.min(Math.floor(position), last - 1);
      const weight = position - lower;
      for (let c = 0; c < 3; c++) {
        const value = anchors[lower][c] * (1 - weight) + anchors[lower + 1][c] * weight;
        this.table[i * 3 + c] = Math.round(value * 255);
      }
    }
  }

  /** The table index of t in [0, 1]; values outside are clamped, NaN maps to the lowest colour. */
  index(t: number): number {
    if (!(t > 0)) return 0;
    return Math.min(this.size - 1, Math.round(t * (this.size - 1)));
  }

  rgb(t: number): Rgb {
    const i = this.index(t) * 3;
    return [this.table[i], this.table[i + 1], this.table[i + 2]];
  }

  css(t: number): string {
    const [r, g, b] = this.rgb(t);
    return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  }
}

export const magma = new Colormap(MAGMA);
