import * as tf from '@tensorflow/tfjs';
import { bceWithLogits } from './focal.js';
import { assertSameShape, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link sigmoidCrossEntropy}. */
export interface SigmoidCrossEntropyOptions {
  /** Default `'mean'` (as torch's BCEWithLogits). */
  reduction?: Reduction;
  /** Elementwise weights (broadcast) applied before the reduction; 0 ignores an element. */
  weights?: tf.Tensor;
}

/**
 * Binary cross-entropy on logits, `softplus(x) − x·t` (computed as in {@link bceWithLogits}),
 * elementwise, with soft targets in [0, 1] allowed. Equals {@link sigmoidFocalLoss} with γ = 0 and α < 0.
 *
 * @example
 * const perAnchor = sigmoidCrossEntropy(objectness, isObject, { weights: sampled, reduction: 'sum' });
 */
export function sigmoidCrossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: SigmoidCrossEntropyOptions = {},
): tf.Tensor {
  assertSameShape(logits, targets, 'sigmoidCrossEntropy(logits, targets)');
  return tf.tidy(() =>
    reduceLoss(bceWithLogits(logits.toFloat(), targets.toFloat()), options.reduction ?? 'mean', options.weights),
  );
}

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions {
  /**
   * `'mean'` (default) is torch's `F.cross_entropy` mean: Σ wᵢℓᵢ / Σ wᵢ over non-ignored rows,
   * wᵢ = classWeights[labelᵢ] (1 without class weights); `'sum'` is Σ wᵢℓᵢ; `'none'` gives
   * wᵢℓᵢ per row (0 for ignored rows).
   */
  reduction?: Reduction;
  /** Per-class weights, length K (e.g. DETR's 0.1 for the no-object class). */
  classWeights?: readonly number[];
  /** Label value that marks a row as ignored. Default −1 (any label outside [0, K) is ignored too). */
  ignoreIndex?: number;
}

/**
 * Softmax cross-entropy `−log softmax(logits)[label]` per row of `logits [N, K]` with integer
 * `labels [N]`. Rows whose label is `ignoreIndex` (or outside [0, K)) contribute nothing and do
 * not count in the mean. Built from logSoftmax and a one-hot mask, so its gradient
 * (softmax − onehot) needs no gather kernel and works on cpu and wasm.
 *
 * @example
 * // Faster R-CNN RoI head: 81 logits, label 80 = background, −1 = not sampled
 * const loss = softmaxCrossEntropy(clsLogits, labels);
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: SoftmaxCrossEntropyOptions = {},
): tf.Tensor {
  const [n, k] = logits.shape;
  if (logits.rank !== 2)
    throw new Error(`softmaxCrossEntropy: logits must be [N, K]; got [${logits.shape.join(', ')}]`);
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new Error(`softmaxCrossEntropy: labels must be [${n}]; got [${labels.shape.join(', ')}]`);
  }
  const classWeights = options.classWeights;
  if (
    classWeights !== undefined &&
    (classWeights.length !== k || classWeights.some((w) => !Number.isFinite(w) || w < 0))
  ) {
    throw new Error(`softmaxCrossEntropy: classWeights must be ${k} finite numbers ≥ 0`);
  }
  const reduction = options.reduction ?? 'mean';
  const ignoreIndex = options.ignoreIndex ?? -1;
  return tf.tidy(() => {
    const labelsInt = labels.toInt();
    // One-hot of an out-of-range label is an all-zero row, so ignored rows drop out; the
    // explicit mask also covers ignoreIndex values inside [0, K).
    const kept = tf.notEqual(labelsInt, ignoreIndex).toFloat();
    const oneHot = tf.mul(tf.oneHot(labelsInt, k).toFloat(), kept.expandDims(1));
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits.toFloat()), oneHot), 1));
    const rowWeights =
      classWeights === undefined ? tf.sum(oneHot, 1) : tf.sum(tf.mul(oneHot, tf.tensor1d([...classWeights])), 1);
    const weighted = tf.mul(nll, rowWeights);
    if (reduction === 'none') return weighted;
    if (reduction === 'sum') return tf.sum(weighted);
    // torch: weighted mean; 0/0 (every row ignored) would be NaN there, we return 0.
    return tf.div(tf.sum(weighted), tf.maximum(tf.sum(rowWeights), 1e-12));
  });
}
