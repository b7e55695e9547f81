import * as tf from '@tensorflow/tfjs';

/**
 * Per-(sample, class) targets in {−1, 0, 1} (int32 `[N, C]`) from labels `[N]` (class in
 * [0, C) = positive, C = negative, −1 = ignored): the one-hot of positives, 0 for negatives,
 * −1 in every column of an ignored sample (the Parameterized AP / RetinaNet convention).
 *
 * @example
 * targetsFromLabels(tf.tensor1d([2, 3, -1], 'int32'), 3)  // [[0,0,1],[0,0,0],[-1,-1,-1]]
 */
export function targetsFromLabels(labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const { oneHot, valid } = labelMasks(labels, numClasses);
    return tf.sub(oneHot, tf.sub(1, valid).expandDims(1)).toInt() as tf.Tensor2D;
  });
}

/** Float masks derived from labels; none of them is differentiable (labels are data). */
export interface LabelMasks {
  /** `[N, C]` 1 at (positive sample, its class). */
  oneHot: tf.Tensor2D;
  /** `[N]` 1 for positives. */
  positive: tf.Tensor1D;
  /** `[N]` 1 for positives and negatives, 0 for ignored samples. */
  valid: tf.Tensor1D;
}

/** See {@link LabelMasks}. Labels outside [−1, C] are treated as ignored. */
export function labelMasks(labels: tf.Tensor1D, numClasses: number): LabelMasks {
  return tf.tidy(() => {
    const l = labels.toInt();
    const positive = tf.logicalAnd(tf.greaterEqual(l, 0), tf.less(l, numClasses));
    const valid = tf.logicalAnd(tf.greaterEqual(l, 0), tf.lessEqual(l, numClasses));
    // Mask explicitly rather than rely on oneHot's out-of-range behaviour.
    // tf.oneHot needs depth ≥ 2, so the RPN's single class takes the first column of a depth-2 one-hot.
    const depth = Math.max(numClasses, 2);
    const wide = tf.oneHot(tf.clipByValue(l, 0, numClasses - 1).toInt(), depth).toFloat();
    const columns = numClasses === depth ? wide : tf.slice(wide, [0, 0], [-1, numClasses]);
    const oneHot = tf.mul(columns, positive.toFloat().expandDims(1));
    return {
      oneHot: oneHot as tf.Tensor2D,
      positive: positive.toFloat() as tf.Tensor1D,
      valid: valid.toFloat() as tf.Tensor1D,
    };
  });
}

/** max(Σ mask, 1): the "average factor" of mmdet / torchvision (no division by zero). */
export function countAtLeastOne(mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.maximum(tf.sum(mask), 1) as tf.Scalar);
}
