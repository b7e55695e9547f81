// Independent float64 references for the baseline losses (plain arrays, no tfjs), and the
// numeric helpers the tests share: finite differences and a located closeness check.
import * as tf from '@tensorflow/tfjs';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** BCE with logits, evaluated by cases so no exp overflows. */
export function bceRef(x: number, t: number): number {
  return x >= 0 ? x * (1 - t) + Math.log1p(Math.exp(-x)) : -x * t + Math.log1p(Math.exp(x));
}

export function focalRef(x: number, t: number, alpha: number, gamma: number): number {
  const oneMinusPt = t * sigmoid(-x) + (1 - t) * sigmoid(x);
  const alphaT = alpha >= 0 ? alpha * t + (1 - alpha) * (1 - t) : 1;
  return bceRef(x, t) * Math.pow(oneMinusPt, gamma) * alphaT;
}

/** −log softmax(row)[label] by log-sum-exp with max shift. */
export function softmaxCeRef(row: readonly number[], label: number): number {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return lse - row[label];
}

export function smoothL1Ref(d: number, beta: number): number {
  const a = Math.abs(d);
  return beta === 0 ? a : a < beta ? (0.5 * a * a) / beta : a - 0.5 * beta;
}

/** IoU and GIoU of two xyxy boxes with the 1e-7 added to union and enclosure (docs/spec/paper-spec.md §9.4). */
export function iouGiouRef(p: readonly number[], g: readonly number[]): { iou: number; giou: number } {
  const [px1, py1, px2, py2] = p as [number, number, number, number];
  const [gx1, gy1, gx2, gy2] = g as [number, number, number, number];
  const ow = Math.max(0, Math.min(px2, gx2) - Math.max(px1, gx1));
  const oh = Math.max(0, Math.min(py2, gy2) - Math.max(py1, gy1));
  const overlap = ow * oh;
  const union = (px2 - px1) * (py2 - py1) + (gx2 - gx1) * (gy2 - gy1) - overlap + 1e-7;
  const iou = overlap / union;
  const ew = Math.max(0, Math.max(px2, gx2) - Math.min(px1, gx1));
  const eh = Math.max(0, Math.max(py2, gy2) - Math.min(py1, gy1));
  const enclose = ew * eh + 1e-7;
  return { iou, giou: iou - (enclose - union) / enclose };
}

/** Central finite differences of a float64 function: ∂f/∂xᵢ for every i. */
export function fdGradient64(f: (x: number[]) => number, x: readonly number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const step = h * Math.max(1, Math.abs(x[i]));
    const plus = [...x];
    const minus = [...x];
    plus[i] = x[i] + step;
    minus[i] = x[i] - step;
    return (f(plus) - f(minus)) / (2 * step);
  });
}

/** Central finite differences of a tfjs (float32) scalar function of one tensor. */
export function fdGradientTf(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, h: number): number[] {
  const base = Array.from(x.dataSync());
  const evaluate = (values: number[]): number => tf.tidy(() => f(tf.tensor(values, x.shape)).dataSync()[0]);
  return base.map((v, i) => {
    const plus = [...base];
    const minus = [...base];
    plus[i] = v + h;
    minus[i] = v - h;
    return (evaluate(plus) - evaluate(minus)) / (2 * h);
  });
}

/** Gradient of a scalar tfjs function w.r.t. one tensor, as a plain array. */
export function tfGradient(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(tf.grad(f)(x).dataSync()));
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Asserts |actual − expected| ≤ rtol·|expected| + atol element by element, and reports the
 * worst element (index, both values) when it fails. Returns the worst relative error among
 * elements with |expected| > atol (for reporting).
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  label: string,
): number {
  if (actual.length !== expected.length)
    throw new Error(`${label}: length ${actual.length} vs expected ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  let worstRel = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Math.abs(a - e);
    if (!Number.isFinite(a)) throw new Error(`${label}[${i}]: not finite (${a}); expected ${e}`);
    const excess = err - (tol.rtol * Math.abs(e) + tol.atol);
    if (excess > worstExcess || (worst < 0 && excess > 0)) {
      worst = i;
      worstExcess = excess;
    }
    if (Math.abs(e) > tol.atol) worstRel = Math.max(worstRel, err / Math.abs(e));
  }
  if (worst >= 0) {
    throw new Error(
      `${label}[${worst}]: got ${actual[worst]}, expected ${expected[worst]} (|diff| ${Math.abs(actual[worst] - expected[worst])} > ${tol.rtol}·|e| + ${tol.atol})`,
    );
  }
  return worstRel;
}

/** Rounds to the nearest float32 so float64 references see exactly the tfjs inputs. */
export const f32 = (values: number[]): number[] => Array.from(new Float32Array(values));
