// Every figure of a report, as SVG in memory, and their PNG + SVG files in DIR/plots/.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EpochRecord, EvaluationRecord } from '../app/run-files.js';
import { writeFileAtomic } from '../io/atomic.js';
import { renderPng } from '../plot/render.js';
import { spectrogramChart } from '../plot/spectrogram.js';
import { confusionSpec } from './charts/confusion.js';
import { perClassSpec } from './charts/per-class.js';
import { trainingCurvesSpec } from './charts/training-curves.js';
import type { ExampleSpectrogram } from './types.js';
import { vegaLiteSvg } from './vega.js';

export interface Plot {
  /** File stem in DIR/plots/: letters, digits and dashes only. */
  name: string;
  title: string;
  svg: string;
}

export interface EvaluationPlots {
  confusion: Plot;
  perClass: Plot;
}

/** "fear & <loathing>" -> "fear-loathing": safe in a file name and a URL. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

export async function trainingCurvesPlot(epochs: readonly EpochRecord[]): Promise<Plot> {
  return { name: 'training-curves', title: 'Training curves', svg: await vegaLiteSvg(trainingCurvesSpec(epochs)) };
}

/** One confusion and one per-class chart per evaluation; numbered when there are several. */
export async function evaluationPlots(evaluations: readonly EvaluationRecord[]): Promise<EvaluationPlots[]> {
  return Promise.all(
    evaluations.map(async ({ name, metrics }, i) => {
      const suffix = evaluations.length > 1 ? `-${i + 1}` : '';
      return {
        confusion: { name: `confusion${suffix}`, title: `Confusion matrix: ${name}`, svg: await vegaLiteSvg(confusionSpec(metrics, name)) },
        perClass: { name: `per-class${suffix}`, title: `Per-class metrics: ${name}`, svg: await vegaLiteSvg(perClassSpec(metrics, name)) },
      };
    }),
  );
}

/** Sized for two per row in the report. */
export function examplePlots(examples: readonly ExampleSpectrogram[]): Plot[] {
  return examples.map((example, i) => ({
    name: `spectrogram-${i + 1}-${slug(example.label)}`,
    title: `Mel spectrogram: ${example.label}`,
    svg: spectrogramChart(example, {
      title: example.label,
      subtitle: example.source ? basename(example.source.replaceAll('\\', '/')) : undefined,
      width: 560,
      height: 320,
    }),
  }));
}

/** The names writePlots gives files; other files in the folder are the user's and stay. */
const PLOT_FILE = /^(training-curves|confusion(-\d+)?|per-class(-\d+)?|spectrogram-\d+-[a-z0-9-]+)\.(png|svg)$/;

/**
 * Writes `<name>.svg` and `<name>.png` of each plot into `folder` (all drawn first) and removes plots of
 * an earlier report that this one no longer has (a fold fewer, another label set). Returns the paths.
 */
export function writePlots(folder: string, plots: readonly Plot[]): string[] {
  const files = plots.flatMap(({ name, svg }): [string, string | Uint8Array][] => [
    [join(folder, `${name}.png`), renderPng(svg)],
    [join(folder, `${name}.svg`), svg],
  ]);
  const current = new Set(files.map(([path]) => basename(path)));
  const stale = existsSync(folder) ? readdirSync(folder).filter((file) => PLOT_FILE.test(file) && !current.has(file)) : [];
  mkdirSync(folder, { recursive: true });
  for (const [path, data] of files) writeFileAtomic(path, data);
  for (const file of stale) rmSync(join(folder, file));
  return files.map(([path]) => path);
}
