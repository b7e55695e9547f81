import * as tf from '@tensorflow/tfjs';
import { quotientOfSum } from './exact-quotient.js';

/** The clip threshold's guard, as torch.nn.utils.clip_grad_norm_ uses it. */
const CLIP_EPS = 1e-6;

/**
 * Global-norm gradient clipping, torch.nn.utils.clip_grad_norm_ semantics:
 * total = sqrt(Σ‖g‖²); every gradient is scaled by min(1, maxNorm / (total + 1e-6)).
 * Returns new gradient tensors (the inputs are not disposed) and the pre-clip norm. Reads the
 * norm back to the host; the training loop uses {@link gradNormClipScale} instead.
 */
export function clipGradNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; totalNorm: number } {
  const totalNorm = tf.tidy(() => {
    const squares = [...grads.values()].map((g) => tf.sum(tf.square(g)));
    return squares.length ? tf.sqrt(tf.addN(squares)).dataSync()[0] : 0;
  });
  const coef = Math.min(1, maxNorm / (totalNorm + CLIP_EPS));
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) out.set(name, coef < 1 ? tf.mul(g, coef) : tf.clone(g));
  return { grads: out, totalNorm };
}

/**
 * The same clipping without a device read: the global norm and the scale
 * min(1, maxNorm / (norm + 1e-6)) as device scalars, for `optimizer.step(grads, lr, { gradScale })`.
 * The scale is the float32 rounding of the float64 value {@link clipGradNorm} computes on the
 * host (exact-quotient.ts), so a clipped step is bit-identical to a host-clipped one on backends
 * with correctly rounded float32 arithmetic. The caller disposes both.
 *
 * @example
 * const { norm, scale } = gradNormClipScale(grads, 10);
 * optimizer.step(grads, lr, { gradScale: scale });
 */
export function gradNormClipScale(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { norm: tf.Scalar; scale: tf.Scalar } {
  return tf.tidy(() => {
    const squares = [...grads.values()].map((g) => tf.sum(tf.square(g)));
    const norm = (squares.length ? tf.sqrt(tf.addN(squares)) : tf.scalar(0)) as tf.Scalar;
    const scale = tf.minimum(1, quotientOfSum(maxNorm, norm, CLIP_EPS)) as tf.Scalar;
    return { norm, scale };
  });
}
