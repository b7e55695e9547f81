import * as tf from '@tensorflow/tfjs';

/** How an elementwise loss is reduced: as is, mean over all elements, or sum. */
export type Reduction = 'none' | 'mean' | 'sum';

export const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/**
 * Applies optional elementwise weights, then the reduction. Weights broadcast against the
 * loss (e.g. `[N, 1]` against `[N, C]`); a weight of 0 removes an element from the sum, but
 * NOT from the element count of `'mean'` (torch semantics: mean = sum / number of elements).
 * Callers that need "mean over kept elements" use `'sum'` and divide themselves.
 */
export function reduceLoss(loss: tf.Tensor, reduction: Reduction, weights?: tf.Tensor): tf.Tensor {
  assertReduction(reduction);
  const weighted = weights === undefined ? loss : tf.mul(loss, weights);
  switch (reduction) {
    case 'none':
      return weighted;
    case 'mean':
      return tf.mean(weighted);
    case 'sum':
      return tf.sum(weighted);
  }
}

function assertReduction(reduction: string): asserts reduction is Reduction {
  if (!(REDUCTIONS as readonly string[]).includes(reduction)) {
    throw new Error(`reduction must be one of ${REDUCTIONS.join(', ')}; got ${JSON.stringify(reduction)}`);
  }
}

/** Throws when two tensors that are compared element by element have different shapes. */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${what}: shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  }
}
