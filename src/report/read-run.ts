// Reads a run directory's records for the report. run.json is required; each other file is optional,
// and its absence is noted. Malformed files are errors that name the file and the problem.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, type EpochRecord, type EvaluationRecord, type RunInfo } from '../app/run-files.js';
import { readExamples } from './examples.js';
import type { ExampleSpectrogram, RunReportInput } from './types.js';

function problem(path: string, what: string): never {
  throw new Error(`${path}: ${what}`);
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return problem(path, `not valid JSON (${(error as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberOrNull = (v: unknown) => v === null || typeof v === 'number';

function checkInfo(path: string, value: unknown): RunInfo {
  if (!isObject(value)) problem(path, 'expected a JSON object (RunInfo)');
  const v = value as Record<string, unknown>;
  if (typeof v.command !== 'string') problem(path, '"command" is not a string');
  if (!isObject(v.settings)) problem(path, '"settings" is not an object');
  if (!Array.isArray(v.labels) || !v.labels.every((l) => typeof l === 'string')) problem(path, '"labels" is not an array of strings');
  const splitOk = (s: unknown) => isObject(s) && ['train', 'val', 'test'].every((part) => Array.isArray(s[part]) && (s[part] as unknown[]).every(Number.isInteger));
  if (!Array.isArray(v.splits) || !v.splits.every(splitOk)) problem(path, '"splits" is not an array of { train, val, test } actor lists');
  return value as unknown as RunInfo;
}

const EPOCH_NUMBERS = ['fold', 'epoch', 'step', 'trainLoss', 'trainWA', 'lr', 'seconds'] as const;
const EPOCH_NULLABLE = ['valLoss', 'valWA', 'valUA'] as const;

/** metrics.jsonl is appended epoch by epoch: a run killed mid-write may leave a partial last line. */
function readEpochs(path: string, notes: string[]): EpochRecord[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const records: EpochRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isUnfinishedLast = i === lines.length - 1 && !text.endsWith('\n');
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      if (isUnfinishedLast) {
        notes.push(`${path}: the last line is incomplete (the run was stopped while writing it) and is left out.`);
        return;
      }
      problem(`${path}:${i + 1}`, `not valid JSON (${(error as Error).message})`);
    }
    if (!isObject(record)) problem(`${path}:${i + 1}`, 'expected a JSON object (EpochRecord)');
    const r = record as Record<string, unknown>;
    for (const key of EPOCH_NUMBERS) if (typeof r[key] !== 'number') problem(`${path}:${i + 1}`, `"${key}" is not a number`);
    for (const key of EPOCH_NULLABLE) if (!isNumberOrNull(r[key])) problem(`${path}:${i + 1}`, `"${key}" is not a number or null`);
    records.push(record as unknown as EpochRecord);
  });
  return records;
}

function checkEvaluations(path: string, value: unknown): EvaluationRecord[] {
  if (!Array.isArray(value)) problem(path, 'expected a JSON array of evaluations');
  return (value as unknown[]).map((e, i) => {
    const at = `${path}: evaluation ${i + 1}`;
    if (!isObject(e) || typeof e.name !== 'string' || typeof e.loss !== 'number' || !isObject(e.metrics)) {
      problem(at, 'expected { name, loss, metrics }');
    }
    const m = (e as { metrics: Record<string, unknown> }).metrics;
    const labels = m.labels;
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) problem(at, 'metrics.labels is not an array of strings');
    const K = (labels as string[]).length;
    const square = Array.isArray(m.confusion) && m.confusion.length === K && m.confusion.every((row) => Array.isArray(row) && row.length === K && row.every(Number.isFinite));
    if (!square) problem(at, `metrics.confusion is not a ${K} x ${K} matrix of counts`);
    if (!Array.isArray(m.perClass) || m.perClass.length !== K) problem(at, `metrics.perClass does not have ${K} entries`);
    for (const key of ['wa', 'ua', 'total'] as const) if (typeof m[key] !== 'number') problem(at, `metrics.${key} is not a number`);
    if (!Array.isArray(m.missing)) problem(at, 'metrics.missing is not an array');
    return e as unknown as EvaluationRecord;
  });
}

/** The records of run directory `dir`, and a note for each optional file it lacks. */
export function readRunDirectory(dir: string): RunReportInput {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) problem(dir, 'no such run directory');
  const infoPath = join(dir, RUN_FILES.info);
  if (!existsSync(infoPath)) problem(infoPath, 'not found: this is not a ser-gpu run directory');
  const notes: string[] = [];
  const info = checkInfo(infoPath, parseJson(infoPath, readFileSync(infoPath, 'utf8')));
  const optional = <T>(file: string, missing: string, read: (path: string) => T, empty: T): T => {
    const path = join(dir, file);
    if (existsSync(path)) return read(path);
    notes.push(`${file} not found: ${missing}`);
    return empty;
  };
  const epochs = optional(RUN_FILES.metrics, 'no training curves or per-epoch metrics.', (path) => readEpochs(path, notes), [] as EpochRecord[]);
  const evaluations = optional(
    RUN_FILES.evaluation,
    'no evaluation of the trained model (the run may still be training, or had no test actors).',
    (path) => checkEvaluations(path, parseJson(path, readFileSync(path, 'utf8'))),
    [] as EvaluationRecord[],
  );
  const examples = optional(RUN_FILES.examples, 'no example spectrograms.', readExamples, [] as ExampleSpectrogram[]);
  return { info, epochs, evaluations, examples, notes };
}
