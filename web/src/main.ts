// The web app: finds a WebGPU adapter, exposes the library as window.serGpu, and runs the drop and
// microphone views; without WebGPU it says so and does nothing else.
import { audioClip } from '../../src/browser/audio-input.js';
import { adapterInfo, melSpectrogram } from '../../src/browser/ser-gpu.js';
import { adapterName } from '../../src/gpu/device.js';
import { setUpDropView } from './drop-view.js';
import { LiveView } from './live-view.js';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const live = new LiveView(byId<HTMLCanvasElement>('live-canvas'), byId('live-status'));

const serGpu = { adapterInfo, melSpectrogram, decodeAudio: audioClip, live: live.stats };
declare global {
  interface Window {
    serGpu: typeof serGpu;
  }
}
window.serGpu = serGpu;

async function main(): Promise<void> {
  try {
    const info = await adapterInfo();
    byId('adapter').textContent = `WebGPU adapter: ${adapterName(info)}${info.isSoftware ? ' (a software renderer)' : ''}`;
  } catch (error) {
    byId('adapter').textContent = 'No WebGPU adapter';
    byId('no-webgpu-reason').textContent = (error as Error).message;
    byId('no-webgpu').hidden = false;
    document.body.dataset.state = 'no-webgpu';
    return;
  }
  byId('app').hidden = false;
  setUpDropView(byId('drop-zone'), byId<HTMLInputElement>('file-input'), byId('results'));
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
  document.body.dataset.state = 'ready';
  // The first analysis compiles the feature pipelines (seconds on a software adapter): do it before anyone waits.
  void melSpectrogram({ samples: new Float32Array(4800), sampleRate: 48000 }).catch(() => undefined);
}

void main();
