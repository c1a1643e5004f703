// Decoding on worker threads. FLAC decoding (libFLAC in WebAssembly plus codec-parser's frame split) costs
// about 1.4 ms of CPU per RAVDESS clip; on one thread it took as long as the whole GPU feature stage. A corpus
// run sends its files to a few threads, which read and decode them in parallel with each other and with the
// GPU work on the main thread. Errors are the AudioDecodeErrors readAudio would throw, named by source.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AudioClip } from './clip.js';
import type { DecodeReply, DecodeRequest } from './decode-worker.js';
import { AudioDecodeError } from './errors.js';

/** Threads by default: every core (the main thread mostly waits on the GPU), at most 4. */
export function defaultDecodeThreads(): number {
  return Math.min(4, availableParallelism());
}

interface Pending {
  source: string;
  thread: number;
  resolve: (clip: AudioClip) => void;
  reject: (error: Error) => void;
}

// Under tsx or vitest this module is TypeScript source, and Node 20 will not run a .ts worker even with tsx's
// loader in execArgv: the worker imports its .ts twin through tsx's tsImport API instead.
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decode-worker.js', import.meta.url));
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const apiPath = (require(tsxPackage) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default;
  const api = pathToFileURL(join(dirname(tsxPackage), apiPath)).href;
  const worker = new URL('./decode-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(worker)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { eval: true });
}

export class DecodePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private readonly load: number[];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(readonly threads = defaultDecodeThreads()) {
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`decode threads must be a whole number >= 1, got ${threads}`);
    this.workers = Array.from({ length: threads }, () => {
      const worker = startWorker();
      worker.on('message', (reply: DecodeReply) => this.settle(reply));
      worker.on('error', (error) => this.fail(new Error(`decode worker failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`decode worker exited with code ${code}`));
      });
      return worker;
    });
    this.load = this.workers.map(() => 0);
  }

  /** Reads and decodes a file or "archive.zip:member" on the least busy thread. */
  read(source: string): Promise<AudioClip> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const thread = this.load.indexOf(Math.min(...this.load));
    this.load[thread]++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { source, thread, resolve, reject });
      this.workers[thread].postMessage({ id, source } satisfies DecodeRequest);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('decode pool closed'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private settle(reply: DecodeReply): void {
    const request = this.pending.get(reply.id);
    if (!request) return;
    this.pending.delete(reply.id);
    this.load[request.thread]--;
    if ('samples' in reply) request.resolve({ samples: reply.samples, sampleRate: reply.sampleRate, source: request.source });
    else if ('problem' in reply) request.reject(new AudioDecodeError(request.source, reply.problem));
    else request.reject(new Error(`decoding ${request.source} failed in a worker: ${reply.bug}`));
  }

  /** Rejects every request still waiting, and every later one. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.values()) request.reject(this.failure);
    this.pending.clear();
  }
}
