// A label list for any corpus: CSV rows of `path,label[,actor]`, paths relative to the CSV's own
// folder (a member of an archive is written "archive.zip:member"). The header row is optional.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { isAudioFileName } from '../audio/index.js';
import { fileReadProblem, InvalidFileError } from '../io/errors.js';

export interface LabelRow {
  source: string;
  labelName: string;
  /** -1 when the CSV has no actor column. */
  actor: number;
}

export async function readLabelCsv(csvPath: string): Promise<LabelRow[]> {
  let text: string;
  try {
    text = (await readFile(csvPath, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new InvalidFileError(csvPath, fileReadProblem(error));
  }
  const rows: LabelRow[] = [];
  let firstRow = true;
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const [path = '', labelName = '', actor = ''] = splitCsvLine(line);
    // A first row whose path is not an audio file name is the header.
    const isHeader = firstRow && !isAudioFileName(path);
    firstRow = false;
    if (isHeader) continue;
    const fail = (problem: string): never => {
      throw new InvalidFileError(csvPath, `line ${index + 1}: ${problem}`);
    };
    if (path === '' || labelName === '') fail(`expected "path,label[,actor]", got ${JSON.stringify(line)}`);
    if (actor !== '' && !/^\d+$/.test(actor)) fail(`actor must be a whole number, got ${JSON.stringify(actor)}`);
    rows.push({
      source: isAbsolute(path) ? path : join(dirname(csvPath), path),
      labelName,
      actor: actor === '' ? -1 : Number(actor),
    });
  }
  return rows;
}

/**
 * Splits one CSV line; fields may be double-quoted, with "" for a literal quote. Whitespace around a field is
 * dropped, but not inside its quotes: `" a.wav"` names a file whose name starts with a space.
 */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  // Where the quoted characters of the field begin and end (-1: none), so trimming stops there.
  let firstQuoted = -1;
  let lastQuoted = -1;
  let quoted = false;
  const push = () => {
    let start = 0;
    let end = field.length;
    while (start < end && (firstQuoted < 0 || start < firstQuoted) && /\s/.test(field[start])) start++;
    while (end > start && end - 1 > lastQuoted && /\s/.test(field[end - 1])) end--;
    fields.push(field.slice(start, end));
    field = '';
    firstQuoted = lastQuoted = -1;
  };
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      i++;
    } else if (char === '"') {
      quoted = !quoted;
      continue;
    } else if (char === ',' && !quoted) {
      push();
      continue;
    }
    if (quoted) {
      if (firstQuoted < 0) firstQuoted = field.length;
      lastQuoted = field.length;
    }
    field += char;
  }
  push();
  return fields;
}
