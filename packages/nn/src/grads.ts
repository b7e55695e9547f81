import * as tf from '@tensorflow/tfjs';
import type { Parameter } from './module.js';

/**
 * Runs `loss` under a gradient tape and returns its value and the gradient of every given
 * (trainable) parameter, keyed by parameter name. Frozen parameters are simply not passed, so
 * tfjs prunes their backward ops (a frozen stem costs no dW/dX work).
 *
 * @example
 * const { value, grads } = valueAndGrads(model.trainableParameters(), () => lossOf(model, batch));
 * optimizer.step(grads, baseLr * schedule(iter));
 * tf.dispose([value, ...grads.values()]);
 */
export function valueAndGrads(
  params: Array<[string, Parameter]>,
  loss: () => tf.Scalar,
): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const variables = params.map(([, p]) => p.variable);
  const { value, grads } = tf.variableGrads(loss, variables);
  const out = new Map<string, tf.Tensor>();
  for (const [name, p] of params) {
    const g = grads[p.variable.name];
    if (g) out.set(name, g);
  }
  return { value, grads: out };
}
