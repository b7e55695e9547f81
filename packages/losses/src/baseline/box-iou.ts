import * as tf from '@tensorflow/tfjs';

/**
 * The epsilon the Parameterized AP code (mmdet `core/utils/misc.py`) ADDS to the union and to
 * the enclosing area (docs/spec/paper-spec.md §9.4). It is added, not used as a floor (mmdet's `bbox_overlaps`
 * uses `max(·, eps)` instead): identical boxes therefore give IoU = A/(A + 1e-7) < 1.
 */
export const BOX_IOU_EPS = 1e-7;

/** IoU and GIoU of aligned box pairs, each `[N]`. */
export interface AlignedIous {
  iou: tf.Tensor1D;
  giou: tf.Tensor1D;
}

/**
 * IoU and generalised IoU of `pred[i]` with `target[i]` (aligned pairs, boxes `[N, 4]` as
 * `(x1, y1, x2, y2)`), exactly as the Parameterized AP code computes them (docs/spec/paper-spec.md §9.4):
 *
 * ```
 * overlap = relu(min(x2,x2') − max(x1,x1')) · relu(min(y2,y2') − max(y1,y1'))
 * union   = area + area' − overlap + 1e-7          iou  = overlap / union
 * enclose = relu(max(x2,x2') − min(x1,x1')) · relu(max(y2,y2') − min(y1,y1')) + 1e-7
 * giou    = iou − (enclose − union) / enclose
 * ```
 *
 * Differentiable w.r.t. both inputs with stock tfjs gradients (min/max/relu/mul/div) on every
 * backend. Areas are `(x2−x1)(y2−y1)` without clamping, as in the reference; pass boxes with
 * x2 ≥ x1, y2 ≥ y1 (decoded boxes always are).
 *
 * @example
 * const { giou } = alignedIous(predBoxes, gtBoxes);
 * const quality = giou.add(1).div(2);   // u = (GIoU + 1) / 2, docs/spec/paper-spec.md §9.1
 */
export function alignedIous(pred: tf.Tensor2D, target: tf.Tensor2D): AlignedIous {
  assertBoxes(pred, 'pred');
  assertBoxes(target, 'target');
  if (pred.shape[0] !== target.shape[0]) {
    throw new Error(`alignedIous: pred has ${pred.shape[0]} boxes, target ${target.shape[0]}`);
  }
  return tf.tidy(() => {
    const [px1, py1, px2, py2] = tf.unstack(pred.toFloat(), 1) as tf.Tensor1D[];
    const [tx1, ty1, tx2, ty2] = tf.unstack(target.toFloat(), 1) as tf.Tensor1D[];
    const overlapW = tf.relu(tf.sub(tf.minimum(px2, tx2), tf.maximum(px1, tx1)));
    const overlapH = tf.relu(tf.sub(tf.minimum(py2, ty2), tf.maximum(py1, ty1)));
    const overlap = tf.mul(overlapW, overlapH);
    const areaPred = tf.mul(tf.sub(px2, px1), tf.sub(py2, py1));
    const areaTarget = tf.mul(tf.sub(tx2, tx1), tf.sub(ty2, ty1));
    const union = tf.add(tf.sub(tf.add(areaPred, areaTarget), overlap), BOX_IOU_EPS);
    const iou = tf.div(overlap, union);
    const encloseW = tf.relu(tf.sub(tf.maximum(px2, tx2), tf.minimum(px1, tx1)));
    const encloseH = tf.relu(tf.sub(tf.maximum(py2, ty2), tf.minimum(py1, ty1)));
    const enclose = tf.add(tf.mul(encloseW, encloseH), BOX_IOU_EPS);
    const giou = tf.sub(iou, tf.div(tf.sub(enclose, union), enclose));
    return { iou: iou as tf.Tensor1D, giou: giou as tf.Tensor1D };
  });
}

function assertBoxes(boxes: tf.Tensor, name: string): void {
  if (boxes.rank !== 2 || boxes.shape[1] !== 4) {
    throw new Error(`alignedIous: ${name} boxes must be [N, 4] (x1, y1, x2, y2); got [${boxes.shape.join(', ')}]`);
  }
}
