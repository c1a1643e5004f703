// Decodes corpus items in order, reading ahead while the caller works on the current one: on worker threads
// (DecodePool) for a corpus, on the calling thread for a handful of files. A file that fails to decode, or that
// the caller's `check` refuses (a clip too short for the features), is reported through onError and skipped, so
// one bad file never ends a run; any other error is a bug and propagates.
import { AudioDecodeError, readAudio, type AudioClip } from '../audio/index.js';
import { DecodePool, defaultDecodeThreads } from '../audio/decode-pool.js';
import type { CorpusItem } from './corpus.js';

export interface LoadedClip {
  item: CorpusItem;
  clip: AudioClip;
}

export interface LoadFailure {
  source: string;
  error: AudioDecodeError;
}

export interface LoadOptions {
  /** Called for each file that could not be decoded; collect these to report a count. */
  onError: (failure: LoadFailure) => void;
  /** Decoding threads; 0 decodes on the calling thread. Default: defaultDecodeThreads(), or 0 for fewer than 64 items. */
  threads?: number;
  /** Why a decoded clip cannot be used (e.g. features/min-length.ts's clipTooShort), or null: reported as its AudioDecodeError. */
  check?: (clip: AudioClip) => string | null;
}

// Starting the threads costs 0.1-0.3 s, more than decoding a few dozen clips takes.
const MIN_ITEMS_FOR_THREADS = 64;
// Reads in flight per decoding thread, so that no thread waits for the next request.
const READS_AHEAD_PER_THREAD = 4;

export async function* loadCorpus(items: readonly CorpusItem[], options: LoadOptions): AsyncGenerator<LoadedClip> {
  const threads = options.threads ?? (items.length >= MIN_ITEMS_FOR_THREADS ? defaultDecodeThreads() : 0);
  const pool = threads > 0 ? new DecodePool(threads) : null;
  const read = (source: string): Promise<AudioClip> => (pool ? pool.read(source) : readAudio(source));
  // A read in flight never rejects, so abandoning the loop early leaves no unhandled rejection.
  const settle = (item: CorpusItem) =>
    read(item.source).then(
      (clip) => ({ item, clip }),
      (error: unknown) => ({ item, error }),
    );
  const ahead = pool ? READS_AHEAD_PER_THREAD * threads : 1;
  const inFlight: ReturnType<typeof settle>[] = [];
  let next = 0;
  const readAhead = () => {
    while (next < items.length && inFlight.length < ahead) inFlight.push(settle(items[next++]));
  };
  try {
    readAhead();
    while (inFlight.length > 0) {
      const result = await inFlight.shift()!;
      readAhead();
      const { source } = result.item;
      if ('clip' in result) {
        const problem = options.check?.(result.clip) ?? null;
        if (problem === null) yield result;
        else options.onError({ source, error: new AudioDecodeError(source, problem) });
      } else if (result.error instanceof AudioDecodeError) options.onError({ source, error: result.error });
      else throw result.error;
    }
  } finally {
    await pool?.close();
  }
}
