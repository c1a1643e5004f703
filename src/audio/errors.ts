// Every way an input clip can fail to decode surfaces as this one error type, so corpus loading
// can skip and count bad files while still letting genuine bugs (any other error) propagate.
export class AudioDecodeError extends Error {
  override readonly name = 'AudioDecodeError';

  constructor(
    /** The file path, or "archive.zip:member". */
    readonly source: string,
    /** What is wrong, without the file name. */
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** A file that cannot be opened or read, reported by its error code (ENOENT, EISDIR, ...). */
export function fileReadError(path: string, error: unknown): AudioDecodeError {
  const { code, message } = error as NodeJS.ErrnoException;
  return new AudioDecodeError(path, `cannot read file: ${code ?? message}`);
}
