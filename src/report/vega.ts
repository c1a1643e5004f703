// Vega-Lite specs compiled to Vega and rendered headless to SVG. The look every report chart shares
// lives here, so the charts themselves hold only their data and encodings.
import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';

/** The font resvg renders (src/plot/render.ts); browsers fall back to their sans-serif. */
const FONT = 'DejaVu Sans, sans-serif';

export const CHART_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 16,
  title: { fontSize: 16, fontWeight: 'bold', subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 12, color: '#111' },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', symbolStrokeWidth: 2.5 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  view: { stroke: '#ccc' },
  concat: { spacing: 36 },
};

/** Train in blue, validation in orange everywhere (Tableau 10, readable for the common colour blindnesses). */
export const PART_COLORS = { train: '#1f77b4', validation: '#ff7f0e' } as const;

export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: compiled } = compile({ ...spec, config: { ...CHART_CONFIG, ...spec.config } } as TopLevelSpec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
