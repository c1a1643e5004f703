// ser-gpu as a peer of the training-step benchmark: the model, the batch on the device, Adam.
import type { WebGpuBackend } from '../../src/backend/types.js';
import { Model } from '../../src/nn/model.js';
import type { ModelSpec } from '../../src/nn/spec.js';
import { Trainer } from '../../src/train/trainer.js';
import { adapterName } from '../../src/gpu/device.js';
import type { BenchBatch, BenchShape } from './batch.js';
import type { TrainingPeer } from './peer.js';

export interface SerGpuPeer extends TrainingPeer {
  model: Model;
  /** Pool bytes held at the worst moment of the last step: parameters, gradients, Adam state, activations. */
  peakBytes(): number;
  dispatchesPerStep(): number;
}

export function createSerGpuPeer(backend: WebGpuBackend, spec: ModelSpec, shape: BenchShape, batch: BenchBatch): SerGpuPeer {
  const model = new Model(backend, spec, { seed: 1 });
  const trainer = new Trainer(backend, model, { optimizer: { kind: 'adam', lr: 1e-3 } });
  const x = backend.upload(batch.x, [shape.batch, 1, shape.mels, shape.frames]);
  const labels = backend.upload(batch.labels, [shape.batch], 'i32');
  let dispatches = 0;
  return {
    model,
    adapter: adapterName(backend.adapter),
    async stepWithLoss() {
      const step = trainer.step;
      await trainer.trainStep(x, labels);
      return (await trainer.flushLosses())[step];
    },
    async time(repeats) {
      const before = backend.runtime.dispatches;
      const start = performance.now();
      for (let i = 0; i < repeats; i++) await trainer.trainStep(x, labels);
      await trainer.flushLosses();
      const ms = (performance.now() - start) / repeats;
      dispatches = (backend.runtime.dispatches - before) / repeats;
      return { msPerStep: ms, clipsPerSecond: (1000 * shape.batch) / ms };
    },
    peakBytes: () => trainer.lastStepPeakBytes,
    dispatchesPerStep: () => dispatches,
  };
}
