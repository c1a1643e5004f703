// A heatmap: a grid of values coloured through a colormap, drawn as one embedded raster image
// (a 64 x 300 spectrogram would otherwise be 19,200 SVG rectangles).
import { encodePngRgb } from './png.js';
import { magma, type Colormap } from './colormap.js';
import { el } from './svg.js';
import type { Rect } from './axes.js';

export interface Grid {
  /** Row-major [rows, cols]; row 0 is drawn at the bottom, as on a y axis. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
}

export interface ColorRange {
  vmin: number;
  vmax: number;
  colormap?: Colormap;
}

export function heatmapPng(grid: Grid, { vmin, vmax, colormap = magma }: ColorRange): Uint8Array {
  const { values, rows, cols } = grid;
  if (values.length !== rows * cols) throw new Error(`heatmap: ${values.length} values for a ${rows}x${cols} grid`);
  const rgb = new Uint8Array(rows * cols * 3);
  const span = vmax - vmin || 1;
  for (let r = 0; r < rows; r++) {
    const imageRow = rows - 1 - r;
    for (let c = 0; c < cols; c++) {
      const i = colormap.index((values[r * cols + c] - vmin) / span) * 3;
      rgb.set(colormap.table.subarray(i, i + 3), (imageRow * cols + c) * 3);
    }
  }
  return encodePngRgb(cols, rows, rgb);
}

/** The heatmap stretched over `area`, each cell a crisp block (no smoothing between cells). */
export function heatmap(area: Rect, grid: Grid, range: ColorRange): string {
  const href = `data:image/png;base64,${Buffer.from(heatmapPng(grid, range)).toString('base64')}`;
  return el('image', { ...area, href, preserveAspectRatio: 'none', 'image-rendering': 'optimizeSpeed' });
}
