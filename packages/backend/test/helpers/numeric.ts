import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { Rng } from '@apdet/rng';

/** max |a − b| / max(|b|, tiny): the error relative to the reference's scale. */
export function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const scale = tf.max(tf.abs(b)).dataSync()[0];
    return diff / Math.max(scale, 1e-12);
  });
}

/** Deterministic pseudo-random values in [-1, 1) (@apdet/rng), so cases need no seeded tfjs RNG. */
export function randomValues(n: number, seed: number): Float32Array {
  const rng = Rng.from(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/**
 * Central finite differences of the scalar `f` with respect to input `which`, at `count`
 * evenly spread element positions. Returns [numeric, analytic] values at those positions.
 */
export function finiteDiffCheck(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
  which: number,
  analytic: tf.Tensor,
  count = 10,
  eps = 1e-2,
): { numeric: number[]; analytic: number[]; scale: number } {
  const base = xs[which].dataSync().slice();
  const grad = analytic.dataSync();
  const scale = Math.max(...Array.from(grad, Math.abs), 1e-12);
  const numeric: number[] = [];
  const picked: number[] = [];
  const step = Math.max(1, Math.floor(base.length / count));
  for (let i = 0; i < base.length && picked.length < count; i += step) {
    const at = (delta: number) =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] += delta;
        const args = xs.map((x, j) => (j === which ? tf.tensor(v, x.shape) : x));
        return f(...args).dataSync()[0];
      });
    numeric.push((at(eps) - at(-eps)) / (2 * eps));
    picked.push(grad[i]);
  }
  return { numeric, analytic: picked, scale };
}

/** Max |numeric − analytic| over max |analytic gradient| (the gradient's scale). */
export function finiteDiffError(r: { numeric: number[]; analytic: number[]; scale: number }): number {
  return Math.max(...r.numeric.map((v, i) => Math.abs(v - r.analytic[i]))) / r.scale;
}

export interface StoredTensor {
  shape: number[];
  data: number[];
}

export interface ConvFixture {
  name: string;
  params: { strides: number; padding: 'same' | 'valid' };
  inputs: { x: StoredTensor; filter: StoredTensor; grad_output: StoredTensor };
  outputs: { y: StoredTensor; grad_x: StoredTensor; grad_filter: StoredTensor };
}

export function loadConvFixture(name: string): ConvFixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/conv/${name}.json`, import.meta.url), 'utf8')) as ConvFixture;
}

export function fromStored(t: StoredTensor): tf.Tensor {
  return tf.tensor(t.data, t.shape);
}
