// ser-gpu listen as a user pipes audio into it: a RAVDESS clip as a WAV stream and as raw s16le, the 48 kHz WAV
// RAVDESS ships with its data size rewritten as a live recorder writes it, silence, the text and --verbose
// outputs, and usage errors (exit 2, naming the flag, before any GPU work).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/read.js';
import { readZipEntry } from '../../src/audio/zip.js';
import { PACKAGE_ROOT } from '../../src/gpu/shaders.js';
import { DEMO_DATA } from '../app/fixtures.js';
import { LABELS, seededModelFolder } from '../app/listen-model.js';
import { hasSharedData, RAVDESS_ZIP_01 } from '../audio/fixtures.js';
import { buildWav, encodeFrames } from '../audio/wav-builder.js';
import { webgpuBackend } from '../helpers/backends.js';
import { serGpuWithInput } from '../helpers/cli.js';

const webgpu = webgpuBackend();
const suite = webgpu ? describe : describe.skip;
const CLIP = join(DEMO_DATA, 'Actor_01', readdirSync(join(DEMO_DATA, 'Actor_01')).sort()[29]);

interface Line {
  start: number;
  end: number;
  speech: boolean;
  level: number;
  emotion: string | null;
  probabilities: Record<string, number> | null;
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Line);

/** The data chunk's size field of a WAV file: the 4 bytes after "data". */
function dataSizeOffset(wav: Uint8Array): number {
  const at = Buffer.from(wav).indexOf('data');
  if (at < 0) throw new Error('no data chunk');
  return at + 4;
}

