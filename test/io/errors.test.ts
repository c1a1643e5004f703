import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, readAudio } from '../../src/audio/index.js';
import { readLabelCsv } from '../../src/data/label-csv.js';
import { scanCorpus } from '../../src/data/corpus.js';
import { InvalidFileError } from '../../src/io/errors.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { scratchFolder } from '../audio/fixtures.js';

/** The error a promise or function ends with (fails the test when there is none). */
async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return expect.fail('no error was thrown');
}

describe('one error type for bad input files', () => {
  const folder = scratchFolder();

  it('AudioDecodeError is an InvalidFileError with the same file and problem', () => {
    const error = new AudioDecodeError('a.zip:x.wav', 'no audio');
    expect(error).toBeInstanceOf(InvalidFileError);
    expect([error.source, error.path, error.problem, error.message, error.name]).toEqual(['a.zip:x.wav', 'a.zip:x.wav', 'no audio', 'a.zip:x.wav: no audio', 'AudioDecodeError']);
  });

  it('every reader reports a missing or malformed file as an InvalidFileError naming it', async () => {
    const bad = join(folder, 'bad file "q".csv');
    writeFileSync(bad, 'path,label\nclip.wav\n');
    const junk = join(folder, 'junk.safetensors');
    writeFileSync(junk, 'junk');
    const cases: [() => unknown, string, string][] = [
      [() => readAudio(join(folder, 'absent.wav')), join(folder, 'absent.wav'), 'cannot read file: ENOENT'],
      [() => readSafetensors(join(folder, 'absent.safetensors')), join(folder, 'absent.safetensors'), 'cannot read file: ENOENT'],
      [() => readSafetensors(junk), junk, 'not a valid safetensors file: only 4 bytes'],
      [() => readLabelCsv(join(folder, 'absent.csv')), join(folder, 'absent.csv'), 'cannot read file: ENOENT'],
      [() => readLabelCsv(bad), bad, 'line 2: expected "path,label[,actor]", got "clip.wav"'],
      [() => scanCorpus([join(folder, 'gone')]), join(folder, 'gone'), 'cannot read file: ENOENT'],
    ];
    for (const [run, path, problem] of cases) {
      const error = await errorOf(run);
      expect(error).toBeInstanceOf(InvalidFileError);
      expect([(error as InvalidFileError).path, (error as InvalidFileError).problem]).toEqual([path, problem]);
    }
  });
});
