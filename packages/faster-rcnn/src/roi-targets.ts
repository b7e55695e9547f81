/**
 * RoI-head training targets of one image, as mmdet 2.1 builds them in the paper's code
 * (fundamentalvision/Parameterized-AP-Loss):
 *
 * 1. MaxIoU assignment of the proposals to the GT boxes, 0.5 / 0.5 / min 0.5 without
 *    low-quality matches (`configs/_base_/models/faster_rcnn_r50_fpn.py` L82–88), via @apdet/ops;
 * 2. the loss's sampler (`loss.sampler('roi')`): RandomSampler 512 / 0.25 with the GT boxes added
 *    as proposals for the CE baselines (same file L89–94; `base_sampler.py` L72–97), the
 *    PseudoSampler (every proposal, no GT) for `param-ap` (`configs/paploss/paploss_fasterrcnn_r50_fpn.py`
 *    L74; `pseudo_sampler.py` L23–41);
 * 3. the sampled RoIs in mmdet's layout: positives first, then negatives, each ascending in the
 *    candidate list (`sampling_result.bboxes = cat(pos, neg)`; `unique()` sorts), so with GT added
 *    the sampled GT boxes come first;
 * 4. labels: the GT class for positives, C (background) for negatives; box targets encoded against
 *    the RoI with the coder stds for positives (`bbox_head.py` `_get_target_single` L84–113).
 */
import type { SamplerSpec } from '@apdet/losses';
import { assignMaxIou, boxCount, encodeDeltas, type MaxIouAssignerOptions } from '@apdet/ops';
import type { Rng } from '@apdet/rng';
import { drawSamples } from './sampling.js';

export interface RoiTargets {
  /** [n*4] the sampled RoIs (GT boxes first when the sampler adds them), positives then negatives. */
  rois: Float32Array;
  /** [n] class in [0, C) for positives, C for background. */
  labels: Int32Array;
  /** [n*4] targets encoded against the RoI with stds, positives only (zeros elsewhere). */
  deltas: Float32Array;
  /** [n*4] matched GT boxes (zeros for negatives). */
  gtBoxes: Float32Array;
  /** The first `numPositives` RoIs are the positives. */
  numPositives: number;
  /** How many of the leading RoIs are GT boxes added by the sampler (mmdet `pos_is_gt`). */
  numGtRois?: number;
}

export interface RoiTargetOptions {
  assigner: MaxIouAssignerOptions;
  /** `loss.sampler('roi')`. */
  sampler: SamplerSpec;
  /** C, the number of foreground classes. */
  numClasses: number;
  /** RoI coder stds [dx, dy, dw, dh] (0.1, 0.1, 0.2, 0.2). */
  stds: readonly [number, number, number, number];
}

/** One image's ground truth: boxes xyxy and classes in [0, C). */
export interface RoiGroundTruth {
  boxes: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** Crowd regions, ignored by IoF when `assigner.ignoreIofThr > 0` (−1 in the paper's configs). */
  crowdBoxes?: ArrayLike<number>;
}

/**
 * Samples one image's RoIs from its proposals and builds their targets (module comment).
 * Draw `rng` from a key naming the draw, e.g. `Rng.from(seed, iteration, imageIndex, stream)`.
 *
 * @example
 * const t = roiTargets(proposals.boxes, { boxes, labels }, {
 *   assigner: { posIouThr: 0.5, negIouThr: 0.5, minPosIou: 0.5, matchLowQuality: false },
 *   sampler: loss.sampler('roi'),
 *   numClasses: 80,
 *   stds: [0.1, 0.1, 0.2, 0.2],
 * }, Rng.from(seed, iter, image, 1));
 */
export function roiTargets(proposals: Float32Array, gt: RoiGroundTruth, o: RoiTargetOptions, rng: Rng): RoiTargets {
  boxCount(proposals, 'roiTargets(proposals)');
  const ng = boxCount(gt.boxes, 'roiTargets(gt.boxes)');
  if (gt.labels.length !== ng) throw new RangeError(`roiTargets: ${ng} GT boxes but ${gt.labels.length} labels`);
  for (let g = 0; g < ng; g++) {
    const label = gt.labels[g];
    if (!Number.isInteger(label) || label < 0 || label >= o.numClasses)
      throw new RangeError(`roiTargets: GT ${g} has label ${label}, expected an integer in [0, ${o.numClasses})`);
  }
  const assign = assignMaxIou(
    { candidates: proposals, gts: gt.boxes, gtLabels: gt.labels, crowdBoxes: gt.crowdBoxes },
    o.assigner,
  );
  const { positives, negatives, positiveGt, numGtProposals } = drawSamples(assign, o.sampler, rng);
  const np = positives.length;
  const n = np + negatives.length;
  const out: RoiTargets = {
    rois: new Float32Array(4 * n),
    labels: new Int32Array(n).fill(o.numClasses),
    deltas: new Float32Array(4 * n),
    gtBoxes: new Float32Array(4 * n),
    numPositives: np,
    // Sampled indices are ascending and GT candidates come first, so the GT RoIs lead.
    numGtRois: positives.filter((i) => i < numGtProposals).length,
  };
  // Candidate i < numGtProposals is GT i itself, otherwise proposal i − numGtProposals.
  const candidate = (i: number, k: number): number =>
    i < numGtProposals ? gt.boxes[4 * i + k] : proposals[4 * (i - numGtProposals) + k];
  [...positives, ...negatives].forEach((i, j) => {
    for (let k = 0; k < 4; k++) out.rois[4 * j + k] = candidate(i, k);
  });
  const posGts = new Float64Array(4 * np);
  positiveGt.forEach((g, j) => {
    out.labels[j] = gt.labels[g];
    for (let k = 0; k < 4; k++) posGts[4 * j + k] = gt.boxes[4 * g + k];
  });
  out.gtBoxes.set(posGts);
  // Encoded against the float32 RoI the head will pool, as mmdet encodes its float32 tensors.
  out.deltas.set(encodeDeltas(out.rois.subarray(0, 4 * np), posGts, { stds: [...o.stds] }));
  return out;
}
