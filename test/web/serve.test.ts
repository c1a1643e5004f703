// `ser-gpu serve` and `ser-gpu export-web` as a user runs them: the served and the exported site load in
// headless Chromium and find an adapter; the model folder's files are served byte for byte under /model/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { startStaticServer } from '../../src/web/static-server.js';
import { scratchFolder } from '../audio/fixtures.js';
import { serGpu } from '../helpers/cli.js';
import { describeBrowser, launchChromium, openApp } from './browser.js';

describeBrowser('ser-gpu serve and export-web', () => {
  const folder = scratchFolder();
  const model = join(folder, 'model');
  let browser: Browser;

  beforeAll(async () => {
    await buildWeb(); // web/dist, which the commands serve
    // The files of a model folder, as the commands see them: they serve and copy bytes, whatever the model.
    mkdirSync(model);
    writeFileSync(join(model, 'model.json'), JSON.stringify({ format: 'test' }));
    writeFileSync(join(model, 'model.safetensors'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('serve: prints its URL on 127.0.0.1, serves the app and the model, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--model', model], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await printedUrl(child);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await browser.newPage();
      expect(await openApp(page, url)).toBe('ready');
      const served = new Uint8Array(await (await fetch(`${url}model/model.safetensors`)).arrayBuffer());
      expect([...served]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      await page.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => child.once('exit', (code) => resolve(code)))).toBe(0);
  });

  it('serve: a folder without model files is refused, naming them', () => {
    const result = serGpu('serve', '--port', '0', '--model', folder);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${folder} is not a model folder: model.json and model.safetensors missing`);
  });

  it('export-web: writes a site that loads from any static server', async () => {
    const site = join(folder, 'site');
    const result = serGpu('export-web', '--out', site, '--model', model);
    expect(result.status, result.stderr).toBe(0);
    for (const file of ['index.html', 'app.js', 'mic-worklet.js', 'style.css', 'model/model.json', 'model/model.safetensors']) {
      expect(existsSync(join(site, file)), file).toBe(true);
    }
    expect(readFileSync(join(site, 'model/model.json'), 'utf8')).toBe(JSON.stringify({ format: 'test' }));
    const server = await startStaticServer({ mounts: { '/': site } });
    try {
      const page = await browser.newPage();
      expect(await openApp(page, server.url)).toBe('ready');
      await page.close();
    } finally {
      await server.close();
    }
  });
});

/** The URL `serve` prints once it listens. */
function printedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = / at (http:\/\/\S+\/) /.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
  });
}
