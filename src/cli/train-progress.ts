// What `ser-gpu train` shows while it runs: a progress bar per epoch on a terminal (loss, accuracy so far,
// clips/s, ETA), and one line per epoch in logs and CI.
import cliProgress from 'cli-progress';
import type { TrainEvent } from '../app/events.js';
import type { EvaluationRecord } from '../app/run-files.js';

const percent = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);

export function formatFoldLine(evaluation: EvaluationRecord, fold: number | null, bestEpoch: number): string {
  const { wa, ua, missing } = evaluation.metrics;
  return `${evaluation.name}: WA ${percent(wa)}, UA ${percent(ua)}, loss ${evaluation.loss.toFixed(3)} (best epoch ${bestEpoch}${fold === null ? '' : `, fold ${fold + 1}`})${missing.length ? `; no clips of ${missing.join(', ')}` : ''}`;
}

export function trainProgress(stream: NodeJS.WriteStream) {
  let bar: cliProgress.SingleBar | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = null;
  };
  const line = (text: string) => {
    stopBar();
    stream.write(text + '\n');
  };
  return {
    update(event: TrainEvent): void {
      switch (event.type) {
        case 'features':
          return;
        case 'features-ready':
          line(`features: ${event.clips} clips ${event.fromCache ? `from the cache (${event.cachePath})` : `extracted in ${event.seconds.toFixed(1)} s`}` +
            (event.skipped.length ? `; skipped ${event.skipped.length} files:\n${event.skipped.map((s) => `  ${s.source}: ${s.error}`).join('\n')}` : ''));
          return;
        case 'fold-start': {
          const { train, val, test } = event.split;
          const fold = event.folds > 1 ? `fold ${event.fold + 1}/${event.folds}: ` : '';
          line(`${fold}train actors ${train.join(',')} | validation ${val.join(',') || 'none'} | test ${test.join(',') || 'none'}${event.resumedAtEpoch ? ` | resuming after epoch ${event.resumedAtEpoch}` : ''}`);
          return;
        }
        case 'step': {
          if (!stream.isTTY) return;
          const payload = { epoch: `${event.epoch + 1}/${event.epochs}`, loss: event.loss === null ? '-' : event.loss.toFixed(3), accuracy: percent(event.accuracy), rate: event.clipsPerSecond > 0 ? event.clipsPerSecond.toFixed(0) : '-', left: event.secondsLeft === null ? '-' : `${Math.round(event.secondsLeft)}s` };
          if (!bar) {
            bar = new cliProgress.SingleBar({ stream, format: 'epoch {epoch} |{bar}| {value}/{total} steps | loss {loss} WA {accuracy} | {rate} clips/s | ETA {left}', hideCursor: true, clearOnComplete: true });
            bar.start(event.steps, event.completed, payload);
          } else bar.update(event.completed, payload);
          return;
        }
        case 'epoch': {
          const r = event.record;
          // Without validation actors every epoch is the kept one: there is nothing to compare.
          const val = r.valLoss === null ? '' : ` | val loss ${r.valLoss.toFixed(3)} WA ${percent(r.valWA)} UA ${percent(r.valUA)}`;
          line(`epoch ${r.epoch}${r.fold ? ` (fold ${r.fold + 1})` : ''}: train loss ${r.trainLoss.toFixed(3)} WA ${percent(r.trainWA)}${val}` +
            ` | lr ${r.lr.toExponential(2)} | ${r.seconds.toFixed(1)} s${event.improved && val ? ' | best so far' : ''}${event.stopping ? ' | stopping' : ''}`);
          return;
        }
        case 'fold-end':
          // A single model's result is the run's summary, printed once at the end.
          if (event.folds > 1) line(formatFoldLine(event.evaluation, event.fold, event.bestEpoch));
          return;
      }
    },
    stop: stopBar,
  };
}
