/**
 * Pairwise IoU / GIoU as tfjs tensors (differentiable), with torchvision.ops semantics:
 * area = (x2 − x1)(y2 − y1), intersection sides clamped at 0, no epsilon. Two zero-area
 * boxes therefore give 0/0 = NaN, exactly like torchvision.
 *
 * Clamping uses `tf.maximum(·, 0)`, whose gradient passes at exactly 0 like torch's
 * `clamp(min=0)` (touching boxes), and no comparison op is taped, so these work on wasm
 * without extra gradient kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBoxTensor } from './types.js';

interface PairTerms {
  inter: tf.Tensor2D;
  union: tf.Tensor2D;
  /** Enclosing box sides, only when requested. */
  enclose?: tf.Tensor2D;
}

/** Splits `[N,4]` into four `[N,1]` columns, or `[1,N]` rows when `asRow`. */
function columns(boxes: tf.Tensor2D, asRow: boolean): tf.Tensor2D[] {
  const cols = tf.split<tf.Tensor2D>(boxes, 4, 1);
  return asRow ? cols.map((c) => c.reshape([1, -1]) as tf.Tensor2D) : cols;
}

/**
 * Expands to the full `[N,M]` grid before Maximum/Minimum: tfjs' Maximum/Minimum gradients do
 * not sum over broadcast dimensions (shape error), while Add's does. (`broadcastTo`/`tile`
 * would also work, but Tile's gradient is one slice per repetition — very slow.)
 */
function expand(x: tf.Tensor2D, grid: tf.Tensor2D): tf.Tensor2D {
  return x.add(grid) as tf.Tensor2D;
}

function pairTerms(a: tf.Tensor2D, b: tf.Tensor2D, withEnclose: boolean): PairTerms {
  const [ax1, ay1, ax2, ay2] = columns(a, false);
  const [bx1, by1, bx2, by2] = columns(b, true);
  const areaA = ax2.sub(ax1).mul(ay2.sub(ay1)); // [N,1]
  const areaB = bx2.sub(bx1).mul(by2.sub(by1)); // [1,M]
  const grid = tf.zeros([a.shape[0], b.shape[0]]) as tf.Tensor2D;
  const [px1, py1, px2, py2] = [ax1, ay1, ax2, ay2].map((c) => expand(c, grid));
  const [qx1, qy1, qx2, qy2] = [bx1, by1, bx2, by2].map((c) => expand(c, grid));
  const iw = tf.maximum(tf.minimum(px2, qx2).sub(tf.maximum(px1, qx1)), 0);
  const ih = tf.maximum(tf.minimum(py2, qy2).sub(tf.maximum(py1, qy1)), 0);
  const inter = iw.mul(ih) as tf.Tensor2D;
  const union = areaA.add(areaB).sub(inter) as tf.Tensor2D;
  if (!withEnclose) return { inter, union };
  const ew = tf.maximum(tf.maximum(px2, qx2).sub(tf.minimum(px1, qx1)), 0);
  const eh = tf.maximum(tf.maximum(py2, qy2).sub(tf.minimum(py1, qy1)), 0);
  return { inter, union, enclose: ew.mul(eh) as tf.Tensor2D };
}

/**
 * Pairwise IoU of xyxy boxes: `[N,4]`, `[M,4]` → `[N,M]` (torchvision `box_iou`).
 */
export function boxIou(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  assertBoxTensor(a.shape, 'boxIou(a)');
  assertBoxTensor(b.shape, 'boxIou(b)');
  return tf.tidy(() => {
    const { inter, union } = pairTerms(a, b, false);
    return inter.div(union) as tf.Tensor2D;
  });
}

/**
 * Pairwise generalized IoU: `iou − (enclose − union) / enclose`, `[N,4]`, `[M,4]` → `[N,M]`
 * (torchvision `generalized_box_iou`), in [−1, 1].
 */
export function generalizedBoxIou(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  assertBoxTensor(a.shape, 'generalizedBoxIou(a)');
  assertBoxTensor(b.shape, 'generalizedBoxIou(b)');
  return tf.tidy(() => {
    const { inter, union, enclose } = pairTerms(a, b, true);
    const iou = inter.div(union);
    return iou.sub(enclose!.sub(union).div(enclose!)) as tf.Tensor2D;
  });
}
