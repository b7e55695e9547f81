import type * as tf from '@tensorflow/tfjs';
import { UserError } from '@apdet/io';

/** logits, ious and targets must have identical shapes (one value per (sample, class) pair). */
export function checkSameShapes(logits: tf.Tensor, ious: tf.Tensor, targets: tf.Tensor): void {
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(logits.shape, ious.shape) || !same(logits.shape, targets.shape)) {
    throw new UserError(
      `parameterizedApLoss: logits [${logits.shape.join(',')}], ious [${ious.shape.join(',')}] and targets ` +
        `[${targets.shape.join(',')}] must have the same shape`,
    );
  }
}
