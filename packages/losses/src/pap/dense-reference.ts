import * as tf from '@tensorflow/tfjs';
import { resolvePapOptions, type PapLossOptions, type ResolvedPapOptions } from './options.js';
import { POSITIVE_EPS } from './fast-core.js';
import { checkTargets } from './selection.js';
import { piecewiseLinearTensor, stopGradient } from './tensor-functions.js';
import { checkSameShapes } from './shapes.js';

type Fn = (x: tf.Tensor) => tf.Tensor;

/** The five functions of a form as tensor functions; H's take the score difference d. */
interface TensorFunctions {
  h2: Fn;
  h1: Fn; // applied to a detached d
  i1: Fn;
  i2: Fn;
  i3: Fn;
}

const normDiff: Fn = (d) => tf.clipByValue(tf.add(tf.div(d, 2), 0.5), 0, 1);

function tensorFunctions(options: ResolvedPapOptions): TensorFunctions {
  switch (options.form) {
    case 'searched': {
      const [fH2, fI2, fI3, fI1, fH1] = options.functions!;
      const pw =
        (f: typeof fH2): Fn =>
        (x) =>
          piecewiseLinearTensor(x, f);
      const stepH1: Fn = (d) => tf.add(tf.div(tf.sign(d), 2), 0.5);
      return {
        h2: (d) => pw(fH2)(normDiff(d)),
        h1: fH1 ? (d) => pw(fH1)(normDiff(d)) : stepH1,
        i1: pw(fI1),
        i2: pw(fI2),
        i3: pw(fI3),
      };
    }
    case 'linear': {
      const id: Fn = (u) => u;
      return { h2: normDiff, h1: normDiff, i1: id, i2: id, i3: id };
    }
    case 'square': {
      const h: Fn = (d) => tf.square(normDiff(d));
      return { h2: h, h1: h, i1: tf.square, i2: tf.square, i3: tf.square };
    }
    case 'sigmoid': {
      const i: Fn = (u) => tf.sigmoid(tf.sub(tf.mul(u, 2), 1));
      return { h2: tf.sigmoid, h1: tf.sigmoid, i1: i, i2: i, i3: i };
    }
  }
}

/**
 * The loss written as the official formula with dense tfjs ops, on already-selected rows
 * (length K) and positive columns (length P):
 * `L = Σ_j [(1 − I1(u_j)) + Σ_k H2(d_kj)(1 − I2(u_k)) I3(u_j) / Σ_k sg[H1(d_kj)]] / (P + 1e-8)`.
 * Builds [K, P] matrices: a test reference, not for large inputs. Differentiable by tfjs
 * autograd in all four arguments.
 */
export function paplossDenseParts(
  rowLogits: tf.Tensor1D,
  rowIous: tf.Tensor1D,
  colLogits: tf.Tensor1D,
  colIous: tf.Tensor1D,
  options: ResolvedPapOptions,
): tf.Scalar {
  const fns = tensorFunctions(options);
  const numPos = colLogits.shape[0];
  const diff = tf.sub(tf.expandDims(rowLogits, 1), tf.expandDims(colLogits, 0));
  const h2 = fns.h2(diff);
  const h1 = fns.h1(stopGradient(diff));
  const rowWeight = tf.expandDims(tf.sub(1, fns.i2(rowIous)), 1);
  const colWeight = tf.expandDims(fns.i3(colIous), 0);
  const numerator = tf.sum(tf.mul(tf.mul(h2, rowWeight), colWeight), 0);
  const denominator = tf.sum(h1, 0);
  const terms = tf.add(tf.sub(1, fns.i1(colIous)), tf.div(numerator, denominator));
  return tf.div(tf.sum(terms), numPos + POSITIVE_EPS) as tf.Scalar;
}

/**
 * Dense reference of {@link parameterizedApLoss}: selection on the host (top-K by `tf.topk`),
 * then {@link paplossDenseParts} on `tf.gather`ed rows and columns. Gradients flow through
 * `tf.gather`, whose gradient the wasm backend lacks unless `@apdet/backend`'s
 * `registerTrainingKernels()` has run. Memory O(K·P): for tests and benchmarks only.
 */
export function parameterizedApLossDense(
  logits: tf.Tensor,
  ious: tf.Tensor,
  targets: tf.Tensor,
  options: PapLossOptions,
): tf.Scalar {
  checkSameShapes(logits, ious, targets);
  const resolved = resolvePapOptions(options);
  const targetData = targets.dataSync();
  checkTargets(targetData);
  const valid: number[] = [];
  const positives: number[] = [];
  targetData.forEach((t, i) => {
    if (t !== -1) valid.push(i);
    if (t === 1) positives.push(i);
  });
  const flatLogits = tf.reshape(logits, [-1]) as tf.Tensor1D;
  const flatIous = tf.reshape(ious, [-1]) as tf.Tensor1D;
  if (positives.length === 0) {
    return tf.add(tf.mul(tf.sum(flatLogits), 0), tf.mul(tf.sum(flatIous), 0)) as tf.Scalar;
  }
  let rows = valid;
  if (valid.length > resolved.topK) {
    const logitData = flatLogits.dataSync();
    const top = tf.tidy(() => tf.topk(tf.tensor1d(valid.map((i) => logitData[i])), resolved.topK));
    rows = Array.from(top.indices.dataSync(), (v) => valid[v]);
    tf.dispose([top.values, top.indices]);
  }
  const rowIdx = tf.tensor1d(rows, 'int32');
  const colIdx = tf.tensor1d(positives, 'int32');
  const loss = paplossDenseParts(
    tf.gather(flatLogits, rowIdx),
    tf.gather(flatIous, rowIdx),
    tf.gather(flatLogits, colIdx),
    tf.gather(flatIous, colIdx),
    resolved,
  );
  return loss;
}
