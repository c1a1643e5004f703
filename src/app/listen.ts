// `ser-gpu listen` and the library's listen(): emotion estimates over audio bytes as they arrive (stdin, a
// socket, any async iterable of bytes), one per hop, with a model folder (default the shipped model).
import type { Backend, BackendChoice } from '../backend/types.js';
import { createClassifier } from '../infer/bundle.js';
import { EmotionStream, type StreamEvent, type StreamSettings } from '../stream/emotion-stream.js';
import { PcmDecoder, type StreamFormat } from '../stream/pcm-decoder.js';
import { DEFAULT_MODEL_DIR, readModelFolder } from './model-folder.js';

export type { StreamEstimate, StreamEvent, HopTiming } from '../stream/emotion-stream.js';

export interface ListenOptions extends StreamSettings {
  /** A model folder; default the shipped pretrained model. */
  model?: string;
  /** 'wav' (default): the stream starts with a WAV header; raw PCM needs sampleRate (and channels, default 1). */
  format?: StreamFormat;
  sampleRate?: number;
  channels?: number;
  backend?: Backend | BackendChoice;
  /** Names the input in errors; default "stdin". */
  source?: string;
  /** Aborting stops reading as if the input had ended: the audio so far is flushed (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

/** Estimates over `input`, as its bytes arrive; the end of the input flushes the audio left. */
export async function* listen(input: AsyncIterable<Uint8Array>, options: ListenOptions = {}): AsyncGenerator<StreamEvent> {
  const format = options.format ?? 'wav';
  if (format !== 'wav' && !(Number.isInteger(options.sampleRate) && (options.sampleRate as number) > 0)) {
    throw new Error(`listen: raw ${format} input needs a sample rate (a positive integer), got ${options.sampleRate}`);
  }
  const channels = options.channels ?? 1;
  if (!(Number.isInteger(channels) && channels >= 1)) throw new Error(`listen: channels must be a whole number >= 1, got ${channels}`);
  const bundle = readModelFolder(options.model ?? DEFAULT_MODEL_DIR);
  const owns = typeof options.backend !== 'object';
  const { createBackend } = await import('../backend/create.js');
  const backend = typeof options.backend === 'object' ? options.backend : await createBackend(options.backend ?? 'auto');
  const decoder = new PcmDecoder(format === 'wav' ? null : { format, sampleRate: options.sampleRate as number, channels }, options.source);
  let classifier;
  try {
    classifier = createClassifier(backend, bundle);
    let stream: EmotionStream | null = null;
    for await (const bytes of untilAborted(input, options.signal)) {
      const samples = decoder.push(bytes);
      if (decoder.sampleRate === null) continue;
      if (!stream) {
        stream = new EmotionStream(classifier, decoder.sampleRate, options);
        await stream.warmUp();
      }
      yield* stream.push(samples);
    }
    decoder.end();
    stream ??= new EmotionStream(classifier, decoder.sampleRate as number, options);
    if (stream.samples === 0) throw new Error(`${options.source ?? 'stdin'}: no audio`);
    yield* stream.end();
  } finally {
    classifier?.dispose();
    if (owns) await backend.destroy();
  }
}

/** The items of `input` until `signal` aborts, even while a read is pending (a microphone that has paused). */
async function* untilAborted<T>(input: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) return yield* input;
  const iterator = input[Symbol.asyncIterator]();
  const stop = new Promise<IteratorResult<T>>((resolve) => signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true }));
  try {
    while (!signal.aborted) {
      const pending = iterator.next();
      pending.catch(() => {}); // a read cut short by the abort is no error
      const step = await Promise.race([pending, stop]);
      if (step.done) return;
      yield step.value;
    }
  } finally {
    iterator.return?.()?.catch(() => {});
  }
}
