import * as tf from '@tensorflow/tfjs';
import type { GatherGroup, GatherPlan } from './gather-plan.js';
import { gatherRows } from './row-gather.js';
import { weightedSum } from './weighted-sum.js';

/**
 * Σ_cells cells[b, s, :] · weight[b, s] for constant weights, with a one-op gradient
 * (dy[b, None, :] · weight). The taped mul + sum would build a ones tensor and two products
 * of the full [bins, cells, C] size in the backward pass; a batched matMul measured slower
 * on wasm in both directions.
 */
function weightedCellSum(weight: tf.Tensor3D): (cells: tf.Tensor3D) => tf.Tensor2D {
  const f = (cells: tf.Tensor, save: tf.GradSaveFunc) => {
    save([weight]); // kept alive by the engine until the backward pass has run
    return {
      value: tf.sum(tf.mul(cells, weight), 1) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => tf.mul(tf.expandDims(dy, 1), saved[0]),
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    cells: tf.Tensor3D,
  ) => tf.Tensor2D;
}

function groupOutput(flat: tf.Tensor2D, g: GatherGroup): tf.Tensor2D {
  const channels = flat.shape[1];
  const bins = g.index.length / g.cells;
  const weight = tf.tensor3d(g.weight, [bins, g.cells, 1]);
  const cells = tf.reshape(gatherRows(flat, g.index), [bins, g.cells, channels]) as tf.Tensor3D;
  // The custom one-op gradient pays off with the wasm mul + sum; elsewhere weightedSum is a
  // matMul whose stock gradient is already a single op.
  return tf.getBackend() === 'wasm' ? weightedCellSum(weight)(cells) : weightedSum(cells, weight);
}

/**
 * Evaluates a gather plan on flat features [rows, C]: one gather of all (bin, cell) rows per
 * group, a weighted sum over cells, then RoIs back in input order. Differentiable w.r.t.
 * `flat` through the row gather (its gradient is a scatter-add of the weighted output gradient).
 */
export function applyGatherPlan(
  flat: tf.Tensor2D,
  plan: GatherPlan,
  numRois: number,
  outputSize: [number, number],
): tf.Tensor4D {
  const [oh, ow] = outputSize;
  const channels = flat.shape[1];
  return tf.tidy(() => {
    if (numRois === 0) return tf.zeros([0, oh, ow, channels]) as tf.Tensor4D;
    const parts = plan.groups.map((g) => tf.reshape(groupOutput(flat, g), [g.rois, oh * ow * channels]));
    let rois = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    if (plan.position) rois = gatherRows(rois as tf.Tensor2D, plan.position);
    return tf.reshape(rois, [numRois, oh, ow, channels]) as tf.Tensor4D;
  });
}
