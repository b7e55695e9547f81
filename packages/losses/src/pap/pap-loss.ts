import * as tf from '@tensorflow/tfjs';
import { customOp2 } from './custom-op.js';
import { paplossHostForward } from './fast-core.js';
import { scaledFloat32 } from './host-grads.js';
import { resolvePapOptions, type PapLossOptions, type ResolvedPapOptions } from './options.js';
import { checkTargets } from './selection.js';
import { checkSameShapes } from './shapes.js';
import { DEFAULT_CHUNK_ELEMENTS, sigmoidApLossChunked } from './sigmoid-chunked.js';

const asFloat = (t: tf.Tensor) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));

/**
 * The Parameterized AP loss (Tao et al., NeurIPS 2021) with the semantics of the official
 * `paploss` (docs/spec/paper-spec.md §2–3): one pooled ranking over every (sample, class) pair; rows are
 * the valid pairs (target ≠ −1), cut to the `topK` largest logits only when there are
 * strictly more; columns are all positives; self-pairs count; H1 is detached (4 ctrl rows:
 * the exact step sign(Δ)/2 + 0.5); the sum is divided by (#positives + 1e-8); no positives
 * gives 0 with zero gradients.
 *
 * ```
 * L = 1/(P + 1e-8) Σ_j [ (1 − I1(u_j)) + I3(u_j) Σ_k H2(x_kj)(1 − I2(u_k)) / Σ_k sg[H1(x_kj)] ]
 * x_kj = clamp((s_k − s_j)/2 + 0.5, 0, 1)
 * ```
 *
 * 'searched', 'linear' and 'square' run the fast exact algorithm (one custom-gradient op,
 * O((K + P)·log) time, O(K + P) memory; computed on the host in float64 after one
 * device→host copy of logits, ious and targets). 'sigmoid' runs a dense computation over
 * column blocks bounded in memory. Differentiable w.r.t. `logits` and `ious` (`tf.grads`).
 * A NaN or infinite valid logit, or a NaN valid IoU, gives a NaN loss and NaN gradients.
 *
 * @param logits any shape: one raw score per (sample, class) pair
 * @param ious same shape: localisation quality in [0, 1]; 0 for negatives
 * @param targets same shape: 1 positive, 0 negative, −1 ignored
 */
export function parameterizedApLoss(
  logits: tf.Tensor,
  ious: tf.Tensor,
  targets: tf.Tensor,
  options: PapLossOptions,
): tf.Scalar {
  checkSameShapes(logits, ious, targets);
  const resolved = resolvePapOptions(options);
  const targetData = targets.dataSync();
  checkTargets(targetData);
  if (resolved.form === 'sigmoid') {
    return sigmoidApLossChunked(asFloat(logits), asFloat(ious), targetData, resolved.topK, DEFAULT_CHUNK_ELEMENTS);
  }
  return fastApLoss(asFloat(logits), asFloat(ious), targetData, resolved);
}

/** The fast path as one tfjs custom-gradient op over (logits, ious). */
function fastApLoss(
  logits: tf.Tensor,
  ious: tf.Tensor,
  targets: ArrayLike<number>,
  options: ResolvedPapOptions,
): tf.Scalar {
  const op = customOp2((lg: tf.Tensor, io: tf.Tensor) => {
    const forward = paplossHostForward(
      { logits: lg.dataSync() as Float32Array, ious: io.dataSync(), targets },
      options,
    );
    return {
      value: tf.scalar(forward.loss),
      gradFunc: (dy: tf.Tensor) => {
        const grads = forward.backward();
        const upstream = dy.dataSync()[0];
        return [
          tf.tensor(scaledFloat32(grads.gradLogits, upstream), lg.shape),
          tf.tensor(scaledFloat32(grads.gradIous, upstream), io.shape),
        ];
      },
    };
  });
  return op(logits, ious) as tf.Scalar;
}
