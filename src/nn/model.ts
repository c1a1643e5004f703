// A model built from a spec: layers with parameters on one backend, a training forward that frees every
// activation as soon as backward will not read it, and a backward that frees the rest as it goes, so the
// buffers of step k return to the pool in time for step k + 1.
import type { Backend } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { buildLayers } from './build.js';
import { mixSeed } from './init.js';
import type { Layer } from './layers/layer.js';
import type { Param } from './param.js';
import { inferShapes, type LayerShapes, type ModelSpec } from './spec.js';

export interface ModelOptions {
  /** Seeds the initial weights (see init.ts) and the dropout masks. Default 0. */
  seed?: number;
}

export class Model {
  readonly layers: Layer[];
  readonly params: Param[];
  /** Per-example shapes around each layer of the spec (before fusion). */
  readonly shapes: LayerShapes[];
  readonly seed: number;
  /** The spec index of each layer: dropout masks are keyed by it, so that fusing layers changes no draw. */
  private readonly specIndex: number[];
  /** The training forward's activations: [input, output of layer 0, …]; null once backward ran. */
  private activations: Tensor[] | null = null;

  constructor(
    readonly backend: Backend,
    readonly spec: ModelSpec,
    options: ModelOptions = {},
  ) {
    this.shapes = inferShapes(spec);
    this.seed = options.seed ?? 0;
    ({ layers: this.layers, specIndex: this.specIndex } = buildLayers(backend, spec, this.shapes, this.seed));
    this.params = this.layers.flatMap((l) => l.params);
  }

  get inputShape(): readonly number[] {
    return this.spec.input;
  }

  get classes(): number {
    return this.shapes[this.shapes.length - 1].output[0];
  }

  /**
   * Eval mode: running batchnorm statistics, no dropout. Returns the logits [N, classes], which the caller
   * owns; x stays the caller's.
   */
  predictLogits(x: Tensor): Tensor {
    this.checkInput(x);
    let h = x;
    for (const layer of this.layers) {
      if (layer.identityInEval) continue;
      const y = layer.forward(h, { training: false, seed: 0 });
      if (h !== x) h.dispose();
      h = y;
    }
    return h;
  }

  /**
   * Training mode: returns the logits [N, classes], which stay the model's (backward frees them). `step`
   * seeds this step's dropout masks. x stays the caller's and must live until backward was recorded.
   */
  forwardTrain(x: Tensor, step: number): Tensor {
    this.checkInput(x);
    if (this.activations) throw new Error('forwardTrain: the previous training forward has not been through backward');
    const acts = [x];
    this.layers.forEach((layer, i) => {
      acts.push(layer.forward(acts[i], { training: true, seed: mixSeed(this.seed, step, this.specIndex[i]) }));
      if (i > 0 && !this.layers[i - 1].savesOutput && !layer.savesInput) acts[i].dispose();
    });
    this.activations = acts;
    return acts[acts.length - 1];
  }

  /** Accumulates every parameter's gradient (see zeroGrad) and frees the training forward's tensors. */
  backward(dlogits: Tensor): void {
    const acts = this.activations;
    if (!acts) throw new Error('backward: no training forward to differentiate');
    let dy = dlogits;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const dx = this.layers[i].backward(dy, i > 0);
      if (dy !== dlogits) dy.dispose();
      acts[i + 1].dispose(); // read by layers i and i + 1 at most, and both are done
      dy = dx!;
    }
    this.activations = null;
  }

  /** The next backward overwrites the gradients instead of adding to them (no clearing pass needed). */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }

  private checkInput(x: Tensor): void {
    const expected = this.spec.input;
    if (x.shape.length !== expected.length + 1 || expected.some((d, i) => x.shape[i + 1] !== d)) {
      throw new Error(`model input must be [batch, ${expected}], got [${x.shape}]`);
    }
  }
}
