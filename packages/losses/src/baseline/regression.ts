import * as tf from '@tensorflow/tfjs';
import { assertSameShape, reduceLoss, type Reduction } from './reduction.js';

/** Options shared by the elementwise regression losses. */
export interface RegressionLossOptions {
  /** Default `'mean'` (as torch). */
  reduction?: Reduction;
  /** Elementwise weights (broadcast, e.g. a positive mask `[N, 1]`) applied before the reduction. */
  weights?: tf.Tensor;
}

/**
 * L1 loss `|pred − target|`, elementwise. The gradient is sign(pred − target) (−1 at exactly 0,
 * tfjs's `abs` convention; torch uses 0 there).
 *
 * @example
 * const box = l1Loss(deltas, targetDeltas, { weights: positiveMask.expandDims(1), reduction: 'sum' });
 */
export function l1Loss(pred: tf.Tensor, target: tf.Tensor, options: RegressionLossOptions = {}): tf.Tensor {
  assertSameShape(pred, target, 'l1Loss(pred, target)');
  return tf.tidy(() => reduceLoss(tf.abs(tf.sub(pred, target)), options.reduction ?? 'mean', options.weights));
}

/**
 * Smooth-L1 (Huber/β) loss: `0.5·d²/β` for `|d| < β`, `|d| − 0.5·β` otherwise, `d = pred − target`;
 * β = 0 is exactly L1 (torch semantics).
 *
 * Written branch-free as `m = min(|d|, β)`, `loss = 0.5·m²/β + (|d| − m)`, which equals the
 * piecewise form on both sides and whose gradient (through `minimum` and `abs`) exists on
 * every tfjs backend; a `where(less(|d|, β), …)` form would need a gradient for `Less`, which
 * tfjs does not have.
 *
 * @example
 * const box = smoothL1Loss(deltas, targetDeltas, 1 / 9, { reduction: 'sum' });
 */
export function smoothL1Loss(
  pred: tf.Tensor,
  target: tf.Tensor,
  beta = 1,
  options: RegressionLossOptions = {},
): tf.Tensor {
  if (!Number.isFinite(beta) || beta < 0)
    throw new Error(`smoothL1Loss: beta must be a finite number ≥ 0; got ${beta}`);
  assertSameShape(pred, target, 'smoothL1Loss(pred, target)');
  if (beta === 0) return l1Loss(pred, target, options);
  return tf.tidy(() => {
    const absDiff = tf.abs(tf.sub(pred, target));
    const quadratic = tf.minimum(absDiff, beta);
    const loss = tf.add(tf.mul(tf.square(quadratic), 0.5 / beta), tf.sub(absDiff, quadratic));
    return reduceLoss(loss, options.reduction ?? 'mean', options.weights);
  });
}
