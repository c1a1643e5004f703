// What every layer of a model provides. In training mode forward keeps what backward needs; backward
// consumes that, accumulates the parameter gradients and returns the gradient of its input.
import type { Tensor } from '../../tensor.js';
import type { Param } from '../param.js';

export interface ForwardContext {
  training: boolean;
  /** Seeds this step's random draws (dropout masks); fixed per (model seed, step, layer). */
  seed: number;
}

/** A non-trainable tensor of the state dict (batchnorm running statistics). */
export interface StateTensor {
  name: string;
  value: Tensor;
}

export interface Layer {
  /** "layer 3 (conv2d)", or "layers 0-1 (conv2d+relu)" when two spec layers were fused into one. */
  readonly label: string;
  readonly params: readonly Param[];
  readonly state: readonly StateTensor[];
  /**
   * Whether backward reads the layer's input or output tensor. The model owns activations and frees each
   * one as soon as neither the layer before nor the layer after it still needs it.
   */
  readonly savesInput: boolean;
  readonly savesOutput: boolean;
  /** Layers that pass their input through unchanged in eval mode (dropout) are skipped there. */
  readonly identityInEval: boolean;
  forward(x: Tensor, context: ForwardContext): Tensor;
  /**
   * Returns dx, or null when the input needs no gradient (the model's first layer). A layer may free dy and
   * its saved output as soon as it has used them (the owner's later dispose() is then a no-op); its input
   * it must leave alone, since the layer before may still read it.
   */
  backward(dy: Tensor, needInputGrad: boolean): Tensor | null;
  /** Frees what the layer owns: parameters, state and anything kept from an unfinished forward. */
  dispose(): void;
}
