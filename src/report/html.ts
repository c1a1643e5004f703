// Just enough HTML building: elements as strings, every text and attribute escaped, and the page shell
// with its inlined style sheet (the report opens offline: nothing is fetched).
import { escapeXml } from '../plot/svg.js';

/** Markup that is already safe; plain strings passed as children are escaped. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type Child = Html | string | number | null | undefined | false | readonly Child[];
export type Attributes = Record<string, string | number | boolean | undefined>;

function render(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (child instanceof Html) return child.markup;
  if (Array.isArray(child)) return child.map(render).join('');
  return escapeXml(String(child));
}

/** An element; void elements (img, meta, br) take no children. */
export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): Html {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escapeXml(String(v))}"`))
    .join('');
  const isVoid = ['img', 'meta', 'br', 'hr'].includes(tag);
  return new Html(isVoid ? `<${tag}${attrs}>` : `<${tag}${attrs}>${children.map(render).join('')}</${tag}>`);
}

export function fragment(...children: Child[]): Html {
  return new Html(children.map(render).join(''));
}

/** An SVG figure as an image (its own document: ids and styles of one chart cannot leak into another). */
export function svgImage(svg: string, alt: string): Html {
  const size = /<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
  return h('img', {
    src: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    alt,
    width: size?.[1],
    height: size?.[2],
  });
}

const STYLE = `
:root { --fg: #1c2230; --muted: #5b6576; --line: #e2e6ec; --soft: #f5f7fa; --accent: #1f5fa8; --warn: #f0b429; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 36px 28px 72px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 21px; margin: 44px 0 14px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 28px 0 10px; }
p { margin: 8px 0; }
.muted { color: var(--muted); }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 8px 0; }
nav { margin: 18px 0 0; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 16px; }
nav a:hover { text-decoration: underline; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 20px 0 4px; }
.card { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 150px; }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .label { font-size: 13px; color: var(--muted); }
.note { background: #fff8e6; border-left: 4px solid var(--warn); border-radius: 4px; padding: 8px 14px; margin: 10px 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
th.text, td.text { text-align: left; }
tr.best td { font-weight: 650; background: #eef5fc; }
tfoot td { border-top: 2px solid var(--line); font-weight: 650; }
table.settings td.text:first-child { color: var(--muted); white-space: nowrap; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); }
figure { margin: 16px 0 24px; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.side-by-side figure { margin-top: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 8px 20px; }
.grid figure { margin: 0; }
footer { margin-top: 56px; padding-top: 12px; border-top: 1px solid var(--line); font-size: 13px; color: var(--muted); }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } figure, tr { break-inside: avoid; } details > summary { display: none; } }
`;

export function page(title: string, body: Child[]): string {
  return (
    '<!DOCTYPE html>\n' +
    h(
      'html',
      { lang: 'en' },
      h('head', {}, h('meta', { charset: 'utf-8' }), h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }), h('title', {}, title), h('style', {}, new Html(STYLE))),
      h('body', {}, h('main', {}, ...body)),
    ).markup +
    '\n'
  );
}
