import * as tf from '@tensorflow/tfjs';
import { applyGatherPlan } from './apply-plan.js';
import { buildGatherPlan } from './gather-plan.js';
import { roiTaps, type RoiAlignOptions } from './roi-taps.js';
import { readRois, requireRank, validateRoiAlignOptions, type RoiInput } from './validate.js';

/**
 * RoIAlign (He et al., Mask R-CNN) with torchvision.ops.roi_align semantics, NHWC.
 *
 * Box coordinates are image pixels and are multiplied by `spatialScale`; with
 * `aligned: true` 0.5 is then subtracted (pixel (i, j) is centred at (i, j) on the map).
 * Each output bin is the mean of a grid of bilinear samples (`samplingRatio` per axis, or
 * ceil(roiSize / outputSize) when 0); samples with y < −1, y > H, x < −1 or x > W add 0
 * (but still count in the mean), others are clamped into the map.
 *
 * Differentiable w.r.t. `features` (the RoIs are constants: they are read to the CPU with
 * dataSync, where the sample indices and weights are computed). The result is one gather
 * of the touched cells and a weighted sum, so the gradient is the gather's: stock on the
 * cpu backend (slow: call `registerTrainingKernels()` there too), and on wasm only after
 * `registerTrainingKernels()` from @apdet/backend.
 *
 * @param features [N, H, W, C] float32 feature map.
 * @param rois [K, 5] rows `(batchIndex, x1, y1, x2, y2)` in image coordinates; or the same K·5
 *   numbers in a host `Float32Array` (no device read, the same result).
 * @returns [K, oh, ow, C] pooled features.
 */
export function roiAlign(features: tf.Tensor4D, rois: RoiInput, o: RoiAlignOptions): tf.Tensor4D {
  const op = 'roiAlign';
  requireRank(op, 'features', features, 4, '[N,H,W,C]');
  validateRoiAlignOptions(op, o);
  const [n, height, width, channels] = features.shape;
  const rows = readRois(op, rois, n);
  const plan = buildGatherPlan(
    rows.map((r) => ({ taps: roiTaps(r.box, o, height, width), baseRow: r.batch * height * width, width })),
  );
  return tf.tidy(() => {
    const flat = tf.reshape(features, [n * height * width, channels]) as tf.Tensor2D;
    return applyGatherPlan(flat, plan, rows.length, o.outputSize);
  });
}
