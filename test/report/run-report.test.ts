import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../src/app/run-files.js';
import { escapeXml } from '../../src/plot/svg.js';
import { fixed, percent } from '../../src/report/format.js';
import { writeEvaluationReport, writeRunReport, type WrittenReport } from '../../src/report/index.js';
import { scratchFolder } from '../audio/fixtures.js';
import { epochRecords, evaluations, runInfo, writeRunFixture } from './fixture.js';
import { decodePng } from './png-check.js';

const HOSTILE = '<b>&"';

/** Every src= and href= of the page: offline means data: URIs and in-page anchors only. */
function links(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]);
}

function svgSize(svg: string): [number, number] {
  const m = /<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg)!;
  return [Math.round(Number(m[1])), Math.round(Number(m[2]))];
}

describe('writeRunReport on a 2-fold, 30-epoch, 8-label run', () => {
  const dir = join(scratchFolder(), 'run');
  let written: WrittenReport;
  let html: string;
  beforeAll(async () => {
    writeRunFixture(dir);
    written = await writeRunReport(dir);
    html = readFileSync(join(dir, RUN_FILES.report), 'utf8');
  });

  it('writes a PNG and an SVG of every figure into DIR/plots', () => {
    const labels = runInfo().labels;
    const stems = ['training-curves', 'confusion-1', 'confusion-2', 'per-class-1', 'per-class-2', ...labels.map((l, i) => `spectrogram-${i + 1}-${l}`)];
    const expected = stems.flatMap((s) => [`${s}.png`, `${s}.svg`]).sort();
    expect(readdirSync(join(dir, RUN_FILES.plots)).sort()).toEqual(expected);
    expect(written.plots.map((p) => p.slice(join(dir, RUN_FILES.plots).length + 1)).sort()).toEqual(expected);
    expect(written.notes).toEqual([]);
  });

  it('writes PNGs that decode, at the size of their SVG', () => {
    for (const file of readdirSync(join(dir, RUN_FILES.plots)).filter((f) => f.endsWith('.png'))) {
      const png = decodePng(readFileSync(join(dir, RUN_FILES.plots, file)));
      const [width, height] = svgSize(readFileSync(join(dir, RUN_FILES.plots, file.replace(/png$/, 'svg')), 'utf8'));
      expect([png.width, png.height], file).toEqual([width, height]);
      expect(width, file).toBeGreaterThan(400);
    }
    // The spectrograms are drawn smaller than `ser-gpu plot spectrogram`'s, two to a row in the page.
    expect(decodePng(readFileSync(join(dir, RUN_FILES.plots, 'spectrogram-1-neutral.png')))).toEqual({ width: 560, height: 320 });
  });

  it('draws a loss and an accuracy panel per fold, and the confusion counts in the cells', () => {
    const curves = readFileSync(join(dir, RUN_FILES.plots, 'training-curves.svg'), 'utf8');
    for (const title of ['fold 1: loss', 'fold 1: accuracy', 'fold 2: loss', 'fold 2: accuracy', 'validation', 'UA (mean recall)']) expect(curves).toContain(`>${title}<`);
    const { metrics } = evaluations()[1];
    const confusion = readFileSync(join(dir, RUN_FILES.plots, 'confusion-2.svg'), 'utf8');
    const texts = [...confusion.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const label of metrics.labels) expect(texts.filter((t) => t === label).length, label).toBe(2 * 2); // both axes of both panels
    const diagonal = metrics.labels.map((_, k) => metrics.confusion[k][k]);
    for (const count of diagonal) expect(texts).toContain(String(count));
    expect(texts).toContain(`${Math.round((100 * diagonal[0]) / metrics.perClass[0].support)}%`);
  });

  it('is self-contained: every image inlined, nothing fetched', () => {
    const found = links(html);
    expect(found.length).toBeGreaterThan(13);
    for (const link of found) expect(link).toMatch(/^(data:image\/(svg\+xml|png);base64,|#)/);
    expect(html).not.toMatch(/<link|<script|@import|url\(\s*['"]?https?:/i);
    expect(html.match(/<img /g)).toHaveLength(13);
  });

  it('holds the settings, the split, every epoch and the metrics of each fold', () => {
    const info = runInfo();
    expect(html).toContain(escapeXml(info.command));
    expect(html).toContain('1, 3, 5, 7, 9, 11, 13, 15 (8)'); // fold 1 training actors
    expect(html).toContain('2, 4, 6, 8, 10, 12, 14, 16, 18, 20 (10)'); // fold 1 test actors
    for (const e of epochRecords()) expect(html).toContain(`<td>${fixed(e.trainLoss)}</td><td>${percent(e.trainWA)}</td><td>${fixed(e.valLoss)}</td>`);
    for (const { metrics, loss } of evaluations()) {
      expect(html).toContain(`<div class="value">${percent(metrics.wa)}</div>`);
      expect(html).toContain(`<div class="value">${percent(metrics.ua)}</div>`);
      expect(html).toContain(`<div class="value">${fixed(loss)}</div>`);
      for (const c of metrics.perClass) expect(html).toContain(`<td class="text">${c.label}</td><td>${percent(c.precision)}</td><td>${percent(c.recall)}</td><td>${percent(c.f1)}</td><td>${c.support}</td>`);
    }
    const [wa1, wa2] = evaluations().map((e) => e.metrics.wa);
    const mean = (wa1 + wa2) / 2;
    const std = Math.abs(wa1 - wa2) / Math.SQRT2;
    expect(html).toContain(`${percent(mean)} ± ${percent(std)}`);
  });

  it('leaves no temporary file behind', () => {
    const all = [...readdirSync(dir), ...readdirSync(join(dir, RUN_FILES.plots))];
    expect(all.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('escaping', () => {
  const labels = ['neutral', HOSTILE, 'angry'];

  it('escapes a label in the page and keeps every chart valid', async () => {
    const dir = join(scratchFolder(), 'hostile');
    writeRunFixture(dir, { labels, folds: 1, epochs: 5 });
    await writeRunReport(dir);
    const html = readFileSync(join(dir, RUN_FILES.report), 'utf8');
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<b>');
    expect(html).toContain(`<td class="text">${escapeXml(HOSTILE)}</td>`);
    expect(html).toContain(`labels: neutral, ${escapeXml(HOSTILE)}, angry`);
    // The charts are SVG documents of their own: the label is escaped there too, and they still render.
    const confusion = readFileSync(join(dir, RUN_FILES.plots, 'confusion.svg'), 'utf8');
    expect(confusion).not.toContain(HOSTILE);
    expect(confusion).toMatch(/&lt;b&gt;&amp;(&quot;|")/);
    expect(existsSync(join(dir, RUN_FILES.plots, 'spectrogram-2-b.png'))).toBe(true);
    decodePng(readFileSync(join(dir, RUN_FILES.plots, 'confusion.png')));
  });
});

describe('a run directory with files missing or damaged', () => {
  it('writes the report from run.json alone, noting each missing file', async () => {
    const dir = join(scratchFolder(), 'bare');
    writeRunFixture(dir, { without: ['metrics', 'evaluation', 'examples'] });
    const { notes, plots } = await writeRunReport(dir);
    expect(plots).toEqual([]);
    expect(notes.map((n) => n.split(' ')[0])).toEqual([RUN_FILES.metrics, RUN_FILES.evaluation, RUN_FILES.examples]);
    const html = readFileSync(join(dir, RUN_FILES.report), 'utf8');
    for (const note of notes) expect(html).toContain(escapeXml(note));
    expect(html).toContain('id="split"');
    expect(html).not.toContain('id="training"');
  });

  it('removes the plots of an earlier report that the new one lacks, and nothing else', async () => {
    const dir = join(scratchFolder(), 'rerun');
    writeRunFixture(dir, { folds: 2, epochs: 3, without: ['examples'] });
    await writeRunReport(dir);
    writeFileSync(join(dir, RUN_FILES.plots, 'my-figure.png'), 'mine');
    writeFileSync(join(dir, RUN_FILES.evaluation), JSON.stringify(evaluations({ folds: 2 }).slice(0, 1)));
    await writeRunReport(dir);
    const stems = ['training-curves', 'confusion', 'per-class'];
    expect(readdirSync(join(dir, RUN_FILES.plots)).sort()).toEqual([...stems.flatMap((s) => [`${s}.png`, `${s}.svg`]), 'my-figure.png'].sort());
  });

  it('draws the curves of a run stopped after its first epoch, before any evaluation', async () => {
    const dir = join(scratchFolder(), 'one-epoch');
    writeRunFixture(dir, { folds: 1, epochs: 1, without: ['evaluation', 'examples'] });
    const { plots } = await writeRunReport(dir);
    expect(plots.map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual(['training-curves.png', 'training-curves.svg']);
    expect(readFileSync(join(dir, RUN_FILES.plots, 'training-curves.svg'), 'utf8')).toContain('>1 epoch<');
  });

  it('needs run.json', async () => {
    const dir = join(scratchFolder(), 'no-info');
    writeRunFixture(dir, { without: ['info'] });
    await expect(writeRunReport(dir)).rejects.toThrow(`${join(dir, RUN_FILES.info)}: not found`);
  });

  it('skips a half-written last line of metrics.jsonl with a note, and names a bad line elsewhere', async () => {
    const dir = join(scratchFolder(), 'partial');
    writeRunFixture(dir, { folds: 1, epochs: 4 });
    appendFileSync(join(dir, RUN_FILES.metrics), '{"fold":0,"epoch":5,"st');
    const { notes } = await writeRunReport(dir);
    expect(notes).toEqual([expect.stringContaining('the last line is incomplete')]);
    const lines = readFileSync(join(dir, RUN_FILES.metrics), 'utf8').split('\n');
    writeFileSync(join(dir, RUN_FILES.metrics), [lines[0], 'not json', ...lines.slice(1, 4)].join('\n') + '\n');
    await expect(writeRunReport(dir)).rejects.toThrow(`${join(dir, RUN_FILES.metrics)}:2: not valid JSON`);
  });

  it('names the file and the field of a malformed record', async () => {
    const dir = join(scratchFolder(), 'malformed');
    writeRunFixture(dir, { folds: 1, epochs: 3 });
    const bad = evaluations({ folds: 1 });
    bad[0].metrics.confusion.pop();
    writeFileSync(join(dir, RUN_FILES.evaluation), JSON.stringify(bad));
    await expect(writeRunReport(dir)).rejects.toThrow(`${join(dir, RUN_FILES.evaluation)}: evaluation 1: metrics.confusion is not a 8 x 8 matrix`);
    writeFileSync(join(dir, RUN_FILES.info), JSON.stringify({ ...runInfo(), splits: 'all' }));
    await expect(writeRunReport(dir)).rejects.toThrow(`${join(dir, RUN_FILES.info)}: "splits" is not an array`);
  });
});

describe('writeEvaluationReport', () => {
  it('writes one self-contained page with the metrics, the per-class table and both charts', async () => {
    const file = join(scratchFolder(), 'reports', 'eval.html');
    const [evaluation] = evaluations({ folds: 1, labels: ['neutral', HOSTILE, 'calm', 'happy'] });
    await writeEvaluationReport(file, [evaluation], { command: 'ser-gpu evaluate --data a.zip --report eval.html', model: 'runs/x/best', data: ['a.zip'], settings: { labelMap: { kalm: 'calm' } } });
    const html = readFileSync(file, 'utf8');
    for (const link of links(html)) expect(link).toMatch(/^(data:image\/svg\+xml;base64,|#)/);
    expect(html.match(/<img /g)).toHaveLength(2);
    expect(html).toContain('Evaluation of runs/x/best');
    expect(html).toContain(`<div class="value">${percent(evaluation.metrics.wa)}</div>`);
    expect(html).toContain(`<div class="value">${percent(evaluation.metrics.ua)}</div>`);
    expect(html).toContain(`<td class="text">${escapeXml(HOSTILE)}</td>`);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(escapeXml('{"kalm":"calm"}'));
  });

  it('reports classes the data lacks', async () => {
    const file = join(scratchFolder(), 'missing.html');
    const [evaluation] = evaluations({ folds: 1, labels: ['neutral', 'calm', 'happy'] });
    const metrics = evaluation.metrics;
    metrics.confusion[2] = [0, 0, 0];
    metrics.perClass[2] = { ...metrics.perClass[2], support: 0, recall: 0, f1: 0 };
    metrics.missing = ['happy'];
    await writeEvaluationReport(file, [{ ...evaluation, metrics }]);
    expect(readFileSync(file, 'utf8')).toContain('No clips of happy: left out of UA');
  });
});
