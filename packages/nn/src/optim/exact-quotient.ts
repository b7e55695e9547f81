/**
 * `a / (b + c)` rounded ONCE to float32, computed on the device with float32 operations only:
 * the value the host gets in float64 and rounds to float32 when it becomes a tensor. It makes
 * the on-device clip scale (clip.ts) equal to the host-computed one bit for bit, so moving the
 * clip onto the device changed no training result. The method is Dekker's double-length
 * arithmetic (T. J. Dekker, "A floating-point technique for extending the available
 * precision", Numer. Math. 18, 1971): the divisor as an unevaluated float32 pair, the quotient
 * corrected by its residual, which an exact product (Veltkamp splitting) gives. It relies on
 * correctly rounded float32 add/sub/mul/div, which the cpu, wasm and TensorFlow CPU backends
 * have (tested in test/grad-scale.test.ts); a GPU may round differently.
 */
import * as tf from '@tensorflow/tfjs';

/** A float64 constant as a float32 pair hi + lo (hi = fl32(x), lo = fl32(x − hi)). */
function pair(x: number): [number, number] {
  const hi = Math.fround(x);
  return [hi, Math.fround(x - hi)];
}

/** Veltkamp's split of a float32: hi + lo = a exactly, each with at most 12 significant bits. */
function split(a: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const c = tf.mul(a, 4097); // 2^12 + 1 for a 24-bit significand
  const hi = tf.sub(c, tf.sub(c, a));
  return [hi, tf.sub(a, hi)];
}

/** The exact product a·b as p + err (Dekker's TwoProduct). */
function twoProduct(a: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const p = tf.mul(a, b);
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const err = tf.add(tf.add(tf.add(tf.sub(tf.mul(ah, bh), p), tf.mul(ah, bl)), tf.mul(al, bh)), tf.mul(al, bl));
  return [p, err];
}

/**
 * fl32(a / (b + c)) for float64 constants `a` and `c` and a float32 device scalar `b` with
 * |b| ≥ |c| (or a quotient that is never used, e.g. clamped to 1). The caller disposes the result.
 *
 * @example
 * const q = quotientOfSum(10, norm, 1e-6); // fl32(10 / (norm + 1e-6)), as Math.fround would give on the host
 */
export function quotientOfSum(a: number, b: tf.Scalar, c: number): tf.Scalar {
  return tf.tidy(() => {
    const [aHi, aLo] = pair(a);
    const [cHi, cLo] = pair(c);
    // b + c as s + t exactly (Fast2Sum, |b| ≥ |c|), then the tail of c added to t.
    const s = tf.add(b, cHi);
    const t = tf.add(tf.sub(cHi, tf.sub(s, b)), cLo);
    // First quotient, its residual a − q1·(s + t) computed exactly enough, and the correction.
    const q1 = tf.div(aHi, s);
    const [p, pErr] = twoProduct(q1, s);
    const residual = tf.sub(tf.add(tf.sub(tf.sub(aHi, p), pErr), aLo), tf.mul(q1, t));
    return tf.add(q1, tf.div(residual, s)) as tf.Scalar;
  });
}
