// Turns the user's inputs (folders, zip archives, label CSVs, single files) into one sorted list of
// labelled clips without decoding any audio. Labels come, in order of preference, from a CSV row,
// a RAVDESS file name, or the name of the folder holding the file (the TESS layout).
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, posix } from 'node:path';
import { isAudioFileName, listZipAudio, splitZipSource, zipSource } from '../audio/index.js';
import { fileReadProblem, InvalidFileError } from '../io/errors.js';
import { readLabelCsv } from './label-csv.js';
import { parseRavdessName, RAVDESS_EMOTIONS, type RavdessMeta } from './ravdess.js';

export interface CorpusItem {
  /** A file path, or "archive.zip:member"; readAudio accepts both. */
  source: string;
  /** Index into the label vocabulary; -1 when unknown or not in it. */
  label: number;
  labelName?: string;
  /** Speaker id; -1 when unknown. */
  actor: number;
  meta?: RavdessMeta;
}

export interface ScanOptions {
  /** The label vocabulary; by default labelVocabulary() of the labels found. */
  labels?: readonly string[];
}

// What an input says about a source before labels are resolved; CSV rows add a label and actor.
interface Found {
  source: string;
  labelName?: string;
  actor?: number;
}

/** Scans folders (recursively, .wav/.wave/.flac), .zip archives, label CSVs and audio files; sorted by source. */
export async function scanCorpus(inputs: readonly string[], options: ScanOptions = {}): Promise<CorpusItem[]> {
  const found = new Map<string, Found>();
  for (const input of inputs) {
    // A source met twice keeps what either input said about it (e.g. a CSV label for a scanned file).
    for (const entry of await findSources(input)) found.set(entry.source, { ...found.get(entry.source), ...entry });
  }
  const items = [...found.keys()].sort().map((source) => describe(found.get(source)!));
  const vocabulary = options.labels ?? labelVocabulary(items.map((item) => item.labelName));
  return items.map((item) => ({ ...item, label: item.labelName === undefined ? -1 : vocabulary.indexOf(item.labelName) }));
}

/**
 * The default label vocabulary: RAVDESS's eight emotions in RAVDESS order when every label is one
 * of them (so indices stay fixed however many are present), otherwise the distinct labels sorted.
 */
export function labelVocabulary(labelNames: readonly (string | undefined)[]): string[] {
  const distinct = [...new Set(labelNames.filter((name) => name !== undefined))].sort();
  const ravdess: readonly string[] = RAVDESS_EMOTIONS;
  return distinct.every((name) => ravdess.includes(name)) ? [...ravdess] : distinct;
}

async function findSources(input: string): Promise<Found[]> {
  // One member of an archive, "archive.zip:member": listed if the archive has it.
  const member = splitZipSource(input);
  if (member && !existsSync(input)) {
    const members = await listZipAudio(member.zipPath);
    if (!members.includes(member.member)) throw new InvalidFileError(member.zipPath, `no audio member ${member.member}`);
    return [{ source: input }];
  }
  const found = await stat(input).catch((error: unknown) => {
    throw new InvalidFileError(input, fileReadProblem(error));
  });
  if (found.isDirectory()) return (await audioFilesUnder(input)).map((source) => ({ source }));
  const extension = extname(input).toLowerCase();
  if (extension === '.zip') return (await listZipAudio(input)).map((member) => ({ source: zipSource(input, member) }));
  if (extension === '.csv') return readLabelCsv(input);
  if (isAudioFileName(input)) return [{ source: input }];
  throw new InvalidFileError(input, 'not a folder, .zip, .csv or audio file');
}

async function audioFilesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await audioFilesUnder(path)));
    else if (isAudioFileName(path)) files.push(path);
  }
  return files;
}

function describe({ source, labelName, actor }: Found): Omit<CorpusItem, 'label'> {
  const meta = parseRavdessName(source) ?? undefined;
  return {
    source,
    labelName: labelName ?? meta?.emotionName ?? (parentFolderName(source) || undefined),
    actor: actor !== undefined && actor >= 0 ? actor : (meta?.actor ?? -1),
    ...(meta && { meta }),
  };
}

/** The folder name directly containing a file or zip member ('' at an archive's root). */
function parentFolderName(source: string): string {
  const member = splitZipSource(source)?.member;
  const path = (member ?? source).replaceAll('\\', '/');
  const parent = posix.basename(posix.dirname(path));
  return parent === '.' ? '' : parent;
}
