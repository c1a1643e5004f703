// The live microphone view in headless Chromium, its fake microphone playing a RAVDESS clip (looped): the
// AudioWorklet's blocks reach the GPU feature code and the scrolling spectrogram gets columns of that audio.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import wavefile from 'wavefile';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import { clipFeatures } from '../../src/features/clip-features.js';
import { featureConfig } from '../../src/features/config.js';
import { RAVDESS_FLAC, hasSharedData, scratchFolder } from '../audio/fixtures.js';
import { describeBrowser, launchChromium, openApp, servedApp, type AppPage } from './browser.js';

const CLIP = join(RAVDESS_FLAC, 'Actor_01', '03-01-05-01-01-01-01.flac');
/** Frames of the clip at 16 kHz (hop 256): once this many columns are drawn, all of the clip has been heard. */
let clipFrames: number;

describeBrowser('live microphone view in headless Chromium', () => {
  const app = servedApp();
  const folder = scratchFolder();
  let browser: Browser;
  let page: Page;
  let clipMaxDb: number;

  beforeAll(async () => {
    if (!hasSharedData) return;
    // Our own decoder, then a plain 16-bit PCM WAV, the format Chromium's fake capture device reads.
    const clip = await readAudio(CLIP);
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, clip.sampleRate, '16', Int16Array.from(clip.samples, (s) => Math.round(Math.max(-1, Math.min(1, s)) * 32767)));
    const wavPath = join(folder, 'mic.wav');
    writeFileSync(wavPath, wav.toBuffer());
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavPath}`,
      '--autoplay-policy=no-user-gesture-required',
    ]);
    page = await browser.newPage();
    const node = await createWebGpuBackend();
    if (node) {
      const { perClip, frames } = await clipFeatures(node, [clip], featureConfig());
      clipMaxDb = Math.max(...perClip[0]);
      clipFrames = frames[0];
      await node.destroy();
    }
  });
  afterAll(async () => browser?.close());

  it.skipIf(!hasSharedData)('draws spectrogram columns of the microphone audio as it arrives', async () => {
    if (clipMaxDb === undefined) throw new Error('no Node WebGPU adapter to compute the clip offline');
    expect(await openApp(page, app.url())).toBe('ready');
    await page.click('#mic-button');
    await page.waitForFunction(
      (wanted) => {
        const { live } = (globalThis as unknown as AppPage).serGpu;
        return live.frames >= wanted || live.error !== null;
      },
      { timeout: 60_000 },
      clipFrames + 20,
    );
    const live = await page.evaluate(() => ({ ...(globalThis as unknown as AppPage).serGpu.live }));
    expect(live.error).toBeNull();
    expect(live.running).toBe(true);
    // Keeping up: the columns drawn cover the audio captured, less the newest tick still to analyse.
    const capturedFrames = (live.samples / live.sampleRate) * (16000 / 256);
    expect(live.frames).toBeGreaterThan(capturedFrames - 16);
    // The columns are the clip's: its loudest moment, heard through the fake device (resampled 16 kHz → the
    // capture rate → 16 kHz, framed at other offsets), is within 1 dB of its loudest frame computed offline
    // (measured: 0.08 dB).
    expect(Math.abs(live.maxDb - clipMaxDb)).toBeLessThan(1);
  });
});
