// Headless Chromium for the browser tests, driven by puppeteer-core (which downloads nothing): the system's
// chromium (Debian's package; SER_GPU_CHROMIUM names another), with WebGPU on SwiftShader. Without chromium
// or without a WebGPU adapter in it the suites are skipped, visibly, except under CI=true or
// SER_GPU_REQUIRE_BROWSER=1, where that is a failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { startStaticServer, type StaticServer } from '../../src/web/static-server.js';
import type { adapterInfo, melSpectrogram } from '../../src/browser/ser-gpu.js';
import type { audioClip } from '../../src/browser/audio-input.js';
import type { modelInfo, predictEmotion } from '../../src/browser/emotion.js';
import type { LiveStats } from '../../web/src/live-stats.js';
import { scratchFolder } from '../audio/fixtures.js';

/**
 * The globals that page-side callbacks (page.evaluate) use, for this Node program's type check, which has no
 * DOM library: write `(globalThis as unknown as AppPage).serGpu` inside a callback (the cast is erased).
 */
export interface AppPage {
  document: {
    body: { dataset: Record<string, string | undefined> };
    getElementById(id: string): { textContent: string | null; hidden: boolean; click(): void } | null;
  };
  navigator: { gpu?: GPU };
  serGpu: {
    adapterInfo: typeof adapterInfo;
    melSpectrogram: typeof melSpectrogram;
    decodeAudio: typeof audioClip;
    predictEmotion: typeof predictEmotion;
    modelInfo: typeof modelInfo;
    /** Null until the page has found its adapter. */
    live: LiveStats | null;
  };
}

export const REQUIRE_BROWSER = process.env.CI === 'true' || process.env.SER_GPU_REQUIRE_BROWSER === '1';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const named = process.env.SER_GPU_CHROMIUM;
export const CHROMIUM = named ? (existsSync(named) ? named : null) : (CANDIDATES.find((path) => existsSync(path)) ?? null);

/** WebGPU in headless Chromium on Linux: the unsafe-WebGPU switch, and Vulkan, which SwiftShader provides. */
const WEBGPU_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan'];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no chromium');
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...WEBGPU_ARGS, ...extraArgs] });
}

/** Why the browser suites cannot run here (no chromium, or no WebGPU adapter in it), or null. */
async function missing(): Promise<string | null> {
  if (!CHROMIUM) return named ? `no chromium at SER_GPU_CHROMIUM=${named}` : 'no chromium (apt-get install chromium, or set SER_GPU_CHROMIUM)';
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    return `${CHROMIUM} does not start: ${(error as Error).message.split('\n')[0]}`;
  }
  const server = await startStaticServer({ mounts: {} });
  try {
    const page = await browser.newPage();
    await page.goto(server.url + 'blank'); // a 404 page, but an origin on 127.0.0.1: a secure context
    const found = await page.evaluate(async () => {
      const gpu = (globalThis as unknown as AppPage).navigator.gpu;
      return gpu ? (await gpu.requestAdapter()) !== null : false;
    });
    return found ? null : `no WebGPU adapter in ${await browser.version()}`;
  } finally {
    await browser.close();
    await server.close();
  }
}

const why = await missing();
if (why && REQUIRE_BROWSER) throw new Error(`browser tests required (CI=true or SER_GPU_REQUIRE_BROWSER=1) but ${why}`);

/** describe() when Chromium with a WebGPU adapter is here, else a visibly skipped suite naming what is missing. */
export function describeBrowser(title: string, body: () => void): void {
  if (why) describe.skip(`${title} [${why}]`, body);
  else describe(title, body);
}

/** The web app built from the current sources into a scratch folder, served on an ephemeral 127.0.0.1 port. */
export function servedApp(extraMounts: Record<string, string> = {}): { url: () => string } {
  let server: StaticServer | null = null;
  beforeAll(async () => {
    const dist = join(scratchFolder(), 'dist');
    await buildWeb(dist);
    server = await startStaticServer({ mounts: { '/': dist, ...extraMounts } });
  });
  afterAll(async () => server?.close());
  return { url: () => server!.url };
}

/** Opens the app and waits until it has found an adapter (or said it has none); returns the body's state. */
export async function openApp(page: Page, url: string): Promise<string> {
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as AppPage).document.body.dataset.state !== 'starting', { timeout: 60_000 });
  return page.evaluate(() => (globalThis as unknown as AppPage).document.body.dataset.state ?? '');
}
