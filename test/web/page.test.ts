// The web app in headless Chromium: it finds an adapter, and window.serGpu.melSpectrogram computes, on the
// browser's WebGPU (SwiftShader here), the log-Mel spectrogram that the Node WebGPU backend (Dawn) computes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { readZipEntry } from '../../src/audio/zip.js';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import type { WebGpuBackend } from '../../src/backend/types.js';
import { clipFeatures } from '../../src/features/clip-features.js';
import { featureConfig } from '../../src/features/config.js';
import { REQUIRE_WEBGPU } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { RAVDESS_FLAC, RAVDESS_ZIP_01, hasSharedData, scratchFolder } from '../audio/fixtures.js';
import { describeBrowser, launchChromium, openApp, servedApp, type AppPage } from './browser.js';

// Two adapters' f32 arithmetic (SwiftShader in Chromium, lavapipe under Dawn) differs only in rounding: the
// same kernels, in the same order. 1e-3 dB is a relative error of 2.3e-4 in the Mel power; measured: 7.6e-6 dB (FLAC and 48 kHz WAV).
const DB_TOLERANCE = { atol: 1e-3, rtol: 0 };
const FLAC_CLIP = 'ravdess/Actor_01/03-01-05-01-01-01-01.flac';
const WAV_MEMBER = 'Actor_01/03-01-07-01-01-02-01.wav';

describeBrowser('web app in headless Chromium', () => {
  const wavDir = scratchFolder();
  const app = servedApp({ '/data/': join(RAVDESS_FLAC, '..'), '/wav/': wavDir });
  let browser: Browser;
  let page: Page;
  let node: WebGpuBackend | null;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    node = await createWebGpuBackend();
    if (!node && REQUIRE_WEBGPU) throw new Error('SER_GPU_REQUIRE_WEBGPU=1 but Node has no WebGPU adapter');
  });
  afterAll(async () => {
    await browser?.close();
    await node?.destroy();
  });

  it('loads and finds a WebGPU adapter', async () => {
    expect(await openApp(page, app.url())).toBe('ready');
    const info = await page.evaluate(() => (globalThis as unknown as AppPage).serGpu.adapterInfo());
    expect(info.vendor || info.description).not.toBe('');
    expect(info.features).toContain('subgroups');
    const line = await page.evaluate(() => (globalThis as unknown as AppPage).document.getElementById('adapter')!.textContent);
    expect(line).toMatch(/^WebGPU adapter: /);
  });

  /** The Node WebGPU backend's log-Mel of a clip, [bands, frames]. */
  async function nodeLogMel(clip: Awaited<ReturnType<typeof readAudio>>) {
    if (!node) throw new Error('no Node WebGPU adapter to compare with');
    const { bands, frames, perClip } = await clipFeatures(node, [clip], featureConfig());
    return { bands, frames: frames[0], values: perClip[0] };
  }

  it.skipIf(!hasSharedData)('melSpectrogram(url) of a 16 kHz RAVDESS FLAC equals the Node WebGPU backend', async () => {
    const browserMel = await page.evaluate(async (url) => {
      const mel = await (globalThis as unknown as AppPage).serGpu.melSpectrogram(url);
      return { bands: mel.bands, frames: mel.frames, sourceRate: mel.sourceRate, values: Array.from(mel.values) };
    }, `${app.url()}data/${FLAC_CLIP}`);
    const expected = await nodeLogMel(await readAudio(join(RAVDESS_FLAC, '..', FLAC_CLIP)));
    expect([browserMel.bands, browserMel.frames, browserMel.sourceRate]).toEqual([expected.bands, expected.frames, 16000]);
    expectClose(browserMel.values, expected.values, DB_TOLERANCE, 'log-Mel dB, browser vs Node');
  });

  it.skipIf(!hasSharedData)('melSpectrogram(Uint8Array) and ({ samples, sampleRate }) of a 48 kHz RAVDESS WAV equal the Node WebGPU backend', async () => {
    const bytes = await readZipEntry(RAVDESS_ZIP_01, WAV_MEMBER);
    mkdirSync(wavDir, { recursive: true });
    writeFileSync(join(wavDir, 'clip.wav'), bytes);
    const browserMel = await page.evaluate(async (url) => {
      const { serGpu } = globalThis as unknown as AppPage;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const fromBytes = await serGpu.melSpectrogram(bytes);
      const clip = await serGpu.decodeAudio(bytes.buffer);
      const fromSamples = await serGpu.melSpectrogram({ samples: clip.samples, sampleRate: clip.sampleRate });
      return { sourceRate: fromBytes.sourceRate, frames: fromBytes.frames, bytes: Array.from(fromBytes.values), samples: Array.from(fromSamples.values) };
    }, `${app.url()}wav/clip.wav`);
    const clip = await readAudio(`${RAVDESS_ZIP_01}:${WAV_MEMBER}`);
    const expected = await nodeLogMel(clip);
    expect([browserMel.sourceRate, browserMel.frames]).toEqual([48000, expected.frames]);
    expectClose(browserMel.bytes, expected.values, DB_TOLERANCE, 'log-Mel dB of the WAV bytes, browser vs Node');
    expectClose(browserMel.samples, expected.values, DB_TOLERANCE, 'log-Mel dB of the decoded samples, browser vs Node');
  });

  it('rejects bytes that are neither WAV nor FLAC, naming the problem', async () => {
    const message = await page.evaluate(async () =>
      (globalThis as unknown as AppPage).serGpu.melSpectrogram(new Uint8Array([1, 2, 3, 4, 5])).then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
    );
    expect(message).toBe('audio bytes: not a WAV or FLAC file: starts with "\\u0001\\u0002\\u0003\\u0004"');
  });
});

describeBrowser('web app without WebGPU', () => {
  const app = servedApp();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('says plainly that the browser has no WebGPU', async () => {
    const page = await browser.newPage();
    // A browser without WebGPU: navigator.gpu is undefined before any page script runs.
    await page.evaluateOnNewDocument(() => {
      const { navigator } = globalThis as unknown as AppPage;
      Object.defineProperty(Object.getPrototypeOf(navigator), 'gpu', { get: () => undefined });
    });
    expect(await openApp(page, app.url())).toBe('no-webgpu');
    const shown = await page.evaluate(() => {
      const { document } = globalThis as unknown as AppPage;
      return { hidden: document.getElementById('no-webgpu')!.hidden, app: document.getElementById('app')!.hidden, reason: document.getElementById('no-webgpu-reason')!.textContent };
    });
    expect(shown).toEqual({ hidden: false, app: true, reason: 'The page found no way to compute: this browser has no WebGPU (navigator.gpu is missing).' });
  });
});
