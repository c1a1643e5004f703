// Every way an input clip can fail to decode surfaces as this one error type, so corpus loading
// can skip and count bad files while still letting genuine bugs (any other error) propagate. It is an
// InvalidFileError, so a caller that treats all bad input alike catches it with the rest.
import { fileReadProblem, InvalidFileError } from '../io/errors.js';

export class AudioDecodeError extends InvalidFileError {
  override readonly name: string = 'AudioDecodeError';

  /** The file path, or "archive.zip:member" (the same as `path`). */
  get source(): string {
    return this.path;
  }
}

/** A file that cannot be opened or read, reported by its error code (ENOENT, EISDIR, ...). */
export function fileReadError(path: string, error: unknown): AudioDecodeError {
  return new AudioDecodeError(path, fileReadProblem(error));
}
