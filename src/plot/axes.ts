// Scales, tick choice and axis drawing shared by every chart.
import { el, text } from './svg.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tick {
  /** In the axis's data coordinates. */
  value: number;
  label: string;
}

export interface AxisSpec {
  label: string;
  /** Data coordinates of the left/bottom and right/top edges of the plot area. */
  domain: readonly [number, number];
  /** Default: linearTicks over the domain. */
  ticks?: Tick[];
}

export const AXIS_STYLE = { color: '#222', fontSize: 13, labelSize: 14, tickLength: 5 };

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  return (value) => r0 + ((value - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

/** Round-number tick values (1, 2 or 5 times a power of ten apart) inside [min, max]. */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / target;
  const exponent = Math.floor(Math.log10(rough));
  const multiple = [1, 2, 5, 10].find((m) => m * 10 ** exponent >= rough) ?? 10;
  // Tick k is k * multiple * 10^exponent; dividing by 10^-exponent keeps 0.3 from becoming 0.30000000000000004.
  const tick = (k: number) => (exponent < 0 ? (k * multiple) / 10 ** -exponent : k * multiple * 10 ** exponent);
  const step = multiple * 10 ** exponent;
  const ticks: number[] = [];
  // A millionth of a step of slack keeps ticks that sit on the domain edges despite rounding.
  for (let k = Math.ceil(min / step - 1e-6); tick(k) <= max + step * 1e-6; k++) ticks.push(tick(k) || 0);
  return ticks;
}

/** Enough decimals to tell neighbouring ticks apart, and no more. */
export function formatTicks(values: number[]): Tick[] {
  const step = values.length > 1 ? Math.abs(values[1] - values[0]) : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return values.map((value) => ({ value, label: value.toFixed(decimals) }));
}

export function linearTicks(domain: readonly [number, number], target = 6): Tick[] {
  return formatTicks(niceTicks(Math.min(...domain), Math.max(...domain), target));
}

function inDomain(value: number, domain: readonly [number, number]): boolean {
  const slack = Math.abs(domain[1] - domain[0]) * 1e-9;
  return value >= Math.min(...domain) - slack && value <= Math.max(...domain) + slack;
}

export function bottomAxis(area: Rect, axis: AxisSpec): string {
  const { color, fontSize, labelSize, tickLength } = AXIS_STYLE;
  const x = linearScale(axis.domain, [area.x, area.x + area.width]);
  const bottom = area.y + area.height;
  const parts = (axis.ticks ?? linearTicks(axis.domain))
    .filter((tick) => inDomain(tick.value, axis.domain))
    .map((tick) =>
      el('line', { x1: x(tick.value), x2: x(tick.value), y1: bottom, y2: bottom + tickLength, stroke: color }) +
      text(x(tick.value), bottom + tickLength + fontSize + 2, tick.label, { 'font-size': fontSize, 'text-anchor': 'middle', fill: color }),
    );
  parts.push(text(area.x + area.width / 2, bottom + tickLength + fontSize + labelSize + 12, axis.label, { 'font-size': labelSize, 'text-anchor': 'middle', fill: color }));
  return el('g', {}, ...parts);
}

/** A vertical axis on the left (side 'left') or right (side 'right') edge of `area`. */
export function verticalAxis(area: Rect, axis: AxisSpec, side: 'left' | 'right' = 'left'): string {
  const { color, fontSize, labelSize, tickLength } = AXIS_STYLE;
  const y = linearScale(axis.domain, [area.y + area.height, area.y]);
  const edge = side === 'left' ? area.x : area.x + area.width;
  const out = side === 'left' ? -1 : 1;
  const ticks = (axis.ticks ?? linearTicks(axis.domain)).filter((tick) => inDomain(tick.value, axis.domain));
  const parts = ticks.map(
    (tick) =>
      el('line', { x1: edge, x2: edge + out * tickLength, y1: y(tick.value), y2: y(tick.value), stroke: color }) +
      text(edge + out * (tickLength + 3), y(tick.value) + fontSize * 0.35, tick.label, {
        'font-size': fontSize,
        'text-anchor': side === 'left' ? 'end' : 'start',
        fill: color,
      }),
  );
  // Place the axis label just beyond the widest tick label (about 0.6 em per character).
  const widest = Math.max(0, ...ticks.map((tick) => tick.label.length)) * fontSize * 0.6;
  const labelX = edge + out * (tickLength + 3 + widest + 8 + labelSize / 2);
  const labelY = area.y + area.height / 2;
  parts.push(
    text(labelX, labelY, axis.label, {
      'font-size': labelSize,
      'text-anchor': 'middle',
      'dominant-baseline': 'central',
      fill: color,
      transform: `rotate(${out * 90} ${labelX} ${labelY})`,
    }),
  );
  return el('g', {}, ...parts);
}

export function frame(area: Rect): string {
  return el('rect', { ...area, fill: 'none', stroke: AXIS_STYLE.color, 'stroke-width': 1 });
}
