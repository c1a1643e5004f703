// Options shared by several commands, and the backend lifecycle every GPU command goes through.
import type { Argv } from 'yargs';
import type { BackendChoice } from '../backend/types.js';

export interface BackendArgs {
  backend: BackendChoice;
}

export function withBackend<T>(yargs: Argv<T>): Argv<T & BackendArgs> {
  return yargs.option('backend', {
    choices: ['auto', 'webgpu', 'cpu'] as const,
    default: 'auto' as const,
    describe: 'auto: WebGPU when an adapter exists, else the gpu.js CPU fallback',
  }) as Argv<T & BackendArgs>;
}

export interface JsonArgs {
  json: boolean;
}

export function withJson<T>(yargs: Argv<T>): Argv<T & JsonArgs> {
  return yargs.option('json', { type: 'boolean', default: false, describe: 'print machine-readable JSON' }) as Argv<T & JsonArgs>;
}

/** Runs `body` on a fresh backend and always tears the device down, so the process can exit. */
export { withBackend as usingBackend } from '../backend/lifecycle.js';
