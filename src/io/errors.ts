// Bad input: a file ser-gpu was asked to read (audio, archive, safetensors, model folder, CSV) that is
// missing, unreadable or malformed. Every reader throws this type (or a subclass: AudioDecodeError for
// clips), naming the file and the problem, so callers can tell bad input from bugs with one instanceof.
export class InvalidFileError extends Error {
  override readonly name: string = 'InvalidFileError';

  constructor(
    /** The file path (for a zip member, "archive.zip:member"). */
    readonly path: string,
    /** What is wrong, without the file name. */
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** A file that cannot be opened or read, reported by its error code (ENOENT, EISDIR, ...). */
export function fileReadProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return `cannot read file: ${code ?? message}`;
}
