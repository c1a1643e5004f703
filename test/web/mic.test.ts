// The live microphone view in headless Chromium, its fake microphone playing a RAVDESS clip (looped): the
// AudioWorklet's blocks reach the GPU feature code and the scrolling spectrogram gets columns of that audio
// as fast as it arrives (a page without a model); with a model served, emotion probabilities come over time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import wavefile from 'wavefile';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { createWebGpuBackend } from '../../src/backend/webgpu.js';
import { RAVDESS_EMOTIONS } from '../../src/data/ravdess.js';
import { clipFeatures } from '../../src/features/clip-features.js';
import { featureConfig } from '../../src/features/config.js';
import { RAVDESS_FLAC, hasSharedData, scratchFolder } from '../audio/fixtures.js';
import { describeBrowser, launchChromium, openApp, servedApp, type AppPage } from './browser.js';
import { writeSeededModel } from './model-fixture.js';

const CLIP = join(RAVDESS_FLAC, 'Actor_01', '03-01-05-01-01-01-01.flac');

describeBrowser('live microphone view in headless Chromium', () => {
  const folder = scratchFolder();
  const spectrogramOnly = servedApp();
  const withModel = servedApp({ '/model/': join(folder, 'model') });
  let browser: Browser;
  /** The clip's loudest log-Mel value and its frames at 16 kHz, computed offline by the Node backend. */
  let clip: { maxDb: number; frames: number } | null = null;

  beforeAll(async () => {
    if (!hasSharedData) return;
    // Our own decoder, then a plain 16-bit PCM WAV, the format Chromium's fake capture device reads.
    const decoded = await readAudio(CLIP);
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, decoded.sampleRate, '16', Int16Array.from(decoded.samples, (s) => Math.round(Math.max(-1, Math.min(1, s)) * 32767)));
    const wavPath = join(folder, 'mic.wav');
    writeFileSync(wavPath, wav.toBuffer());
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavPath}`,
      '--autoplay-policy=no-user-gesture-required',
    ]);
    const node = await createWebGpuBackend();
    if (node) {
      const { perClip, frames } = await clipFeatures(node, [decoded], featureConfig());
      clip = { maxDb: Math.max(...perClip[0]), frames: frames[0] };
      await writeSeededModel(node, join(folder, 'model'));
      await node.destroy();
    }
  });
  afterAll(async () => browser?.close());

  /** The app at `url`, its pipelines compiled (seconds on SwiftShader, before a user would speak), the mic on. */
  async function listening(url: string): Promise<Page> {
    const page = await browser.newPage();
    expect(await openApp(page, url)).toBe('ready');
    await page.waitForFunction(() => (globalThis as unknown as AppPage).document.body.dataset.warm === 'yes', { timeout: 90_000 });
    await page.click('#mic-button');
    return page;
  }

  it.skipIf(!hasSharedData)('draws spectrogram columns of the microphone audio as it arrives', async () => {
    if (!clip) throw new Error('no Node WebGPU adapter to compute the clip offline');
    const page = await listening(spectrogramOnly.url());
    await page.waitForFunction(
      (wanted) => {
        const live = (globalThis as unknown as AppPage).serGpu.live!;
        return live.frames >= wanted || live.error !== null;
      },
      { timeout: 60_000 },
      clip.frames + 20, // then all of the clip has been heard
    );
    const live = await page.evaluate(() => ({ ...(globalThis as unknown as AppPage).serGpu.live! }));
    await page.close();
    expect(live.error).toBeNull();
    expect(live.running).toBe(true);
    // Keeping up: the columns drawn cover the audio captured, less the newest tick still to analyse.
    const capturedFrames = (live.samples / live.sampleRate) * (16000 / 256);
    expect(live.dropped).toBe(0);
    expect(live.frames).toBeGreaterThan(capturedFrames - 16);
    // The columns are the clip's: its loudest moment, heard through the fake device (resampled 16 kHz → the
    // capture rate → 16 kHz, framed at other offsets), is within 1 dB of its loudest frame computed offline
    // (measured: 0.08 dB).
    expect(Math.abs(live.maxDb - clip.maxDb)).toBeLessThan(1);
  });

  it.skipIf(!hasSharedData)('gives emotion probabilities over time, and none for silence', async () => {
    const page = await listening(withModel.url());
    // The clip opens with about a second of near silence, and the fake device loops it: both kinds of window come.
    await page.waitForFunction(
      () => {
        const live = (globalThis as unknown as AppPage).serGpu.live!;
        return (live.predictions - live.silent >= 3 && live.silent >= 1) || live.error !== null;
      },
      { timeout: 120_000 },
    );
    const { live, shown } = await page.evaluate(() => {
      const { serGpu, document } = globalThis as unknown as AppPage;
      return { live: { ...serGpu.live! }, shown: document.getElementById('live-emotion')!.textContent };
    });
    await page.close();
    expect(live.error).toBeNull();
    if (live.probabilities) {
      expect(Object.keys(live.probabilities)).toEqual([...RAVDESS_EMOTIONS]);
      const sum = Object.values(live.probabilities).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      const best = Object.entries(live.probabilities).sort((a, b) => b[1] - a[1])[0][0];
      expect(live.emotion).toBe(best);
      expect(shown).toMatch(new RegExp(`^${best} \\d+% \\(the last `));
    } else {
      expect(live.emotion).toBeNull();
      expect(shown).toBe('silence: no emotion');
    }
  });
});
