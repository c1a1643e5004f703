// A decoding thread of DecodePool: reads and decodes the sources it is sent, and posts back the mono samples
// (their buffer transferred, not copied) or the AudioDecodeError's problem.
import { parentPort } from 'node:worker_threads';
import { AudioDecodeError } from './errors.js';
import { readAudio } from './read.js';

export interface DecodeRequest {
  id: number;
  source: string;
}

export type DecodeReply =
  | { id: number; samples: Float32Array; sampleRate: number }
  | { id: number; problem: string }
  | { id: number; bug: string };

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs as a worker thread of DecodePool');

port.on('message', ({ id, source }: DecodeRequest) => {
  readAudio(source).then(
    (clip) => {
      // Transfer a buffer that holds exactly the samples (a view into a larger one is copied first).
      const whole = clip.samples.byteLength === clip.samples.buffer.byteLength;
      const samples = whole ? clip.samples : clip.samples.slice();
      port.postMessage({ id, samples, sampleRate: clip.sampleRate } satisfies DecodeReply, [samples.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: DecodeReply =
        error instanceof AudioDecodeError ? { id, problem: error.problem } : { id, bug: (error as Error).stack ?? String(error) };
      port.postMessage(reply);
    },
  );
});
