/** Area and clipping of xyxy boxes (typed arrays and tensors). */
import * as tf from '@tensorflow/tfjs';
import { assertBoxTensor, boxCount } from './types.js';

/** Areas `(x2 − x1)(y2 − y1)` of flat xyxy boxes (negative for inverted boxes, like torchvision). */
export function boxArea(boxes: ArrayLike<number>): Float64Array {
  const n = boxCount(boxes, 'boxArea');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    out[i] = (boxes[o + 2] - boxes[o]) * (boxes[o + 3] - boxes[o + 1]);
  }
  return out;
}

/** Tensor version of {@link boxArea}: `[N, 4]` → `[N]`. */
export function boxAreaTensor(boxes: tf.Tensor2D): tf.Tensor1D {
  assertBoxTensor(boxes.shape, 'boxAreaTensor');
  return tf.tidy(() => {
    const [x1, y1, x2, y2] = tf.unstack(boxes, 1);
    return x2.sub(x1).mul(y2.sub(y1)) as tf.Tensor1D;
  });
}

/**
 * Clips xyxy boxes to an image of `height × width`: x into [0, width], y into [0, height]
 * (mmdet v2 / torchvision `clip_boxes_to_image`; no "−1").
 */
export function clipBoxes(boxes: ArrayLike<number>, height: number, width: number): Float64Array {
  const n = boxCount(boxes, 'clipBoxes');
  const out = new Float64Array(n * 4);
  // Pairs (x1, y1) and (x2, y2): even elements are x, odd ones y.
  for (let i = 0; i < 4 * n; i += 2) {
    out[i] = Math.min(Math.max(boxes[i], 0), width);
    out[i + 1] = Math.min(Math.max(boxes[i + 1], 0), height);
  }
  return out;
}

/** Tensor version of {@link clipBoxes} (gradient passes where the box is inside the image). */
export function clipBoxesTensor(boxes: tf.Tensor2D, height: number, width: number): tf.Tensor2D {
  assertBoxTensor(boxes.shape, 'clipBoxesTensor');
  return tf.tidy(() => {
    // Per column with scalar bounds: tfjs' Minimum gradient mishandles broadcast operands.
    const [x1, y1, x2, y2] = tf.unstack(boxes, 1);
    const cx = (t: tf.Tensor) => tf.clipByValue(t, 0, width);
    const cy = (t: tf.Tensor) => tf.clipByValue(t, 0, height);
    return tf.stack([cx(x1), cy(y1), cx(x2), cy(y2)], 1) as tf.Tensor2D;
  });
}
