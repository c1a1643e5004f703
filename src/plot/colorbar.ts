// A vertical colour bar: the colormap as a gradient, with value ticks on its right.
import { verticalAxis, frame, type Rect, type Tick } from './axes.js';
import { magma, type Colormap } from './colormap.js';
import { el } from './svg.js';

export interface ColorbarSpec {
  label: string;
  vmin: number;
  vmax: number;
  colormap?: Colormap;
  ticks?: Tick[];
}

const GRADIENT_STOPS = 32;

export function colorbar(area: Rect, { label, vmin, vmax, colormap = magma, ticks }: ColorbarSpec): string {
  const id = `colorbar-${Math.round(area.x)}-${Math.round(area.y)}`;
  const stops = Array.from({ length: GRADIENT_STOPS + 1 }, (_, i) => {
    const t = i / GRADIENT_STOPS;
    return el('stop', { offset: t, 'stop-color': colormap.css(t) });
  });
  return el(
    'g',
    {},
    el('defs', {}, el('linearGradient', { id, x1: 0, y1: 1, x2: 0, y2: 0 }, ...stops)),
    el('rect', { ...area, fill: `url(#${id})` }),
    frame(area),
    verticalAxis(area, { label, domain: [vmin, vmax], ticks }, 'right'),
  );
}
