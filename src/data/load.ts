// Decodes corpus items one after another, reading the next clip while the caller works on the
// current one. A file that fails to decode is reported through onError and skipped, so one bad
// file never ends a run; any other error is a bug and propagates.
import { AudioDecodeError, readAudio, type AudioClip } from '../audio/index.js';
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
}

export async function* loadCorpus(items: readonly CorpusItem[], { onError }: LoadOptions): AsyncGenerator<LoadedClip> {
  // The prefetched read never rejects, so abandoning the loop early leaves no unhandled rejection.
  const settle = (item: CorpusItem) =>
    readAudio(item.source).then(
      (clip) => ({ item, clip }),
      (error: unknown) => ({ item, error }),
    );
  let next = items.length > 0 ? settle(items[0]) : undefined;
  for (let i = 0; next; i++) {
    const result = await next;
    next = i + 1 < items.length ? settle(items[i + 1]) : undefined;
    if ('clip' in result) yield result;
    else if (result.error instanceof AudioDecodeError) onError({ source: result.item.source, error: result.error });
    else throw result.error;
  }
}
