import * as tf from '@tensorflow/tfjs';
import type { Parameter } from '../../src/index.js';
import { finiteDiff, randomArray, type Ref } from './reference.js';

/** Backends every numeric test runs on. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** float32 tensor from a float64 reference. */
export function toTensor(r: Ref): tf.Tensor {
  return tf.tensor(Float32Array.from(r.data), r.shape, 'float32');
}

/** Overwrites a parameter with the given values; returns them as float64 (what float32 holds). */
export function setParam(p: Parameter, seed: number, lo = -1, hi = 1): Float64Array {
  const values = Float64Array.from(Float32Array.from(randomArray(p.size, seed, lo, hi)));
  tf.tidy(() => p.variable.assign(tf.tensor(Float32Array.from(values), p.shape, 'float32')));
  return values;
}

/** Random input whose float64 values are exactly representable in float32. */
export function randomRef(shape: number[], seed: number, lo = -1, hi = 1): Ref {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float64Array.from(Float32Array.from(randomArray(n, seed, lo, hi))), shape };
}

/** Σ y·r for a fixed random r: a scalar loss whose gradient w.r.t. y is r. */
export function weightedSum(y: ArrayLike<number>, seed = 99): number {
  const r = randomArray(y.length, seed);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}

export function weightedSumTensor(y: tf.Tensor, seed = 99): tf.Scalar {
  return tf.sum(tf.mul(y, tf.tensor(Float32Array.from(randomArray(y.size, seed)), y.shape))) as tf.Scalar;
}

/** A few spread-out coordinates of a tensor of size n (deterministic). */
export function probeIndices(n: number, count = 10): number[] {
  const picked = new Set<number>();
  const r = randomArray(count * 2, n + 17, 0, 1);
  for (let i = 0; picked.size < Math.min(count, n) && i < r.length; i++) picked.add(Math.floor(r[i] * n));
  return [...picked];
}

/**
 * Checks an analytic gradient (float32 tfjs) against central finite differences of a float64
 * reference loss at probe coordinates; returns the worst |analytic − numeric| / (1 + |numeric|).
 */
export function gradError(
  analytic: ArrayLike<number>,
  loss: (x: Float64Array) => number,
  x: Float64Array,
  count = 10,
): number {
  const idx = probeIndices(x.length, count);
  const numeric = finiteDiff(loss, x, idx);
  return Math.max(...idx.map((i, k) => Math.abs(analytic[i] - numeric[k]) / (1 + Math.abs(numeric[k]))));
}
