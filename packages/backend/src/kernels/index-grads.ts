/**
 * Gradients of indexing ops, all written with scatterND (which sums duplicate indices on
 * every backend, exactly what a gradient of a gather needs).
 *
 * - GatherV2: the stock gradient uses UnsortedSegmentSum, which the wasm backend lacks.
 * - GatherNd, ScatterNd, TopK: tfjs registers no gradient at all.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceGradient } from './registry.js';

type Grad = tf.GradConfig['gradFunc'];

/** Moves axis `axis` of a gather's output layout (x[:axis] + idx + x[axis+1:]) to the front. */
function gatherV2Grad(stock: Grad | undefined): Grad {
  return (dy, saved, attrs) => {
    const [x, indices] = saved;
    const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
    if (batchDims !== 0) {
      if (stock) return stock(dy, saved, attrs);
      throw new Error('GatherV2 gradient: batchDims > 0 is not supported by @apdet/backend');
    }
    const ax = axis < 0 ? axis + x.rank : axis;
    return {
      x: () => scatterAlongAxis(dy as tf.Tensor, indices, x.shape, ax),
      indices: () => tf.zeros(indices.shape),
    };
  };
}

function scatterAlongAxis(dy: tf.Tensor, indices: tf.Tensor, xShape: number[], axis: number): tf.Tensor {
  return tf.tidy(() => {
    const idxRank = indices.rank;
    const before = range(0, axis);
    const idxAxes = range(axis, axis + idxRank);
    const after = range(axis + idxRank, dy.rank);
    // dy: [pre..., idx..., post...] → [idx..., pre..., post...]
    const dyFront = tf.transpose(dy, [...idxAxes, ...before, ...after]);
    const rest = [...xShape.slice(0, axis), ...xShape.slice(axis + 1)];
    const flatIdx = tf.reshape(indices, [-1, 1]).toInt();
    const updates = tf.reshape(dyFront, [flatIdx.shape[0], ...rest]);
    const summed = tf.scatterND(flatIdx, updates, [xShape[axis], ...rest]);
    // summed: [xAxis, pre..., post...] → x's layout
    const inv = [...range(1, axis + 1), 0, ...range(axis + 1, xShape.length)];
    return tf.transpose(summed, inv);
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(to - from, 0) }, (_, i) => from + i);
}

const gatherNdGrad: Grad = (dy, saved) => {
  const [params, indices] = saved;
  return {
    params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape),
    indices: () => tf.zeros(indices.shape),
  };
};

const scatterNdGrad: Grad = (dy, saved) => {
  const [indices] = saved;
  return {
    indices: () => tf.zeros(indices.shape),
    updates: () => tf.gatherND(dy as tf.Tensor, indices),
  };
};

/** TopK: the values' gradient goes back to the positions they were taken from. */
const topKGrad: Grad = (dys, saved) => {
  const [x, indices] = saved;
  const dValues = (dys as tf.Tensor[])[0];
  return {
    x: () =>
      tf.tidy(() => {
        const n = x.shape[x.rank - 1];
        const k = indices.shape[indices.rank - 1];
        const rows = x.size / n;
        const rowIdx = tf.reshape(tf.tile(tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]), [1, k]), [-1, 1]);
        const colIdx = tf.reshape(indices.toInt(), [-1, 1]);
        const idx = tf.concat([rowIdx, colIdx], 1);
        const summed = tf.scatterND(idx, tf.reshape(dValues, [-1]), [rows, n]);
        return tf.reshape(summed, x.shape);
      }),
  };
};

/** The stock GatherV2 gradient, captured once per process before we replace it (batchDims > 0). */
const STOCK_GATHER_KEY = Symbol.for('@apdet/backend.stockGatherV2Grad');
function stockGatherGrad(): Grad | undefined {
  const g = globalThis as unknown as Record<symbol, Grad | undefined>;
  if (!(STOCK_GATHER_KEY in g)) g[STOCK_GATHER_KEY] = tf.getGradient('GatherV2')?.gradFunc;
  return g[STOCK_GATHER_KEY];
}

/** Registers GatherV2, GatherNd, ScatterNd and TopK gradients. */
export function registerIndexGradients(): void {
  const gradFunc = gatherV2Grad(stockGatherGrad());
  replaceGradient({ kernelName: 'GatherV2', inputsToSave: ['x', 'indices'], gradFunc });
  replaceGradient({ kernelName: 'GatherNd', inputsToSave: ['params', 'indices'], gradFunc: gatherNdGrad });
  replaceGradient({ kernelName: 'ScatterNd', inputsToSave: ['indices'], gradFunc: scatterNdGrad });
  replaceGradient({ kernelName: 'TopK', inputsToSave: ['x'], outputsToSave: [false, true], gradFunc: topKGrad });
}
