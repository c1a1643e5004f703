// `ser-gpu serve` and `ser-gpu export-web` as a user runs them: the served and the exported site load in
// headless Chromium, find an adapter and the model; the model folder's own files are served byte for byte
// under /model/, and nothing else of that folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { MODEL_JSON } from '../../src/app/model-folder.js';
import { createBackend } from '../../src/backend/create.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { startStaticServer } from '../../src/web/static-server.js';
import { scratchFolder } from '../audio/fixtures.js';
import { serGpu } from '../helpers/cli.js';
import { describeBrowser, launchChromium, openApp, type AppPage } from './browser.js';
import { writeSeededModel } from './model-fixture.js';

describeBrowser('ser-gpu serve and export-web', () => {
  const folder = scratchFolder();
  const model = join(folder, 'model');
  let browser: Browser;

  beforeAll(async () => {
    await buildWeb(); // web/dist, which the commands serve
    const backend = await createBackend('auto', { notice: () => undefined });
    try {
      await writeSeededModel(backend, model);
    } finally {
      await backend.destroy();
    }
    writeFileSync(join(model, 'notes.txt'), 'not part of the model');
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
      expect(await page.evaluate(() => (globalThis as unknown as AppPage).document.body.dataset.model)).toBe('yes');
      const weights = (JSON.parse(readFileSync(join(model, MODEL_JSON), 'utf8')) as { weights: string }).weights;
      const served = new Uint8Array(await (await fetch(`${url}model/${weights}`)).arrayBuffer());
      expect(Buffer.from(served).equals(readFileSync(join(model, weights)))).toBe(true);
      // Only the model's files: nothing else in its folder.
      expect((await fetch(`${url}model/notes.txt`)).status).toBe(404);
      await page.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => child.once('exit', (code) => resolve(code)))).toBe(0);
  });

  it('serve: a folder that is not a model folder is refused, naming it', () => {
    const result = serGpu('serve', '--port', '0', '--model', folder);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${folder}: not a model folder (no model.json)`);
  });

  it('serve and export-web: bad flags are usage errors (exit 2), naming the flag', () => {
    for (const [args, message] of [
      [['serve', '--port', '70000'], '--port must be at most 65535, got 70000'],
      [['serve', '--port', '1.5'], '--port must be a whole number >= 0, got 1.5'],
      [['serve', '--model', join(folder, 'nowhere')], `--model: ${join(folder, 'nowhere')} does not exist`],
      [['export-web', '--out', join(folder, 'x'), '--model', join(folder, 'nowhere')], `--model: ${join(folder, 'nowhere')} does not exist`],
    ] as const) {
      const result = serGpu(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('export-web: writes a site that loads from any static server', async () => {
    const site = join(folder, 'site');
    const result = serGpu('export-web', '--out', site, '--model', model);
    expect(result.status, result.stderr).toBe(0);
    const weights = (JSON.parse(readFileSync(join(model, MODEL_JSON), 'utf8')) as { weights: string }).weights;
    for (const file of ['index.html', 'app.js', 'mic-worklet.js', 'style.css', `model/${MODEL_JSON}`, `model/${weights}`]) {
      expect(existsSync(join(site, file)), file).toBe(true);
    }
    expect(existsSync(join(site, 'model', 'notes.txt'))).toBe(false);
    const server = await startStaticServer({ mounts: { '/': site } });
    try {
      const page = await browser.newPage();
      expect(await openApp(page, server.url)).toBe('ready');
      const model = await page.evaluate(() => (globalThis as unknown as AppPage).serGpu.modelInfo());
      expect(model.labels).toHaveLength(8);
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
