// The run report: plots (vega-lite, rendered headless) and a self-contained report.html, from a run
// directory's files or from an evaluation. No GPU and no training here.
export { writeRunReport, runReportHtml, runReportPlots, type WrittenReport, type RunReportPlots } from './run-report.js';
export { writeEvaluationReport, evaluationReportHtml, type EvaluationReportContext } from './evaluation-report.js';
export { readRunDirectory } from './read-run.js';
export { readExamples, writeExamples, EXAMPLES_FORMAT } from './examples.js';
export type { ExampleSpectrogram, RunReportInput } from './types.js';
