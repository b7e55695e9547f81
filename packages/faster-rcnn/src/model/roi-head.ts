/**
 * The RoI head (mmdet `StandardRoIHead` with a `SingleRoIExtractor` and a `Shared2FCBBoxHead`):
 * multi-level RoIAlign of RoIs given on the host, then the box head. The module only holds
 * `bbox_head` so that parameter names read `roi_head.bbox_head.*` as in mmdet.
 */
import * as tf from '@tensorflow/tfjs';
import { Module } from '@apdet/nn';
import { multiLevelRoiAlign } from '@apdet/ops';
import { BBoxHead, type BBoxHeadOptions, type BBoxHeadOutput } from './bbox-head.js';

/** RoIs of a batch on the host, image after image. */
export interface RoiBatch {
  /** `[K·4]` xyxy in input pixels. */
  boxes: Float32Array;
  /** `[K]` image index of each RoI. */
  imageIndex: Int32Array;
}

export interface RoiHeadOptions extends Omit<BBoxHeadOptions, 'inFeatures'> {
  /** Channels of the pooled pyramid levels. */
  channels: number;
  /** RoIAlign bins per side. */
  outputSize: number;
  /** RoIAlign samples per bin and axis (0 = adaptive). */
  samplingRatio: number;
  aligned: boolean;
  canonicalScale: number;
  canonicalLevel: number;
  /** Strides of the pooled levels, finest first (P2–P5: [4, 8, 16, 32]). */
  featureStrides: number[];
}

/** See the module comment. */
export class RoiHead extends Module {
  readonly bboxHead: BBoxHead;
  private readonly o: RoiHeadOptions;

  constructor(o: RoiHeadOptions) {
    super();
    this.o = { ...o, featureStrides: [...o.featureStrides] };
    const inFeatures = o.outputSize * o.outputSize * o.channels;
    this.bboxHead = this.child('bbox_head', new BBoxHead({ ...o, inFeatures }));
  }

  /**
   * Pools every RoI from its FPN level (torchvision `LevelMapper`: level = ⌊canonicalLevel +
   * log2(√area / canonicalScale) + 1e-6⌋ clamped to the pooled levels; mmdet 2.1's
   * `map_roi_levels` gives the same buckets, docs/spec/detectors.md C) and applies the box head.
   * `features` are the pooled levels only, finest first.
   */
  forward(features: readonly tf.Tensor4D[], rois: RoiBatch): BBoxHeadOutput {
    return this.bboxHead.forward(this.pool(features, rois));
  }

  /** `[K, outputSize, outputSize, channels]` pooled features (differentiable w.r.t. `features`). */
  pool(features: readonly tf.Tensor4D[], rois: RoiBatch): tf.Tensor4D {
    const k = rois.imageIndex.length;
    const rows = new Float32Array(5 * k);
    for (let i = 0; i < k; i++) {
      rows[5 * i] = rois.imageIndex[i];
      rows.set(rois.boxes.subarray(4 * i, 4 * i + 4), 5 * i + 1);
    }
    // Host rows, not a tensor: the RoIs were made on the host, and multiLevelRoiAlign plans its
    // gather on the host, so a tensor would only be uploaded to be read straight back.
    return tf.tidy(() =>
      multiLevelRoiAlign([...features], rows, {
        outputSize: [this.o.outputSize, this.o.outputSize],
        samplingRatio: this.o.samplingRatio,
        aligned: this.o.aligned,
        canonicalScale: this.o.canonicalScale,
        canonicalLevel: this.o.canonicalLevel,
        featureStrides: this.o.featureStrides,
      }),
    );
  }
}
