/**
 * Element-wise (aligned) IoU and GIoU of box pairs `(a[k], b[k])`, exactly as the
 * Parameterized AP Loss code computes them (docs/spec/paper-spec.md §9.4, `mmdet/core/utils/misc.py`):
 *
 *   overlap = max(0, min(x2,x2') − max(x1,x1')) · max(0, min(y2,y2') − max(y1,y1'))
 *   union   = area + area' − overlap + eps
 *   enclose = max(0, max(x2,x2') − min(x1,x1')) · max(0, max(y2,y2') − min(y1,y1')) + eps
 *   giou    = overlap/union − (enclose − union)/enclose,      eps = 1e-7
 *
 * Unlike the pairwise torchvision versions these never divide by zero, and identical boxes
 * give `A / (A + eps)`, slightly below 1.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBoxTensor } from './types.js';

/** The epsilon of the released PAP code (§9.4). */
export const PAP_GIOU_EPS = 1e-7;

function alignedTerms(a: tf.Tensor2D, b: tf.Tensor2D, eps: number, what: string) {
  assertBoxTensor(a.shape, `${what}(a)`);
  assertBoxTensor(b.shape, `${what}(b)`);
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(`${what}: a and b must have the same number of boxes, got ${a.shape[0]} and ${b.shape[0]}`);
  }
  const [ax1, ay1, ax2, ay2] = tf.unstack(a, 1);
  const [bx1, by1, bx2, by2] = tf.unstack(b, 1);
  const overlap = tf
    .maximum(tf.minimum(ax2, bx2).sub(tf.maximum(ax1, bx1)), 0)
    .mul(tf.maximum(tf.minimum(ay2, by2).sub(tf.maximum(ay1, by1)), 0));
  const union = ax2
    .sub(ax1)
    .mul(ay2.sub(ay1))
    .add(bx2.sub(bx1).mul(by2.sub(by1)))
    .sub(overlap)
    .add(eps);
  const enclose = () =>
    tf
      .maximum(tf.maximum(ax2, bx2).sub(tf.minimum(ax1, bx1)), 0)
      .mul(tf.maximum(tf.maximum(ay2, by2).sub(tf.minimum(ay1, by1)), 0))
      .add(eps);
  return { overlap, union, enclose };
}

/** Aligned IoU `[K,4]`, `[K,4]` → `[K]` with the PAP epsilon on the union (§9.4 `iou()`). */
export function alignedBoxIou(a: tf.Tensor2D, b: tf.Tensor2D, eps = PAP_GIOU_EPS): tf.Tensor1D {
  return tf.tidy(() => {
    const { overlap, union } = alignedTerms(a, b, eps, 'alignedBoxIou');
    return overlap.div(union) as tf.Tensor1D;
  });
}

/** Aligned GIoU `[K,4]`, `[K,4]` → `[K]` exactly as §9.4 (differentiable in both inputs). */
export function alignedGeneralizedBoxIou(a: tf.Tensor2D, b: tf.Tensor2D, eps = PAP_GIOU_EPS): tf.Tensor1D {
  return tf.tidy(() => {
    const { overlap, union, enclose } = alignedTerms(a, b, eps, 'alignedGeneralizedBoxIou');
    const e = enclose();
    return overlap.div(union).sub(e.sub(union).div(e)) as tf.Tensor1D;
  });
}
