// Vega-Lite specs compiled to Vega and rendered headless to SVG. The look every report chart shares
// lives here, so the charts themselves hold only their data and encodings.
import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';

/** The font resvg renders (src/plot/render.ts); browsers fall back to their sans-serif. */
const FONT = 'DejaVu Sans, sans-serif';

/** Advance widths of DejaVu Sans in em (measured through resvg), rounded up: estimates err a little wide. */
const EM_WIDTHS: [RegExp, number][] = [
  [/[ijl.,:;'!|]/, 0.3],
  [/[ ftr()[\]/\\"-]/, 0.42],
  [/[mwMW%@]/, 1.0],
  [/[+=<>~^*#$&]/, 0.84],
  [/[A-Z]/, 0.74],
  [/[a-z0-9_?]/, 0.64],
];
const OTHER_EM_WIDTH = 0.8;

function charWidth(c: string): number {
  for (const [pattern, width] of EM_WIDTHS) if (pattern.test(c)) return width;
  return OTHER_EM_WIDTH;
}

/**
 * vega lays out labels, legends and titles by measuring text on a canvas, or without one (here) by
 * guessing 0.8 em a character, which leaves every axis title and legend entry far from its neighbour.
 * vega lets a renderer replace the measure (as vl-convert does); this one knows the chart font.
 */
const { textMetrics } = vega as unknown as { textMetrics: { width: (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => number } };
textMetrics.width = (item, text) => {
  const line = text === null || text === undefined ? '' : String(text).trim();
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  let em = 0;
  for (const c of line) em += charWidth(c);
  return em * (item.fontSize ?? 11) * (bold ? 1.12 : 1);
};

export const CHART_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 16,
  title: { fontSize: 16, fontWeight: 'bold', subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 12, color: '#111' },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', symbolStrokeWidth: 2.5, padding: 6 },
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
