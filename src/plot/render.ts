// SVG to PNG through resvg. Chart text needs a font: the system's fonts, or SER_GPU_FONT=/path/font.ttf.
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { writeFileAtomic } from '../io/atomic.js';

const FONT_HINT =
  'no font found for chart text: install one (Debian/Ubuntu: apt-get install fonts-dejavu-core) or set SER_GPU_FONT to a .ttf/.otf file';

function fontOptions(): ResvgRenderOptions['font'] {
  const file = process.env.SER_GPU_FONT;
  return file
    ? { loadSystemFonts: false, fontFiles: [file], defaultFontFamily: '' }
    : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };
}

let fontChecked = false;

/** resvg silently drops text it has no font for; a probe text with no bounding box means no font loaded. */
function assertFontAvailable(font: ResvgRenderOptions['font']): void {
  if (fontChecked) return;
  const probe = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-size="12">Hz</text></svg>';
  if (!new Resvg(probe, { font }).getBBox()) throw new Error(FONT_HINT);
  fontChecked = true;
}

export function renderPng(svg: string, scale = 1): Uint8Array {
  const font = fontOptions();
  assertFontAvailable(font);
  const image = new Resvg(svg, { font, fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale } }).render();
  return image.asPng();
}

/** Writes `<out>.png` as a PNG, or the SVG itself when the name ends in .svg. */
export function writeChart(path: string, svg: string): void {
  writeFileAtomic(path, path.toLowerCase().endsWith('.svg') ? svg : renderPng(svg));
}
