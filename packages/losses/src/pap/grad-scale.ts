import * as tf from '@tensorflow/tfjs';
import { customOp1 } from './custom-op.js';
import { UserError } from '@apdet/io';

/**
 * GradScale (docs/spec/paper-spec.md §5): the identity in the forward pass; in the backward pass the
 * incoming gradient is multiplied by `w`. Put it on the box-regression output so that every
 * gradient reaching the box branch through the IoU terms is scaled by `w`, while the loss value
 * and the classification gradients stay unchanged. The paper's searched values are the presets'
 * `gradScale`; `w = 10^(2θ − 1)` maps a search parameter to it (see `gradScaleFromTheta`).
 */
export function gradScale<T extends tf.Tensor>(x: T, w: number): T {
  if (!Number.isFinite(w)) throw new UserError(`gradScale: w must be a finite number, got ${w}`);
  const op = customOp1((input: tf.Tensor) => ({
    value: tf.clone(input),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, w),
  }));
  return op(x) as T;
}
