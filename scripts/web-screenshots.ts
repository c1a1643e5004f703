// Screenshots of the web app's views for the README, in headless Chromium (SwiftShader WebGPU): the drop
// view's result for audio files, the live microphone view fed a clip by Chromium's fake device, and the
// message a browser without WebGPU gets.
//   npx tsx scripts/web-screenshots.ts --model DIR --out DIR --mic clip.wav audio files...
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { DEFAULT_MODEL_DIR } from '../src/app/model-folder.js';
import { siteModel } from '../src/web/site.js';
import { startStaticServer } from '../src/web/static-server.js';
import { WEB_DIST, buildWeb } from './build-web.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const out = resolve(option('--out', '/tmp/ser-gpu-screens'));
const model = siteModel(option('--model', DEFAULT_MODEL_DIR));
const mic = option('--mic', '');
const files = args.map((f) => resolve(f));
if (!model || !mic || files.length === 0) throw new Error('usage: web-screenshots.ts --model DIR --mic clip.wav [--out DIR] audio files...');

mkdirSync(out, { recursive: true });
await buildWeb();
const server = await startStaticServer({
  mounts: { '/': WEB_DIST },
  files: Object.fromEntries(model.files.map((f) => [`/model/${f}`, join(model.dir, f)])),
});
const launch = (extra: string[] = []): Promise<Browser> =>
  puppeteer.launch({
    executablePath: process.env.SER_GPU_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    defaultViewport: { width: 1000, height: 900 },
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', ...extra],
  });
const ready = "document.body.dataset.state !== 'starting' && document.body.dataset.warm === 'yes'";

try {
  const browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${resolve(mic)}`]);
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(ready, { timeout: 120_000 });
  const input = await page.$('input#file-input');
  await input!.uploadFile(...files);
  await page.waitForFunction(`document.querySelectorAll('.result[data-done]').length === ${files.length}`, { timeout: 300_000 });
  await page.screenshot({ path: join(out, 'drop.png'), fullPage: true });
  await page.click('#mic-button');
  await page.waitForFunction('window.serGpu.live.predictions - window.serGpu.live.silent >= 4 && window.serGpu.live.frames >= 560', { timeout: 300_000 });
  const panel = await page.$('#mic-button');
  await panel!.evaluate((el) => el.closest('section')!.scrollIntoView());
  const section = await page.$('section.panel:last-of-type');
  await section!.screenshot({ path: join(out, 'live.png') });
  await browser.close();

  const bare = await launch();
  const nogpu = await bare.newPage();
  // A string, not a function: tsx's name-keeping helper (__name) does not exist in the page.
  await nogpu.evaluateOnNewDocument("Object.defineProperty(Object.getPrototypeOf(navigator), 'gpu', { get: () => undefined })");
  await nogpu.goto(server.url);
  await nogpu.waitForFunction("document.body.dataset.state === 'no-webgpu'");
  await nogpu.screenshot({ path: join(out, 'no-webgpu.png') });
  await bare.close();
  process.stdout.write(`wrote ${['drop.png', 'live.png', 'no-webgpu.png'].map((f) => join(out, f)).join(', ')}\n`);
} finally {
  await server.close();
}
