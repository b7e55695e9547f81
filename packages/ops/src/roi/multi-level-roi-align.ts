import * as tf from '@tensorflow/tfjs';
import { applyGatherPlan } from './apply-plan.js';
import { fpnLevelOfBox, type FpnLevelOptions } from './fpn-levels.js';
import { buildGatherPlan, type PlacedRoi } from './gather-plan.js';
import { roiTaps, type RoiAlignOptions } from './roi-taps.js';
import { readRois, requireRank, validateRoiAlignOptions, type RoiInput } from './validate.js';

const OP = 'multiLevelRoiAlign';

/** Options of {@link multiLevelRoiAlign}: RoIAlign's (spatialScale = 1/stride per level) plus the level mapping. */
export interface MultiLevelRoiAlignOptions
  extends Omit<RoiAlignOptions, 'spatialScale'>, Pick<FpnLevelOptions, 'canonicalScale' | 'canonicalLevel' | 'eps'> {
  /** Stride of each feature map, finest first, consecutive powers of two (e.g. [4, 8, 16, 32]). */
  featureStrides: number[];
}

function levelsOfStrides(strides: number[]): number[] {
  const levels = strides.map((s) => Math.log2(s));
  levels.forEach((k, i) => {
    if (!Number.isInteger(k) || (i > 0 && k !== levels[i - 1] + 1)) {
      throw new Error(
        `${OP}: featureStrides must be consecutive powers of two (e.g. [4,8,16,32]), got [${strides.join(',')}]`,
      );
    }
  });
  return levels;
}

function checkPyramid(features: tf.Tensor4D[], strides: number[]): void {
  if (features.length === 0 || features.length !== strides.length) {
    throw new Error(
      `${OP}: need one stride per feature map, got ${features.length} maps and ${strides.length} strides`,
    );
  }
  features.forEach((f, i) => {
    requireRank(OP, `features[${i}]`, f, 4, '[N,H,W,C]');
    if (f.shape[0] !== features[0].shape[0] || f.shape[3] !== features[0].shape[3]) {
      throw new Error(
        `${OP}: features[${i}] is [${f.shape.join(',')}], but all levels need the N and C of features[0] [${features[0].shape.join(',')}]`,
      );
    }
  });
}

/**
 * Multi-level RoIAlign (torchvision `MultiScaleRoIAlign`): each RoI is pooled from the FPN
 * level given by {@link fpnLevelOfBox} (levels clamped to those of `features`), with
 * spatialScale = 1/stride of that level. The result keeps the input RoI order.
 *
 * All levels are evaluated with one gather over the concatenated, flattened pyramid, so the
 * cost does not grow with the number of levels. Differentiable w.r.t. every feature map.
 *
 * The RoIs are read to the host to plan the gather (one device read for a tensor). RoIs that
 * already live on the host (Faster R-CNN's proposals, made by host-side NMS) can be passed as a
 * `Float32Array` of the same K·5 numbers: the result is the same, without that read.
 *
 * @param features [N, H_l, W_l, C] per level, finest first.
 * @param rois [K, 5] `(batchIndex, x1, y1, x2, y2)` in image coordinates, as a tensor or a host
 *   `Float32Array` of K·5 numbers, row by row.
 * @returns [K, oh, ow, C].
 *
 * @example
 * // Proposals on the host: no device read of the RoIs.
 * const pooled = multiLevelRoiAlign([p2, p3, p4, p5], Float32Array.from([0, 10, 12, 90, 80]), {
 *   outputSize: [7, 7], samplingRatio: 0, aligned: true, featureStrides: [4, 8, 16, 32],
 * });
 */
export function multiLevelRoiAlign(features: tf.Tensor4D[], rois: RoiInput, o: MultiLevelRoiAlignOptions): tf.Tensor4D {
  validateRoiAlignOptions(OP, { ...o, spatialScale: 1 }, false);
  checkPyramid(features, o.featureStrides);
  const levels = levelsOfStrides(o.featureStrides);
  const [n, , , channels] = features[0].shape;
  const baseRows: number[] = [];
  let rowsSoFar = 0;
  for (const f of features) {
    baseRows.push(rowsSoFar);
    rowsSoFar += f.shape[0] * f.shape[1] * f.shape[2];
  }
  const mapping = { ...o, minLevel: levels[0], maxLevel: levels[levels.length - 1] };
  const placed: PlacedRoi[] = readRois(OP, rois, n).map(({ batch, box }) => {
    const i = fpnLevelOfBox(box[0], box[1], box[2], box[3], mapping) - levels[0];
    const [, height, width] = features[i].shape;
    const taps = roiTaps(box, { ...o, spatialScale: 1 / o.featureStrides[i] }, height, width);
    return { taps, baseRow: baseRows[i] + batch * height * width, width };
  });
  const plan = buildGatherPlan(placed);
  return tf.tidy(() => {
    const flat = tf.concat(
      features.map((f) => tf.reshape(f, [-1, channels])),
      0,
    ) as tf.Tensor2D;
    return applyGatherPlan(flat, plan, placed.length, o.outputSize);
  });
}
