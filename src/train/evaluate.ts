// Inference in eval mode (running batchnorm statistics, no dropout): logits and softmax probabilities.
import type { Model } from '../nn/model.js';
import { softmaxCrossEntropyForward } from '../ops/softmax-ce.js';
import type { Tensor } from '../tensor.js';

export interface Prediction {
  /** [N, classes], row-major. */
  logits: Float32Array;
  probs: Float32Array;
}

export interface Evaluation extends Prediction {
  /** Mean cross-entropy of the batch. */
  loss: number;
  /** Examples whose highest-probability class is their label. */
  correct: number;
}

/** Logits and probabilities of a batch x [N, ...input] (x stays the caller's). */
export async function predict(model: Model, x: Tensor): Promise<Prediction> {
  // The softmax is the loss kernel's; with placeholder labels its loss is meaningless and dropped.
  const labels = model.backend.zeros([x.shape[0]], 'i32');
  const { logits, probs } = await evaluateWith(model, x, labels);
  labels.dispose();
  return { logits, probs };
}

/** Loss, predictions and the number of correct ones for a batch x [N, ...input] with labels [N] (i32). */
export async function evaluate(model: Model, x: Tensor, labels: Tensor): Promise<Evaluation> {
  const result = await evaluateWith(model, x, labels);
  const truth = await labels.read();
  const classes = model.classes;
  let correct = 0;
  for (let n = 0; n < truth.length; n++) if (argmax(result.probs, n * classes, classes) === truth[n]) correct++;
  return { ...result, correct };
}

async function evaluateWith(model: Model, x: Tensor, labels: Tensor): Promise<Prediction & { loss: number }> {
  const logitsTensor = model.predictLogits(x);
  const { loss, probs } = softmaxCrossEntropyForward(model.backend, logitsTensor, labels);
  const [logits, probabilities, lossValue] = await Promise.all([logitsTensor.read(), probs.read(), loss.read()]);
  for (const t of [logitsTensor, loss, probs]) t.dispose();
  return { logits: logits as Float32Array, probs: probabilities as Float32Array, loss: lossValue[0] };
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}
