// The product commands end to end, as a user runs them: train on a tiny corpus, evaluate the model on the
// 48 kHz WAV zip RAVDESS ships, predict files, resume a run killed with SIGKILL, and exit codes.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFolder } from '../../src/app/model-folder.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { tinyCorpus } from '../app/fixtures.js';
import { hasSharedData, RAVDESS_ZIP_01, scratchFolder } from '../audio/fixtures.js';
import { webgpuBackend } from '../helpers/backends.js';
import { serGpu } from '../helpers/cli.js';

const suite = webgpuBackend() ? describe : describe.skip;
const data = tinyCorpus([1, 2, 3], 8);
const scratch = scratchFolder();
const cache = join(scratch, 'cache');
const small = ['--data', data, '--frames', '32', '--batch-size', '8', '--cache-dir', cache, '--val-actors', '3'];

const weights = (dir: string) =>
  Object.fromEntries([...readModelFolder(dir).tensors].map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')]));

suite('ser-gpu train / evaluate / predict (webgpu)', () => {
  const run = join(scratch, 'run');

  it('train writes a run directory and prints the validation result', () => {
    const r = serGpu('train', ...small, '--epochs', '2', '--out', run);
    expect(r.stderr).not.toMatch(/ser-gpu: /);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/train actors 1,2 \| validation 3 \| test none/);
    expect(r.stderr).toMatch(/epoch 2: train loss \d\.\d+ WA [\d.]+% \| val loss/);
    expect(r.stdout).toMatch(/validation \(chose the model: optimistic\), actors 3: WA [\d.]+%, UA [\d.]+%/);
    for (const file of ['run.json', 'metrics.jsonl', 'evaluation.json', 'best/model.json', 'last/model.json']) expect(existsSync(join(run, file)), file).toBe(true);
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it.skipIf(!hasSharedData)('evaluate reads the original 48 kHz WAV zip and reports WA, UA and the confusion matrix', () => {
    const r = serGpu('evaluate', '--model', join(run, 'best'), '--data', RAVDESS_ZIP_01, '--json');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.metrics.total).toBe(60);
    expect(result.metrics.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(60);
    expect(result.metrics.perClass.map((c: { support: number }) => c.support)).toEqual([4, 8, 8, 8, 8, 8, 8, 8]);
    expect(result.metrics.wa).toBeCloseTo(result.metrics.confusion.reduce((s: number, row: number[], k: number) => s + row[k], 0) / 60, 12);
    const text = serGpu('evaluate', '--model', join(run, 'best'), '--data', RAVDESS_ZIP_01);
    expect(text.stdout).toMatch(/60 clips: WA [\d.]+%, UA [\d.]+%/);
    expect(text.stdout).toMatch(/confusion matrix \(rows: true class, columns: predicted\)/);
  });

  it('evaluate maps other label names with --label-map and reports labels it cannot score', () => {
    // Actor 1's 8 clips under two made-up labels, alternating: "cross" maps to angry, "grumpy" to nothing.
    const folder = join(data, 'Actor_01');
    const csv = join(scratch, 'labels.csv');
    const rows = readdirSync(folder).map((f, i) => `${join(folder, f)},${i % 2 ? 'cross' : 'grumpy'}`);
    writeFileSync(csv, `path,label\n${rows.join('\n')}\n`);
    const map = join(scratch, 'map.json');
    writeFileSync(map, JSON.stringify({ cross: 'angry' }));
    const r = serGpu('evaluate', '--model', join(run, 'best'), '--data', csv, '--label-map', map, '--json');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.metrics.total).toBe(4);
    expect(result.unmapped).toEqual([{ label: 'grumpy', clips: 4 }]);
  });

  it('predict --json gives one object per file with probabilities over the labels; --segments adds a timeline', () => {
    const r = serGpu('predict', '--model', join(run, 'best'), join(data, 'Actor_01'), '--json', '--segments', '1');
    expect(r.status).toBe(0);
    const predictions = JSON.parse(r.stdout);
    expect(predictions).toHaveLength(8);
    for (const p of predictions) {
      expect(Object.keys(p.probabilities)).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']);
      const values = Object.values(p.probabilities) as number[];
      expect(values.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
      expect(p.emotion).toBe(Object.keys(p.probabilities)[values.indexOf(Math.max(...values))]);
      expect(p.segments.length).toBeGreaterThanOrEqual(3);
      expect(p.segments[0]).toMatchObject({ start: 0 });
      expect(p.segments[1].start).toBeCloseTo(p.segments[0].end, 9);
    }
  });

  /** Starts `ser-gpu train` on `dir` and sends `signal` once its first epoch's checkpoint is on disk. */
  async function trainUntilFirstEpoch(dir: string, signal: NodeJS.Signals) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), 'train', ...small, '--epochs', '5', '--patience', '0', '--out', dir], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const metrics = join(dir, 'metrics.jsonl');
    let running = true;
    void exited.then(() => (running = false));
    while (running && !(existsSync(metrics) && readFileSync(metrics, 'utf8').trim() !== '')) await new Promise((r) => setTimeout(r, 20));
    expect(running).toBe(true);
    child.kill(signal);
    const code = await exited;
    return { code, stderr, epochsDone: readFileSync(metrics, 'utf8').trim().split('\n').length };
  }

  it('a run killed with SIGKILL mid-epoch resumes to the weights of an uninterrupted run', async () => {
    const whole = join(scratch, 'whole');
    expect(serGpu('train', ...small, '--epochs', '5', '--patience', '0', '--out', whole).status).toBe(0);
    const killed = join(scratch, 'killed');
    const { code } = await trainUntilFirstEpoch(killed, 'SIGKILL');
    expect(code).toBeNull();
    const metrics = join(killed, 'metrics.jsonl');
    const done = readFileSync(metrics, 'utf8').trim().split('\n').length;
    expect(done).toBeLessThan(5);
    const resumed = serGpu('train', '--resume', killed);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/resuming after epoch \d/);
    expect(weights(join(killed, 'last'))).toEqual(weights(join(whole, 'last')));
    expect(weights(join(killed, 'best'))).toEqual(weights(join(whole, 'best')));
  });

  it('Ctrl-C (SIGINT) saves the run and exits 130; --resume finishes it with the same weights', async () => {
    const stopped = join(scratch, 'stopped');
    const { code, stderr, epochsDone } = await trainUntilFirstEpoch(stopped, 'SIGINT');
    expect(stderr).toMatch(/stopping after this step and saving/);
    expect(stderr).toMatch(/interrupted: the run's state is saved in .*stopped; continue it with --resume/);
    expect(code).toBe(130);
    expect(epochsDone).toBeLessThan(5);
    expect(serGpu('train', '--resume', stopped).status).toBe(0);
    expect(weights(join(stopped, 'last'))).toEqual(weights(join(scratch, 'whole', 'last')));
  });
});

