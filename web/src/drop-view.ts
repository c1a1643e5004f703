// Dropped or chosen audio files → their log-Mel spectrograms and emotions, computed on the GPU, one card per file.
import { audioClip } from '../../src/browser/audio-input.js';
import { predictEmotion } from '../../src/browser/emotion.js';
import { melSpectrogram } from '../../src/browser/ser-gpu.js';
import { probabilityBars } from './emotion-view.js';
import { maxOf, spectrogramImage } from './spectrogram-canvas.js';

/** Files dropped or chosen get a spectrogram card, and with a model (`withEmotions`) the emotion too. */
export function setUpDropView(zone: HTMLElement, picker: HTMLInputElement, results: HTMLElement, withEmotions: boolean): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    void showFiles([...(event.dataTransfer?.files ?? [])], results, withEmotions);
  });
  picker.addEventListener('change', () => void showFiles([...(picker.files ?? [])], results, withEmotions));
}

async function showFiles(files: File[], results: HTMLElement, withEmotions: boolean): Promise<void> {
  for (const file of files) {
    const card = document.createElement('div');
    card.className = 'result';
    card.innerHTML = '<h3></h3><p class="caption">computing…</p>';
    card.querySelector('h3')!.textContent = file.name;
    results.prepend(card);
    try {
      await showFile(file, card, withEmotions);
    } catch (error) {
      card.classList.add('error');
      card.dataset.done = 'error';
      card.querySelector('.caption')!.textContent = (error as Error).message;
    }
  }
}

async function showFile(file: File, card: HTMLElement, withEmotions: boolean): Promise<void> {
  const clip = await audioClip(new Uint8Array(await file.arrayBuffer()), file.name);
  const started = performance.now();
  const mel = await melSpectrogram(clip);
  const ms = performance.now() - started;
  const { values, bands, frames, config } = mel;
  const vmax = maxOf(values);
  const canvas = document.createElement('canvas');
  canvas.width = frames;
  canvas.height = bands;
  canvas.getContext('2d')!.putImageData(spectrogramImage(values, bands, frames, vmax - (config.topDb ?? 80), vmax), 0, 0);
  const plot = document.createElement('div');
  plot.className = 'spectrogram';
  plot.innerHTML = `<span class="axis-top">${config.fMax / 1000} kHz</span><span class="axis-bottom">${config.fMin} Hz</span>`;
  plot.append(canvas);
  const seconds = clip.samples.length / clip.sampleRate;
  card.querySelector('.caption')!.textContent =
    `${seconds.toFixed(2)} s at ${clip.sampleRate} Hz → ${bands} Mel bands × ${frames} frames at ${config.sampleRate} Hz ` +
    `(${(vmax - (config.topDb ?? 80)).toFixed(0)} to ${vmax.toFixed(0)} dB), computed on the GPU in ${ms.toFixed(0)} ms`;
  card.append(plot);
  if (withEmotions) card.append(probabilityBars(await predictEmotion(clip)));
  card.dataset.done = 'true';
}
