/**
 * RPN training targets of one image, as mmdet 2.1's `AnchorHead._get_targets_single` builds them
 * in the paper's code (fundamentalvision/Parameterized-AP-Loss
 * `mmdet/models/dense_heads/anchor_head.py` L177–260):
 *
 * 1. anchors outside the valid flags (padding), and with `allowedBorder ≥ 0` those reaching
 *    more than that outside the image, take no part (`anchor_inside_flags`,
 *    `mmdet/core/anchor/utils.py` L20–45; the paper's configs use −1: every anchor);
 * 2. MaxIoU assignment, class-agnostic (0.7 / 0.3 / min 0.3 with low-quality matches,
 *    `configs/_base_/models/faster_rcnn_r50_fpn.py` L58–64), via @apdet/ops `assignMaxIou`;
 * 3. the loss's sampler (`loss.sampler('rpn')`: RandomSampler 256 / 0.5 for every registry loss,
 *    docs/spec/detectors.md A.3), via @apdet/ops;
 * 4. sampled positives get label 0 (object) and their GT encoded against the anchor with the
 *    coder stds (L240–247); sampled negatives label 1 (background); every other anchor −1
 *    (label weight 0 in mmdet, L236, L254–259: ignored by the loss).
 */
import type { SamplerSpec } from '@apdet/losses';
import { assignMaxIou, boxCount, encodeDeltas, type MaxIouAssignerOptions } from '@apdet/ops';
import type { Rng } from '@apdet/rng';
import { drawSamples } from './sampling.js';

export interface RpnTargets {
  /** [T]: 0 = object, 1 = background, -1 = ignored / not sampled (losses' convention, C = 1). */
  labels: Int32Array;
  /** [T*4] encoded targets for positives (zeros elsewhere). */
  deltas: Float32Array;
  /** [T*4] matched GT box for positives (zeros elsewhere). */
  gtBoxes: Float32Array;
  /** Sampled positives. */
  numPositives: number;
  /** Sampled positives + sampled negatives (mmdet's avg_factor of the CE RPN). */
  numSampled: number;
}

export interface RpnTargetOptions {
  assigner: MaxIouAssignerOptions;
  /** `loss.sampler('rpn')`; GT boxes cannot be added to anchors. */
  sampler: SamplerSpec;
  /** RPN coder stds [dx, dy, dw, dh]. */
  stds: readonly [number, number, number, number];
  /**
   * 1 = the anchor takes part, 0 = padding (`AnchorGenerator.validFlags(featureSizes, validShape)`,
   * mmdet valid flags). Default: every anchor. Pass them when the batch pads images.
   */
  validFlags?: ArrayLike<number>;
  /**
   * mmdet `allowed_border`: when ≥ 0, anchors with x1 < −b, y1 < −b, x2 ≥ W + b or y2 ≥ H + b
   * (`imageShape = [H, W]`) are left out too. Default −1 (the paper's configs): none is.
   */
  allowedBorder?: number;
}

/** One image's ground truth; labels are only checked (the RPN is class-agnostic). */
export interface RpnGroundTruth {
  boxes: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** Crowd regions, ignored by IoF when `assigner.ignoreIofThr > 0` (−1 in the paper's configs). */
  crowdBoxes?: ArrayLike<number>;
}

/**
 * Targets of one image's T anchors (all levels concatenated, AnchorGenerator order). Draw `rng`
 * from a key naming the draw, e.g. `Rng.from(seed, iteration, imageIndex, stream)`.
 * `imageShape = [H, W]` of the valid image is only read with `allowedBorder ≥ 0`; padding is
 * excluded by `validFlags` (mmdet 2.1 derives both from the image's own shapes, anchor_head.py
 * L171–172, L216–218).
 *
 * @example
 * const t = rpnTargets(anchors, { boxes, labels }, [512, 512], {
 *   assigner: { posIouThr: 0.7, negIouThr: 0.3, minPosIou: 0.3, matchLowQuality: true },
 *   sampler: loss.sampler('rpn'),
 *   stds: loss.boxCoderStds('rpn'),
 * }, Rng.from(seed, iter, image, 0));
 */
export function rpnTargets(
  anchors: Float32Array,
  gt: RpnGroundTruth,
  imageShape: readonly [number, number],
  o: RpnTargetOptions,
  rng: Rng,
): RpnTargets {
  const t = boxCount(anchors, 'rpnTargets(anchors)');
  const ng = boxCount(gt.boxes, 'rpnTargets(gt.boxes)');
  if (gt.labels.length !== ng) throw new RangeError(`rpnTargets: ${ng} GT boxes but ${gt.labels.length} labels`);
  if (o.sampler.kind === 'random' && o.sampler.addGtAsProposals)
    throw new RangeError('rpnTargets: a sampler that adds GT boxes as proposals cannot be used on anchors');
  const assign = assignMaxIou(
    {
      candidates: anchors,
      gts: gt.boxes,
      crowdBoxes: gt.crowdBoxes,
      validFlags: takingPart(anchors, t, imageShape, o),
    },
    o.assigner,
  );
  const { positives, negatives, positiveGt } = drawSamples(assign, o.sampler, rng);
  const out: RpnTargets = {
    labels: new Int32Array(t).fill(-1),
    deltas: new Float32Array(4 * t),
    gtBoxes: new Float32Array(4 * t),
    numPositives: positives.length,
    numSampled: positives.length + negatives.length,
  };
  for (const i of negatives) out.labels[i] = 1;
  const posAnchors = new Float64Array(4 * positives.length);
  const posGts = new Float64Array(4 * positives.length);
  positives.forEach((i, j) => {
    out.labels[i] = 0;
    for (let k = 0; k < 4; k++) {
      posAnchors[4 * j + k] = anchors[4 * i + k];
      posGts[4 * j + k] = gt.boxes[4 * positiveGt[j] + k];
    }
  });
  const encoded = encodeDeltas(posAnchors, posGts, { stds: [...o.stds] });
  positives.forEach((i, j) => {
    out.deltas.set(encoded.subarray(4 * j, 4 * j + 4), 4 * i);
    out.gtBoxes.set(posGts.subarray(4 * j, 4 * j + 4), 4 * i);
  });
  return out;
}

/** mmdet `anchor_inside_flags`: valid flags, and the border rule when allowedBorder ≥ 0. */
function takingPart(
  anchors: Float32Array,
  t: number,
  imageShape: readonly [number, number],
  o: RpnTargetOptions,
): Uint8Array {
  const flags = new Uint8Array(t).fill(1);
  if (o.validFlags) {
    if (o.validFlags.length !== t)
      throw new RangeError(`rpnTargets: ${o.validFlags.length} valid flags for ${t} anchors`);
    for (let i = 0; i < t; i++) if (!o.validFlags[i]) flags[i] = 0;
  }
  const b = o.allowedBorder ?? -1;
  if (b >= 0) {
    const [h, w] = imageShape;
    for (let i = 0; i < t; i++) {
      const q = 4 * i;
      if (anchors[q] < -b || anchors[q + 1] < -b || anchors[q + 2] >= w + b || anchors[q + 3] >= h + b) flags[i] = 0;
    }
  }
  return flags;
}
