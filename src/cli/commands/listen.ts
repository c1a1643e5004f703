// ser-gpu listen: emotion estimates over audio from stdin (a WAV stream or raw PCM), one per hop, live.
import type { CommandModule } from 'yargs';
import { withBackend, withJson, type BackendArgs, type JsonArgs } from '../options.js';
import { existingInputs, integerFlag, numberFlag, UsageError } from '../usage.js';

interface ListenArgs extends BackendArgs, JsonArgs {
  model?: string;
  format: 'wav' | 's16le' | 'f32le';
  rate?: number;
  channels?: number;
  window?: number;
  hop?: number;
  'speech-db'?: number;
  verbose: boolean;
}

export const listenCommand: CommandModule<object, ListenArgs> = {
  command: 'listen',
  describe: 'Emotion estimates over audio from stdin as it arrives (a WAV stream, or raw PCM with --format and --rate)',
  builder: (yargs) =>
    withJson(withBackend(yargs))
      .option('model', { type: 'string', describe: 'model folder [the shipped pretrained model]' })
      .option('format', { choices: ['wav', 's16le', 'f32le'] as const, default: 'wav' as const, describe: 'stdin holds a WAV stream (header first) or raw little-endian PCM' })
      .option('rate', { type: 'number', describe: 'sample rate of raw PCM in Hz (required with s16le, f32le)' })
      .option('channels', { type: 'number', describe: 'channels of raw PCM, interleaved; mixed to mono [1]' })
      .option('window', { type: 'number', describe: 'seconds of audio each estimate looks at [the model input, 3 s]' })
      .option('hop', { type: 'number', describe: 'seconds between estimates [0.5]' })
      .option('speech-db', { type: 'number', describe: 'voice-activity gate: a hop is speech when its RMS level is at least this many dBFS [-55]' })
      .option('verbose', { type: 'boolean', default: false, describe: 'print each hop\'s work time (and the load average) to stderr' }),
  handler: async (args) => {
    if (process.stdin.isTTY) throw new UsageError('listen reads audio from stdin: pipe a recording into it, e.g. arecord -f S16_LE -r 16000 -c 1 -t raw | ser-gpu listen --format s16le --rate 16000');
    if (args.model !== undefined) existingInputs('--model', [args.model]);
    if (args.format === 'wav' && (args.rate !== undefined || args.channels !== undefined)) {
      throw new UsageError(`--${args.rate !== undefined ? 'rate' : 'channels'} describes raw PCM (--format s16le|f32le); a WAV stream's header gives it`);
    }
    if (args.format !== 'wav' && args.rate === undefined) throw new UsageError(`--rate is required with --format ${args.format}`);
    integerFlag('rate', args.rate);
    integerFlag('channels', args.channels);
    numberFlag('window', args.window, 0);
    numberFlag('hop', args.hop, 0);
    numberFlag('speech-db', args['speech-db'], -Infinity);
    if (args.window !== undefined && args.hop !== undefined && args.hop > args.window) throw new UsageError(`--hop ${args.hop} must not exceed --window ${args.window}`);
    const [{ listen }, { hopReport, liveLine, LatencySummary }] = await Promise.all([import('../../app/listen.js'), import('../listen-output.js')]);
    // Ctrl-C ends the input: the audio heard so far is flushed and the command exits 0 (a second one kills it).
    const interrupt = new AbortController();
    process.once('SIGINT', () => {
      interrupt.abort();
      process.stdin.destroy(); // a read still waiting on the recorder would keep the process alive
    });
    const events = listen(process.stdin, {
      signal: interrupt.signal,
      model: args.model,
      format: args.format,
      sampleRate: args.rate,
      channels: args.channels,
      window: args.window,
      hop: args.hop,
      speechDb: args['speech-db'],
      backend: args.backend,
    });
    const live = !args.json && process.stdout.isTTY === true;
    const summary = new LatencySummary();
    // A reader that goes away (`| head`) ends the stream quietly; the loop's exit frees the device.
    let closed = false;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closed = true;
    });
    try {
      for await (const { estimate, timing } of events) {
        if (closed) break;
        if (args.json) process.stdout.write(`${JSON.stringify(estimate)}\n`);
        else process.stdout.write(live ? `\r${liveLine(estimate)}\x1b[K` : `${liveLine(estimate)}\n`);
        summary.add(estimate, timing);
        if (args.verbose) process.stderr.write(`${hopReport(estimate, timing)}\n`);
      }
    } finally {
      if (live) process.stdout.write('\n');
    }
    if (args.verbose) process.stderr.write(`${summary.text()}\n`);
  },
};