suite('the shipped model (webgpu)', () => {
  it.skipIf(!hasSharedData)('predict without --model answers for a zip member of the original 48 kHz WAVs and a FLAC', () => {
    const member = `${RAVDESS_ZIP_01}:Actor_01/03-01-05-01-01-01-01.wav`;
    const r = serGpu('predict', member, join(data, 'Actor_02'), '--json');
    expect(r.status).toBe(0);
    const predictions = JSON.parse(r.stdout) as { file: string; emotion: string; probabilities: Record<string, number> }[];
    expect(predictions.map((p) => p.file)).toContain(member);
    expect(predictions).toHaveLength(9);
    for (const p of predictions) expect(Object.values(p.probabilities).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    const text = serGpu('predict', member);
    expect(text.stdout).toMatch(/03-01-05-01-01-01-01\.wav: (neutral|calm|happy|sad|angry|fearful|disgust|surprised) \(/);
  });

  it('predict names an archive member that is not there', () => {
    const r = serGpu('predict', `${RAVDESS_ZIP_01}:Actor_01/nothing.wav`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Actor_01\.zip: no audio member Actor_01\/nothing\.wav/);
  });
});

describe('usage errors exit 2 and name the flag, before any GPU work', () => {
  it.each([
    [['train', '--epochs', '0'], /--epochs must be a whole number >= 1, got 0/],
    [['train', '--lr', '-1'], /--lr must be a number > 0, got -1/],
    [['train', '--val-actors', '17-x'], /--val-actors: "17-x" is not an actor number or range/],
    [['train', '--data', '/no/such/folder'], /--data: \/no\/such\/folder does not exist/],
    [['train', '--folds', '5', '--val-actors', '1'], /--folds chooses the test and validation actors itself/],
    [['train', '--folds', '5', '--val-actors', 'none', '--n-fft', '1000'], /feature flags: feature config: nFft 1000 is not a power of two/], // none passes --folds
    [['train', '--patience', '5'], /--patience stops on validation UA, and this run has no validation actors/],
    [['train', '--filters', '16,x'], /--filters: expected filters per block such as 16,32,64,128, got "16,x"/],
    [['train', '--filters', '16,0,32'], /--filters: expected filters per block/],
    [['train', '--filters', '8,16', '--model', 'reference'], /--filters shapes the default model; --model reference has its own/],
    [['train', '--filters', '16,48,96,192', '--n-fft', '1000'], /feature flags: feature config: nFft 1000 is not a power of two/], // good filters pass
    [['train', '--folds', '5', '--val-actors', 'auto', '--patience', '5', '--n-fft', '1000'], /feature flags: feature config: nFft 1000 is not a power of two/], // patience with auto validation passes
    [['train', '--folds', '5', '--val-actors', 'auto', '--n-fft', '1000'], /feature flags: feature config: nFft 1000 is not a power of two/], // so does auto
    [['evaluate', '--data', '/no/such.zip'], /--data: \/no\/such.zip does not exist/],
    [['evaluate'], /Missing required argument: data/],
    [['predict', '/no/such.wav'], /inputs: \/no\/such.wav does not exist/],
    [['predict', 'x.wav', '--segments', '0'], /does not exist|--segments must be a number > 0/],
    [['train', '--optimizer', 'rmsprop'], /Invalid values:[\s\S]*optimizer/],
    [['extract', '--data', 'data', '--out', 'x.safetensors', '--batch-size', '0'], /--batch-size must be a whole number >= 1, got 0/],
    [['extract', '--data', 'data', '--out', 'x.safetensors', '--n-fft', '1000'], /feature flags: feature config: nFft 1000 is not a power of two/],
    [['extract', '--data', '/no/such', '--out', 'x.safetensors'], /--data: \/no\/such does not exist/],
    [['plot', 'spectrogram', '/no/such.wav', '--out', 'x.png'], /audio: \/no\/such.wav does not exist/],
    [['demo', '--size', '0'], /--size must be a whole number >= 1, got 0/],
    [['train', '--augment', 'noise:snr=30..5'], /--augment: noise:snr = "30..5" has low > high/],
    [['train', '--augment', 'mixup:alpha=x'], /--augment: .*alpha = "x" is not a number/],
  ])('ser-gpu %j', (args, message) => {
    const r = serGpu(...(args as string[]));
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
    expect(r.loaded).toEqual([]);
  });
});
