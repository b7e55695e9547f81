import * as tf from '@tensorflow/tfjs';

/**
 * Global-norm gradient clipping, torch.nn.utils.clip_grad_norm_ semantics:
 * total = sqrt(Σ‖g‖²); every gradient is scaled by min(1, maxNorm / (total + 1e-6)).
 * Returns new gradient tensors (the inputs are not disposed) and the pre-clip norm.
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): { grads: Map<string, tf.Tensor>; totalNorm: number } {
  const totalNorm = tf.tidy(() => {
    const squares = [...grads.values()].map((g) => tf.sum(tf.square(g)));
    return squares.length ? tf.sqrt(tf.addN(squares)).dataSync()[0] : 0;
  });
  const coef = Math.min(1, maxNorm / (totalNorm + 1e-6));
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) out.set(name, coef < 1 ? tf.mul(g, coef) : tf.clone(g));
  return { grads: out, totalNorm };
}
