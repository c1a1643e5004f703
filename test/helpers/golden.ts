// Loads golden tensors written by test/golden/generate.py, refusing stale files with a hint to regenerate.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, type NamedTensor } from '../../src/io/safetensors.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';

const GOLDEN_DIR = join(PACKAGE_ROOT, 'test', 'golden');
const REGENERATE = 'regenerate with: .venv/bin/pip install -r test/golden/requirements.txt && .venv/bin/python test/golden/generate.py';

export class Golden {
  constructor(
    readonly family: string,
    private readonly tensors: Map<string, NamedTensor>,
  ) {}

  /** A golden tensor as float32 (the dtype every kernel computes in), with its shape. */
  get(name: string): { data: Float32Array; shape: number[] } {
    const t = this.raw(name);
    return { data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>), shape: t.shape };
  }

  raw(name: string): NamedTensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`golden ${this.family}: no tensor "${name}" (${REGENERATE})`);
    return t;
  }

  names(prefix = ''): string[] {
    return [...this.tensors.keys()].filter((k) => k.startsWith(prefix));
  }
}

function sourceDigest(family: string): string {
  const hash = createHash('sha256');
  for (const file of ['common.py', `${family}.py`]) hash.update(readFileSync(join(GOLDEN_DIR, 'families', file)));
  return hash.digest('hex');
}

const cache = new Map<string, Golden>();

export function loadGolden(family: string): Golden {
  let golden = cache.get(family);
  if (golden) return golden;
  const path = join(GOLDEN_DIR, 'data', `${family}.safetensors`);
  let file;
  try {
    file = readSafetensors(path);
  } catch (error) {
    throw new Error(`golden ${family}: cannot read ${path}: ${(error as Error).message} (${REGENERATE})`);
  }
  const recorded = file.metadata.source_sha256;
  if (recorded !== sourceDigest(family)) {
    throw new Error(`golden ${family} is stale: test/golden/families/${family}.py changed since ${path} was written (${REGENERATE} ${family})`);
  }
  golden = new Golden(family, file.tensors);
  cache.set(family, golden);
  return golden;
}
