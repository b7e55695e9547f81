import * as tf from '@tensorflow/tfjs';
import { customOp1 } from './custom-op.js';
import type { PiecewiseLinear } from './piecewise-linear.js';

/**
 * Detach: identity forward, zero gradient (torch's `.detach()`). tfjs has no stop-gradient op.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = customOp1((input: tf.Tensor) => ({
    value: tf.clone(input),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return op(x) as T;
}

/** Segment index of every element by the official rule (see `segmentIndex`), as int32. */
function segmentIndices(x: tf.Tensor, f: PiecewiseLinear): tf.Tensor {
  return tf.tidy(() => {
    // #{i : x > x_i} + (x == 0 ? #{i : x_i == 0} : 0) − 1
    const int = (v: number) => tf.scalar(v, 'int32');
    let count: tf.Tensor = tf.mul(tf.cast(tf.equal(x, 0), 'int32'), int(f.zeroCount));
    for (const knot of f.xs) count = tf.add(count, tf.cast(tf.greater(x, knot), 'int32'));
    return tf.sub(count, int(1));
  });
}

/**
 * Elementwise piecewise-linear function with the official index rule, as a tfjs op:
 * `y = slope[i]·(x − x_i) + y_i` and `dy/dx = slope[i]` (the left slope at interior knots).
 * A custom-gradient op because tfjs has no gradients for the comparisons that pick i.
 * Inputs must lie in [0, 1].
 */
export function piecewiseLinearTensor(x: tf.Tensor, f: PiecewiseLinear): tf.Tensor {
  const op = customOp1((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    const value = tf.tidy(() => {
      const idx = segmentIndices(input, f);
      const slope = tf.gather(tf.tensor1d(Float32Array.from(f.slopes)), idx);
      const knotX = tf.gather(tf.tensor1d(Float32Array.from(f.xs)), idx);
      const knotY = tf.gather(tf.tensor1d(Float32Array.from(f.ys)), idx);
      return tf.add(tf.mul(slope, tf.sub(input, knotX)), knotY);
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => tf.mul(dy, tf.gather(tf.tensor1d(Float32Array.from(f.slopes)), segmentIndices(saved[0], f)))),
    };
  });
  return op(x);
}
