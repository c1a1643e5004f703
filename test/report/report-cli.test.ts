import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../src/app/run-files.js';
import { scratchFolder } from '../audio/fixtures.js';
import { serGpu } from '../helpers/cli.js';
import { writeRunFixture } from './fixture.js';

describe('ser-gpu report DIR', () => {
  const folder = scratchFolder();

  it('writes report.html and the plots, loading neither Dawn nor gpu.js', () => {
    const dir = join(folder, 'run');
    writeRunFixture(dir, { folds: 1, epochs: 6, without: ['examples'] });
    const r = serGpu('report', dir);
    expect(r.stderr).not.toContain('ser-gpu:');
    expect(r.stderr).not.toMatch(/WARN/); // vega-lite's warnings about a spec
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(dir, RUN_FILES.report)} and 6 plot files`);
    expect(r.stderr).toContain(`note: ${RUN_FILES.examples} not found`);
    expect(r.loaded).toEqual([]);
    expect(readFileSync(join(dir, RUN_FILES.report), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('exits 2 naming a directory that does not exist, is a file, or has no run.json', () => {
    const file = join(folder, 'file.txt');
    writeFileSync(file, 'x');
    const empty = join(folder, 'empty');
    mkdirSync(empty);
    for (const [dir, problem] of [[join(folder, 'nope'), 'no such directory'], [file, 'not a directory'], [empty, 'not a run directory (no run.json)']]) {
      const r = serGpu('report', dir);
      expect(r.status, dir).toBe(2);
      expect(r.stderr).toContain(`${dir}: ${problem}`);
    }
  });

  it('exits 1 naming a damaged run.json', () => {
    const dir = join(folder, 'damaged');
    writeRunFixture(dir, { folds: 1, epochs: 2 });
    writeFileSync(join(dir, RUN_FILES.info), '{"command": ');
    const r = serGpu('report', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`ser-gpu: ${join(dir, RUN_FILES.info)}: not valid JSON`);
  });
});
