import * as tf from '@tensorflow/tfjs';
import { customOp2 } from './custom-op.js';
import { POSITIVE_EPS } from './fast-core.js';
import { scaledFloat32 } from './host-grads.js';
import { selectPairs, type PairSelection } from './selection.js';

/** Default bound on the elements of one [K, chunk] block (2^21 → 8 MB per float32 matrix). */
export const DEFAULT_CHUNK_ELEMENTS = 1 << 21;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const iouFn = (u: number) => sigmoid(2 * u - 1);
const iouSlope = (u: number) => 2 * iouFn(u) * (1 - iouFn(u));

/**
 * Host copies of the selected rows and columns. Tensors are made from them inside each pass:
 * tensors created in a customGrad forward are disposed by the caller's tidy before backprop.
 */
interface Blocks {
  rowLogits: Float32Array;
  rowWeights: Float32Array; // a_k = 1 − σ(2u_k − 1)
  colLogits: Float32Array;
  chunk: number;
}

/** Row tensors [K, 1] for one pass; the caller disposes them. */
function rowTensors(b: Blocks): { logits: tf.Tensor2D; weights: tf.Tensor2D } {
  const k = b.rowLogits.length;
  return { logits: tf.tensor2d(b.rowLogits, [k, 1]), weights: tf.tensor2d(b.rowWeights, [k, 1]) };
}

/** σ(d) for the rows × columns [start, end) block. */
function block(b: Blocks, rowLogits: tf.Tensor2D, start: number, end: number): tf.Tensor2D {
  const cols = tf.tensor2d(b.colLogits.subarray(start, end), [1, end - start]);
  return tf.sigmoid(tf.sub(rowLogits, cols)) as tf.Tensor2D;
}

function toGradTensor(values: Float64Array, like: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.tensor(scaledFloat32(values, dy.dataSync()[0]), like.shape);
}

/**
 * The 'sigmoid' form (H = σ(Δ logit), I(u) = σ(2u − 1)), which has no piecewise structure: a
 * dense computation over column blocks of at most `chunkElements` [K × chunk] entries, with
 * the gradient written out (∂L/∂d_kj = γ_j a_k σ'(d_kj), γ_j = I3(u_j)/(D_j Z)) so that no
 * [K, P] matrix and no autograd tape outlive one block. Memory O(chunkElements + K + P).
 */
export function sigmoidApLossChunked(
  logits: tf.Tensor,
  ious: tf.Tensor,
  targets: ArrayLike<number>,
  topK: number,
  chunkElements = DEFAULT_CHUNK_ELEMENTS,
): tf.Scalar {
  const op = customOp2((lg: tf.Tensor, io: tf.Tensor) => {
    const logitData = lg.dataSync() as Float32Array;
    const iouData = io.dataSync();
    const sel = selectPairs(logitData, targets, topK);
    const n = logitData.length;
    const numCols = sel.cols.length;
    let nan = sel.nonFinite;
    for (let i = 0; i < n && !nan; i++) if (targets[i] !== -1 && Number.isNaN(iouData[i])) nan = true;
    if (numCols === 0 || nan) {
      const fill = nan ? NaN : 0;
      return {
        value: tf.scalar(fill),
        gradFunc: () => [tf.fill(lg.shape, fill), tf.fill(io.shape, fill)],
      };
    }
    const blocks: Blocks = {
      rowLogits: Float32Array.from(sel.rows, (e) => logitData[e]),
      rowWeights: Float32Array.from(sel.rows, (e) => 1 - iouFn(iouData[e])),
      colLogits: Float32Array.from(sel.cols, (e) => logitData[e]),
      chunk: Math.max(1, Math.floor(chunkElements / Math.max(1, sel.rows.length))),
    };
    const numerators = new Float64Array(numCols);
    const denominators = new Float64Array(numCols);
    const rows = rowTensors(blocks);
    for (let start = 0; start < numCols; start += blocks.chunk) {
      const end = Math.min(numCols, start + blocks.chunk);
      const [num, den] = tf.tidy((): tf.Tensor[] => {
        const s = block(blocks, rows.logits, start, end);
        return [tf.sum(tf.mul(s, rows.weights), 0), tf.sum(s, 0)];
      });
      numerators.set(num.dataSync(), start);
      denominators.set(den.dataSync(), start);
      tf.dispose([num, den]);
    }
    tf.dispose([rows.logits, rows.weights]);
    const z = numCols + POSITIVE_EPS;
    let total = 0;
    for (let j = 0; j < numCols; j++) {
      const u = iouData[sel.cols[j]];
      total += 1 - iouFn(u) + (iouFn(u) * numerators[j]) / denominators[j];
    }
    return {
      value: tf.scalar(total / z),
      gradFunc: (dy: tf.Tensor) => {
        const grads = sigmoidGradients(blocks, sel, iouData, numerators, denominators, z);
        return [toGradTensor(grads.logits, lg, dy), toGradTensor(grads.ious, io, dy)];
      },
    };
  });
  return op(logits, ious) as tf.Scalar;
}

function sigmoidGradients(
  b: Blocks,
  sel: PairSelection,
  iouData: ArrayLike<number>,
  numerators: Float64Array,
  denominators: Float64Array,
  z: number,
): { logits: Float64Array; ious: Float64Array } {
  const numCols = sel.cols.length;
  const gammas = Float32Array.from(sel.cols, (e, j) => iouFn(iouData[e]) / (denominators[j] * z));
  const colGrad = new Float64Array(numCols);
  let rowGrad = tf.zeros([sel.rows.length]);
  let rowValue = tf.zeros([sel.rows.length]);
  const rows = rowTensors(b);
  for (let start = 0; start < numCols; start += b.chunk) {
    const end = Math.min(numCols, start + b.chunk);
    const [g, v, c] = tf.tidy((): tf.Tensor[] => {
      const s = block(b, rows.logits, start, end);
      const gamma = tf.tensor2d(gammas.subarray(start, end), [1, end - start]);
      const pairGrad = tf.mul(tf.mul(tf.mul(s, tf.sub(1, s)), rows.weights), gamma);
      return [tf.add(rowGrad, tf.sum(pairGrad, 1)), tf.add(rowValue, tf.sum(tf.mul(s, gamma), 1)), tf.sum(pairGrad, 0)];
    });
    tf.dispose([rowGrad, rowValue]);
    [rowGrad, rowValue] = [g, v];
    colGrad.set(c.dataSync(), start);
    c.dispose();
  }
  const rowGradData = rowGrad.dataSync();
  const rowValueData = rowValue.dataSync();
  tf.dispose([rowGrad, rowValue, rows.logits, rows.weights]);
  const logits = new Float64Array(iouData.length);
  const ious = new Float64Array(iouData.length);
  sel.rows.forEach((e, k) => {
    logits[e] += rowGradData[k];
    ious[e] -= iouSlope(iouData[e]) * rowValueData[k];
  });
  sel.cols.forEach((e, j) => {
    const u = iouData[e];
    logits[e] -= colGrad[j];
    ious[e] += (-iouSlope(u) + (iouSlope(u) * numerators[j]) / denominators[j]) / z;
  });
  return { logits, ious };
}
