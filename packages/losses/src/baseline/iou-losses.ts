import * as tf from '@tensorflow/tfjs';
import { alignedIous } from './box-iou.js';
import { reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link iouLoss} and {@link giouLoss}. */
export interface BoxLossOptions {
  /** Default `'mean'`. */
  reduction?: Reduction;
  /** Per-box weights `[N]` (e.g. a positive mask) applied before the reduction. */
  weights?: tf.Tensor1D;
}

/** Options of {@link iouLoss}. */
export interface IouLossOptions extends BoxLossOptions {
  /** `'linear'` (default): 1 − IoU. `'log'`: −log(max(IoU, 1e-6)) (UnitBox; mmdet's IoULoss default). */
  mode?: 'linear' | 'log';
}

/** Floor of IoU inside the log of `mode: 'log'` (mmdet's IoULoss eps). */
export const LOG_IOU_FLOOR = 1e-6;

/**
 * IoU loss per aligned box pair `[N, 4]` xyxy, with the Parameterized AP code's IoU (1e-7 added
 * to the union; see {@link alignedIous}).
 *
 * @example
 * const loss = iouLoss(pred, gt, { mode: 'linear', reduction: 'sum' });
 */
export function iouLoss(pred: tf.Tensor2D, target: tf.Tensor2D, options: IouLossOptions = {}): tf.Tensor {
  const mode = options.mode ?? 'linear';
  if (mode !== 'linear' && mode !== 'log')
    throw new Error(`iouLoss: mode must be 'linear' or 'log'; got ${JSON.stringify(mode)}`);
  return tf.tidy(() => {
    const { iou } = alignedIous(pred, target);
    // clipByValue has a stock gradient (zero where clipped), unlike a where(less(...)) floor.
    const loss = mode === 'linear' ? tf.sub(1, iou) : tf.neg(tf.log(tf.clipByValue(iou, LOG_IOU_FLOOR, 1)));
    return reduceLoss(loss, options.reduction ?? 'mean', options.weights);
  });
}

/**
 * GIoU loss `1 − GIoU` (Rezatofighi et al. 2019) per aligned box pair `[N, 4]` xyxy, with the
 * Parameterized AP code's epsilons (1e-7 added to union and enclosing area; docs/spec/paper-spec.md §9.4).
 *
 * @example
 * const loss = giouLoss(decodedPred, gtBoxes, { weights: positiveMask, reduction: 'sum' });
 */
export function giouLoss(pred: tf.Tensor2D, target: tf.Tensor2D, options: BoxLossOptions = {}): tf.Tensor {
  return tf.tidy(() =>
    reduceLoss(tf.sub(1, alignedIous(pred, target).giou), options.reduction ?? 'mean', options.weights),
  );
}
