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

/** Splits one CSV line; fields may be double-quoted, with "" for a literal quote. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(field.trim());
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field.trim());
  return fields;
}
