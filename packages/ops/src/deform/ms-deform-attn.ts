import * as tf from '@tensorflow/tfjs';
import { gatherRows } from '../roi/row-gather.js';
import { weightedSum } from '../roi/weighted-sum.js';
import { buildMsdaSamplingPlan, CORNERS, type MsdaDims } from './sampling-plan.js';
import { validateMsdaInputs } from './validate.js';

/**
 * Bilinear corner weights [..., 4] (corner order of the sampling plan) times the
 * inside-mask, from the fractional offsets fx, fy [...]. Every op here has a gradient.
 */
function cornerWeights(fx: tf.Tensor, fy: tf.Tensor, inside: tf.Tensor): tf.Tensor {
  const gx = tf.sub(1, fx);
  const gy = tf.sub(1, fy);
  const w = tf.stack([tf.mul(gx, gy), tf.mul(fx, gy), tf.mul(gx, fy), tf.mul(fx, fy)], -1);
  return tf.mul(w, inside);
}

/**
 * Multi-scale deformable attention (Zhu et al., Deformable DETR), the semantics of the
 * reference `ms_deform_attn_core_pytorch`: for each query and head, the attention-weighted
 * sum over levels and points of the value map sampled bilinearly at the location
 * (grid_sample, align_corners = false, zero padding: pixel coordinate = loc·W − 0.5).
 *
 * Differentiable w.r.t. `value` (through a row gather: stock on cpu, `registerTrainingKernels()`
 * of @apdet/backend on wasm), `samplingLocations` (through the bilinear weights; floor() is
 * piecewise constant, so at exact pixel centres/edges the gradient is the slope of the cell
 * to the right/below, as in grid_sample) and `attentionWeights`.
 *
 * The sampling locations are read to the CPU once (dataSync) to compute the integer cells.
 *
 * @param value [N, S, M, D]: S = Σ H_l·W_l keys, levels flattened row-major and concatenated.
 * @param spatialShapes [[H_l, W_l], ...] per level.
 * @param levelStartIndex first key of each level (0, H_0·W_0, ...).
 * @param samplingLocations [N, Lq, M, L, P, 2] normalised (x, y), x along the width.
 * @param attentionWeights [N, Lq, M, L, P].
 * @returns [N, Lq, M·D], channel index m·D + d.
 */
export function msDeformAttn(
  value: tf.Tensor4D,
  spatialShapes: [number, number][],
  levelStartIndex: number[],
  samplingLocations: tf.Tensor,
  attentionWeights: tf.Tensor,
): tf.Tensor3D {
  validateMsdaInputs(value, spatialShapes, levelStartIndex, samplingLocations, attentionWeights);
  const [batch, keys, heads, depth] = value.shape;
  const [, queries, , levels, points] = samplingLocations.shape;
  const dims: MsdaDims = { batch, queries, heads, levels, points, keys };
  const plan = buildMsdaSamplingPlan(samplingLocations.dataSync(), dims, spatialShapes, levelStartIndex);
  const pointShape = [batch, queries, heads, levels, points];
  const samples = levels * points * CORNERS;
  return tf.tidy(() => {
    const levelW = tf.tensor(
      spatialShapes.map((s) => s[1]),
      [levels, 1],
    );
    const levelH = tf.tensor(
      spatialShapes.map((s) => s[0]),
      [levels, 1],
    );
    const [locX, locY] = tf.split(samplingLocations, 2, -1).map((t) => tf.reshape(t, pointShape));
    const fx = tf.sub(tf.sub(tf.mul(locX, levelW), 0.5), tf.tensor(plan.x0, pointShape));
    const fy = tf.sub(tf.sub(tf.mul(locY, levelH), 0.5), tf.tensor(plan.y0, pointShape));
    const inside = tf.tensor(plan.inside, [...pointShape, CORNERS]);
    const bilinear = cornerWeights(fx, fy, inside);
    const weights = tf.mul(bilinear, tf.expandDims(attentionWeights, -1));
    const rows = tf.reshape(value, [batch * keys * heads, depth]) as tf.Tensor2D;
    const bins = batch * queries * heads;
    const sampled = tf.reshape(gatherRows(rows, plan.index), [bins, samples, depth]) as tf.Tensor3D;
    const perHead = weightedSum(sampled, tf.reshape(weights, [bins, samples, 1]) as tf.Tensor3D);
    return tf.reshape(perHead, [batch, queries, heads * depth]) as tf.Tensor3D;
  });
}
