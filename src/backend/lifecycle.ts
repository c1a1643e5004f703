// The library's backend lifecycle: use the caller's backend (left open), or create one and always tear it
// down, so the process can exit.
import type { Backend, BackendChoice } from './types.js';

export async function withBackend<R>(choice: Backend | BackendChoice | undefined, body: (backend: Backend) => Promise<R>): Promise<R> {
  if (choice !== undefined && typeof choice !== 'string') return body(choice);
  const { createBackend } = await import('./create.js');
  const backend = await createBackend(choice ?? 'auto');
  try {
    return await body(backend);
  } finally {
    await backend.destroy();
  }
}
