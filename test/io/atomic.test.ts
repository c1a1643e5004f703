// writeFileAtomic under the failures it exists for: a writer killed with SIGKILL in the middle of a large write
// leaves the previous file intact, and writers racing on one target (processes, or worker threads that share a
// pid) never leave a torn file, because each call writes its own temporary file.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { scratchFolder } from '../audio/fixtures.js';

const WRITER = join(PACKAGE_ROOT, 'test/io/fixtures/atomic-writer.ts');

function startWriter(target: string, bytes: number, count: number, fill: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, target, String(bytes), String(count), String(fill)], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

/** A worker thread running the writer (through tsx, as the decode pool loads its worker from source). */
function writerThread(target: string, bytes: number, count: number, fill: number): Promise<void> {
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const apiPath = (require(tsxPackage) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default;
  const api = pathToFileURL(join(dirname(tsxPackage), apiPath)).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(pathToFileURL(WRITER).href)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(boot, { eval: true, workerData: { target, bytes, count, fill } });
  return new Promise((resolve, reject) => {
    worker.on('message', () => resolve());
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer thread exited with ${code}`))));
  });
}

/** The fill byte of a complete version of `bytes` bytes; throws on a torn or short file. */
function versionOf(path: string, bytes: number): number {
  const content = readFileSync(path);
  if (content.length !== bytes) throw new Error(`${path} has ${content.length} bytes, expected ${bytes}`);
  if (!content.equals(Buffer.alloc(bytes, content[0]))) throw new Error(`${path} is torn: it mixes versions`);
  return content[0];
}

const temporaries = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('names each temporary file uniquely, and leaves none behind', () => {
    const folder = scratchFolder();
    const target = join(folder, 'a.bin');
    for (let i = 0; i < 5; i++) writeFileAtomic(target, `version ${i}`);
    expect(readFileSync(target, 'utf8')).toBe('version 4');
    expect(temporaries(folder)).toEqual([]);
  });

  it('leaves the previous file intact when the writer is killed with SIGKILL during a 64 MiB write', async () => {
    const folder = scratchFolder();
    const bytes = 64 * 2 ** 20;
    const target = join(folder, 'checkpoint.safetensors');
    const stages: string[] = [];
    // Kill once while the temporary file is being written, once when it is written in full (fsync or rename pending).
    for (const waitFor of ['writing', 'written'] as const) {
      writeFileSync(target, Buffer.alloc(bytes, 1));
      const { child, exited } = startWriter(target, bytes, 1, 2);
      let stage = 'never saw the temporary file';
      for (let polls = 0; polls < 1_000_000; polls++) {
        const [temporary] = temporaries(folder);
        const size = temporary ? statSync(join(folder, temporary), { throwIfNoEntry: false })?.size : undefined;
        if (size !== undefined && (waitFor === 'writing' ? size > 0 && size < bytes : size === bytes)) {
          child.kill('SIGKILL');
          stage = `${waitFor}: killed with ${size} of ${bytes} bytes in the temporary file`;
          break;
        }
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const { signal, stderr } = await exited;
      stages.push(`${stage} (exit: ${signal ?? 'normal'})`);
      expect(stderr).toBe('');
      // Killed before its rename: the previous version, whole, and the killed writer's temporary file left behind.
      if (signal === 'SIGKILL') {
        expect(versionOf(target, bytes)).toBe(1);
        expect(temporaries(folder)).toHaveLength(1);
      } else expect(versionOf(target, bytes)).toBe(2);
      for (const name of temporaries(folder)) rmSync(join(folder, name));
    }
    console.log(`atomic write under SIGKILL: ${stages.join('; ')}`);
    // At least one kill must have landed inside the write for the test to mean anything.
    expect(stages.some((s) => s.includes('SIGKILL'))).toBe(true);
  });

  it('two processes writing one target 20 times each never leave a torn file', async () => {
    const folder = scratchFolder();
    const bytes = 4 * 2 ** 20;
    const target = join(folder, 'features.safetensors');
    const writers = [startWriter(target, bytes, 20, 0xa1), startWriter(target, bytes, 20, 0xb2)];
    let running = true;
    const done = Promise.all(writers.map((w) => w.exited)).finally(() => (running = false));
    const seen = new Set<number>();
    while (running) {
      if (existsSync(target)) seen.add(versionOf(target, bytes));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const { code, stderr } of await done) expect([code, stderr]).toEqual([0, '']);
    seen.add(versionOf(target, bytes));
    expect([...seen].every((fill) => fill === 0xa1 || fill === 0xb2)).toBe(true);
    expect(temporaries(folder)).toEqual([]);
  });

  it('two worker threads of one process (one pid) writing one target never collide', async () => {
    const folder = scratchFolder();
    const bytes = 2 ** 20;
    const target = join(folder, 'cache.bin');
    await Promise.all([writerThread(target, bytes, 50, 0xa1), writerThread(target, bytes, 50, 0xb2)]);
    expect([0xa1, 0xb2]).toContain(versionOf(target, bytes));
    expect(temporaries(folder)).toEqual([]);
  });
});
