// A complete heatmap figure: title, heatmap with x and y axes, colour bar. Spectrograms use it now;
// confusion matrices and other grids can reuse it.
import { bottomAxis, frame, verticalAxis, type AxisSpec } from './axes.js';
import { colorbar, type ColorbarSpec } from './colorbar.js';
import { heatmap, type Grid } from './heatmap.js';
import { svgDocument, text } from './svg.js';

export interface HeatmapChartSpec {
  title: string;
  /** A smaller second line under the title: parameters, source. */
  subtitle?: string;
  grid: Grid;
  /** Domains span the outer edges of the first and last column (x) and row (y). */
  x: AxisSpec;
  y: AxisSpec;
  colorbar: ColorbarSpec;
  width?: number;
  height?: number;
}

const MARGIN = { top: 44, right: 112, bottom: 58, left: 84 };
const SUBTITLE_HEIGHT = 16;
const COLORBAR_GAP = 16;
const COLORBAR_WIDTH = 16;

export function heatmapChart(spec: HeatmapChartSpec): string {
  const width = spec.width ?? 900;
  const height = spec.height ?? 420;
  const top = MARGIN.top + (spec.subtitle ? SUBTITLE_HEIGHT : 0);
  const area = {
    x: MARGIN.left,
    y: top,
    width: width - MARGIN.left - MARGIN.right,
    height: height - top - MARGIN.bottom,
  };
  const bar = { x: area.x + area.width + COLORBAR_GAP, y: area.y, width: COLORBAR_WIDTH, height: area.height };
  return svgDocument(width, height, [
    text(width / 2, 26, spec.title, { 'font-size': 17, 'font-weight': 'bold', 'text-anchor': 'middle', fill: '#111' }),
    spec.subtitle ? text(width / 2, 26 + SUBTITLE_HEIGHT + 2, spec.subtitle, { 'font-size': 12, 'text-anchor': 'middle', fill: '#555' }) : '',
    heatmap(area, spec.grid, spec.colorbar),
    frame(area),
    bottomAxis(area, spec.x),
    verticalAxis(area, spec.y, 'left'),
    colorbar(bar, spec.colorbar),
  ]);
}