suite('ser-gpu listen (webgpu)', () => {
  let model: string;
  let pcm: Uint8Array;
  let wav: Uint8Array;
  beforeAll(async () => {
    model = await seededModelFolder(webgpu!);
    const clip = await readAudio(CLIP);
    pcm = encodeFrames([Array.from(clip.samples)], 'pcm16');
    wav = buildWav({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: pcm });
  });

  it('a WAV on stdin: one JSON estimate per line, probabilities over the labels summing to 1; raw s16le gives the same', () => {
    const r = serGpuWithInput(wav, 'listen', '--model', model, '--json');
    expect(r.stderr).not.toMatch(/ser-gpu: /);
    expect(r.status).toBe(0);
    const lines = jsonLines(r.stdout);
    // 3.94 s: hops end at 0.5, 1.0, ..., 3.5 s, then the flush of the last 0.44 s.
    expect(lines).toHaveLength(8);
    expect(lines[lines.length - 1].end).toBeCloseTo(62996 / 16000, 9);
    const speech = lines.filter((l) => l.speech);
    expect(speech.length).toBeGreaterThanOrEqual(3);
    for (const line of speech) {
      expect(Object.keys(line.probabilities!)).toEqual(LABELS);
      const values = Object.values(line.probabilities!);
      expect(values.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
      expect(line.emotion).toBe(LABELS[values.indexOf(Math.max(...values))]);
      expect(line.end - line.start).toBeLessThanOrEqual(188 * 0.016 + 1e-9);
    }
    const raw = serGpuWithInput(pcm, 'listen', '--model', model, '--json', '--format', 's16le', '--rate', '16000');
    expect(raw.status).toBe(0);
    expect(jsonLines(raw.stdout)).toEqual(lines);
  });

  it.skipIf(!hasSharedData)('the 48 kHz WAV RAVDESS ships, with the data size of a live recording (0xFFFFFFFF, then 0), is resampled and heard', async () => {
    const shipped = await readZipEntry(RAVDESS_ZIP_01, 'Actor_01/03-01-05-01-01-02-01.wav');
    const results = [];
    for (const size of [0xffffffff, 0]) {
      const streamed = shipped.slice();
      new DataView(streamed.buffer).setUint32(dataSizeOffset(streamed), size, true);
      const r = serGpuWithInput(streamed, 'listen', '--model', model, '--json');
      expect(r.status).toBe(0);
      results.push(jsonLines(r.stdout));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0].filter((l) => l.speech).length).toBeGreaterThanOrEqual(3);
    expect(results[0][results[0].length - 1].end).toBeGreaterThan(3);
  });

  it('silence gives no emotion and says so', () => {
    const r = serGpuWithInput(new Uint8Array(2 * 32000), 'listen', '--model', model, '--json', '--format', 's16le', '--rate', '16000');
    expect(r.status).toBe(0);
    const lines = jsonLines(r.stdout);
    // 2 s = 126 frames: hops end at frames 31, 63, 94 and 125, and the flush adds the frame centred on the end.
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatchObject({ speech: false, emotion: null, probabilities: null, level: -120 });
    const text = serGpuWithInput(new Uint8Array(2 * 8000), 'listen', '--model', model, '--format', 's16le', '--rate', '16000');
    // 0.5 s = 32 frames: the hop ends at frame 31 (0.496 s), the flush at the end of the audio.
    expect(text.stdout).toBe('  0.00-0.50 s  no speech (-120 dBFS)\n  0.00-0.50 s  no speech (-120 dBFS)\n');
  });

  it('without --json, a line per estimate (not a terminal: no carriage returns); --verbose times each hop', () => {
    const r = serGpuWithInput(wav, 'listen', '--model', model, '--verbose', '--hop', '1');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(r.stdout).not.toMatch(/\r/);
    for (const line of lines) expect(line).toMatch(/^ +\d+\.\d\d-\d+\.\d\d s {2}(no speech \(-?\d+ dBFS\)|[a-z]+ +\d+% [█▏▎▍▌▋▊▉ ]{12} [a-z]+ \d+%, [a-z]+ \d+%)$/);
    expect(lines.some((l) => /%/.test(l))).toBe(true);
    const hops = r.stderr.split('\n').filter((l) => l.startsWith('hop '));
    expect(hops).toHaveLength(4);
    for (const hop of hops) expect(hop).toMatch(/: [\d.]+ ms \(features [\d.]+ ms for \d+ frames, model [\d.]+ ms\), load [\d.]+$/);
    expect(r.stderr).toMatch(/listen: 4 hops, work per hop median [\d.]+ ms, p95 [\d.]+ ms, max [\d.]+ ms/);
    expect(r.stderr).toMatch(/listen: 3\.94 s of audio in [\d.]+ s of work \([\d.]+x real time\); load average [\d.]+ \(5 min [\d.]+\) on \d+ cores/);
  });

  it('Ctrl-C while the recorder is still connected flushes the audio heard so far and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), 'listen', '--model', model, '--json'], { cwd: PACKAGE_ROOT });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // A live recording: the header with an unknown size, 2 s of audio, then nothing more (the pipe stays open).
    const streamed = wav.slice(0, 44 + 64000);
    new DataView(streamed.buffer).setUint32(40, 0xffffffff, true);
    child.stdin.write(streamed);
    let running = true;
    void exited.then(() => (running = false));
    while (running && !stdout.includes('"end":1.504')) await new Promise((r) => setTimeout(r, 20));
    expect(running).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = jsonLines(stdout);
    // Hops end at 0.5, 1.0, 1.5 s; 2.0 s needs audio beyond it until the flush, which then ends at 2 s.
    expect(lines.map((l) => l.end)).toEqual([0.496, 1.008, 1.504, 2, 2]);
  });

  it('input that is not audio fails naming stdin and the problem (exit 1)', () => {
    const r = serGpuWithInput(new TextEncoder().encode('hello, not a wav'), 'listen', '--model', model);
    expect(r.stderr).toMatch(/ser-gpu: stdin: not a WAV stream: starts with "hell", expected "RIFF" \(raw PCM needs --format s16le\|f32le and --rate\)/);
    expect(r.status).toBe(1);
    const empty = serGpuWithInput(new Uint8Array(0), 'listen', '--model', model);
    expect(empty.stderr).toMatch(/ser-gpu: stdin: no input/);
    expect(empty.status).toBe(1);
  });
});

describe('ser-gpu listen usage errors exit 2 and name the flag, before any GPU work', () => {
  it.each([
    [['--format', 's16le'], /--rate is required with --format s16le/],
    [['--rate', '16000'], /--rate describes raw PCM \(--format s16le\|f32le\); a WAV stream's header gives it/],
    [['--format', 'f32le', '--rate', '8000.5'], /--rate must be a whole number >= 1, got 8000.5/],
    [['--format', 's16le', '--rate', '16000', '--channels', '0'], /--channels must be a whole number >= 1, got 0/],
    [['--hop', '0'], /--hop must be a number > 0, got 0/],
    [['--window', '-1'], /--window must be a number > 0, got -1/],
    [['--window', '3', '--hop', '4'], /--hop 4 must not exceed --window 3/],
    [['--speech-db', 'loud'], /--speech-db must be a number > -Infinity, got NaN/],
    [['--format', 'mp3'], /Invalid values:[\s\S]*format/],
    [['--model', '/no/such/model'], /--model: \/no\/such\/model does not exist/],
  ])('ser-gpu listen %j', (args, message) => {
    const r = serGpuWithInput(new Uint8Array(0), 'listen', ...(args as string[]));
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
    expect(r.loaded).toEqual([]);
  });
});
