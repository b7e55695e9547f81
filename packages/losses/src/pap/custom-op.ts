import * as tf from '@tensorflow/tfjs';

/** What a custom-gradient body returns: the value and d(input) for each input given dy. */
export interface CustomOpResult {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

type CustomGradBody = Parameters<typeof tf.customGrad>[0];

/**
 * `tf.customGrad` for a one-input op, with tensor-typed parameters (tfjs types every
 * parameter as `Tensor | GradSaveFunc`, which strict TypeScript cannot narrow).
 */
export function customOp1(body: (x: tf.Tensor, save: tf.GradSaveFunc) => CustomOpResult): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad(body as unknown as CustomGradBody);
  return (x) => op(x);
}

/** {@link customOp1} for a two-input op. */
export function customOp2(
  body: (a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => CustomOpResult,
): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad(body as unknown as CustomGradBody);
  return (a, b) => op(a, b);
}
