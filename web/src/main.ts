// The web app: finds a WebGPU adapter and the served model, exposes the library as window.serGpu, and runs
// the drop and microphone views; without WebGPU it says so and does nothing else.
import { audioClip } from '../../src/browser/audio-input.js';
import { modelInfo, predictEmotion, type ModelInfo } from '../../src/browser/emotion.js';
import { NoWebGpuError, adapterInfo, melSpectrogram } from '../../src/browser/ser-gpu.js';
import { adapterName } from '../../src/gpu/device.js';
import { setUpDropView } from './drop-view.js';
import { legend } from './emotion-view.js';
import { LiveView } from './live-view.js';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const serGpu = { adapterInfo, melSpectrogram, predictEmotion, modelInfo, decodeAudio: audioClip, live: null as LiveView['stats'] | null };
declare global {
  interface Window {
    serGpu: typeof serGpu;
  }
}
window.serGpu = serGpu;

/** The served model (model/ beside the page), or null with the reason shown. */
async function findModel(): Promise<ModelInfo | null> {
  try {
    const model = await modelInfo();
    byId('model').textContent = `Model: ${model.labels.length} emotions (${model.labels.join(', ')}), ${model.windowSeconds.toFixed(2)} s windows`;
    return model;
  } catch (error) {
    byId('model').textContent = `No emotion model: ${(error as Error).message}. Spectrograms only.`;
    return null;
  }
}

async function main(): Promise<void> {
  try {
    const info = await adapterInfo();
    byId('adapter').textContent = `WebGPU adapter: ${adapterName(info)}${info.isSoftware ? ' (a software renderer)' : ''}`;
  } catch (error) {
    byId('adapter').textContent = 'No WebGPU adapter';
    byId('adapter').classList.add('missing');
    const reason = error instanceof NoWebGpuError ? error.reason : (error as Error).message;
    byId('no-webgpu-reason').textContent = `The page found no way to compute: ${reason}.`;
    byId('no-webgpu').hidden = false;
    document.body.dataset.state = 'no-webgpu';
    return;
  }
  const model = await findModel();
  byId('app').hidden = false;
  setUpDropView(byId('drop-zone'), byId<HTMLInputElement>('file-input'), byId('results'), model !== null);
  if (model) {
    byId('live-emotions').hidden = false;
    byId('live-legend').append(legend(model.labels));
  }
  const emotions = model && { model, strip: byId<HTMLCanvasElement>('live-strip'), line: byId('live-emotion') };
  const live = new LiveView(byId<HTMLCanvasElement>('live-canvas'), byId('live-status'), emotions);
  serGpu.live = live.stats;
  const button = byId<HTMLButtonElement>('mic-button');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      if (live.stats.running) await live.stop();
      else await live.start();
      button.textContent = live.stats.running ? 'Stop microphone' : 'Start microphone';
    } catch (error) {
      live.stats.error = (error as Error).message;
      byId('live-status').textContent = `microphone unavailable: ${live.stats.error}`;
    } finally {
      button.disabled = false;
    }
  });
  document.body.dataset.model = model ? 'yes' : 'no';
  document.body.dataset.state = 'ready';
  // The first analysis compiles the pipelines (seconds on a software adapter): do it before anyone waits. A
  // failure here shows again, with its message, where the user asks for an analysis.
  const quiet = { samples: new Float32Array(48000 * Math.max(1, model?.windowSeconds ?? 0)), sampleRate: 48000 };
  void (model ? predictEmotion(quiet) : melSpectrogram(quiet))
    .catch(() => undefined)
    .finally(() => (document.body.dataset.warm = 'yes'));
}

void main();
