import { Resvg } from '@resvg/resvg-js';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { linearTicks, niceTicks } from '../../src/plot/axes.js';
import { magma } from '../../src/plot/colormap.js';
import { heatmapChart } from '../../src/plot/heatmap-chart.js';
import { encodePngRgb } from '../../src/plot/png.js';
import { renderPng } from '../../src/plot/render.js';
import { melTicks } from '../../src/plot/spectrogram.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('colormap', () => {
  it('matches the published magma end points and gets lighter along the map', () => {
    expect(magma.rgb(0)).toEqual([0, 0, 4]);
    expect(magma.rgb(1)).toEqual([252, 253, 191]);
    expect(magma.rgb(0.5)).toEqual([183, 55, 121]);
    const luminance = (t: number) => magma.rgb(t).reduce((a, b) => a + b, 0);
    for (let t = 0; t < 1; t += 0.05) expect(luminance(t + 0.05)).toBeGreaterThan(luminance(t));
  });

  it('clamps out-of-range values and maps NaN to the lowest colour', () => {
    expect(magma.rgb(-3)).toEqual(magma.rgb(0));
    expect(magma.rgb(7)).toEqual(magma.rgb(1));
    expect(magma.rgb(NaN)).toEqual(magma.rgb(0));
  });
});

describe('ticks', () => {
  it('picks steps of 1, 2 or 5 times a power of ten inside the domain', () => {
    expect(niceTicks(0, 4)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(-80, 0)).toEqual([-80, -60, -40, -20, 0]);
    expect(niceTicks(0.13, 0.61)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(linearTicks([0, 0.5]).map((t) => t.label)).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4', '0.5']);
  });
});

describe('PNG encoder', () => {
  it('writes a signature, IHDR with the size, and the pixels as zlib scanlines', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
    const png = encodePngRgb(2, 2, rgb);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const view = new DataView(png.buffer);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([2, 2]);
    const idatLength = view.getUint32(33);
    expect(new TextDecoder().decode(png.subarray(37, 41))).toBe('IDAT');
    const raw = unzlibSync(png.subarray(41, 41 + idatLength));
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 9, 9, 9]);
  });
});

describe('heatmap chart', () => {
  const chart = heatmapChart({
    title: 'A test grid',
    // Bottom row 0 (vmin), top row 1 (vmax).
    grid: { values: [0, 0, 0, 1, 1, 1], rows: 2, cols: 3 },
    x: { label: 'Time (s)', domain: [0, 3] },
    y: { label: 'Row', domain: [0, 2] },
    colorbar: { label: 'dB', vmin: 0, vmax: 1 },
  });

  it('renders to a PNG of the chart size with the heatmap cells in colormap colours', () => {
    const png = renderPng(chart);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const image = new Resvg(chart, { font: { defaultFontFamily: 'DejaVu Sans' } }).render();
    expect([image.width, image.height]).toEqual([900, 420]);
    const pixels = image.pixels; // a getter that copies the whole image
    const pixel = (x: number, y: number) => [...pixels.subarray((y * 900 + x) * 4, (y * 900 + x) * 4 + 3)];
    // The plot area spans x 84..788, y 44..362: sample the middle of the top and bottom rows.
    expect(pixel(436, 120)).toEqual(magma.rgb(1));
    expect(pixel(436, 290)).toEqual(magma.rgb(0));
  });

  it('draws its text (a font was found)', () => {
    const pixels = new Resvg(chart, { font: { defaultFontFamily: 'DejaVu Sans' } }).render().pixels;
    let dark = 0;
    // The title band above the plot area holds only text.
    for (let y = 5; y < 40; y++) for (let x = 300; x < 600; x++) if (pixels[(y * 900 + x) * 4] < 128) dark++;
    expect(dark).toBeGreaterThan(50);
  });
});

describe('Mel frequency ticks', () => {
  it('labels round frequencies in Hz at their Mel positions, spaced apart', () => {
    const ticks = melTicks(0, 8000, false);
    expect(ticks.map((t) => t.label)).toEqual(['0', '500', '1000', '2000', '3000', '4000', '5000', '8000']);
    // Slaney's scale is linear below 1 kHz: 1000 Hz is 15 Mel, 500 Hz 7.5.
    expect(ticks[1].value).toBeCloseTo(7.5, 10);
    expect(ticks[2].value).toBeCloseTo(15, 10);
    const span = ticks.at(-1)!.value;
    for (let i = 1; i < ticks.length; i++) expect(ticks[i].value - ticks[i - 1].value).toBeGreaterThanOrEqual(0.07 * span);
  });

  it('keeps to the fmin..fmax range', () => {
    const values = melTicks(300, 4000, true).map((t) => Number(t.label));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...values)).toBeLessThanOrEqual(4000);
    expect(values).toContain(1000);
  });
});
