/**
 * RetinaNet training targets on typed arrays (per image, then concatenated over the batch),
 * via @apdet/ops's MaxIoU assigner with a PseudoSampler (every positive and negative is used,
 * as RetinaNet with a focal/AP loss does; docs/spec/paper-spec.md §9.1).
 */
import { AnchorGenerator, assignMaxIou, encodeDeltas, type FeatureSize } from '@apdet/ops';
import type { ImageAnnotations } from '@apdet/detector';
import type { AssignerConfig } from './config/types.js';

/** Targets of one image's T anchors. */
export interface AnchorTargets {
  /** `[T]`: class c ∈ [0, C) for a positive, C for a negative, −1 ignored (the loss registry's labels). */
  labels: Int32Array;
  /** `[T·4]`: encoded target deltas of positives (coder stds applied), 0 elsewhere. */
  deltas: Float32Array;
  /** `[T·4]`: the matched GT box (xyxy) of positives, 0 elsewhere. */
  matchedBoxes: Float32Array;
  numPositives: number;
}

export interface TargetOptions {
  numClasses: number;
  assigner: AssignerConfig;
  /** Box coder stds used to encode the deltas. */
  stds: readonly [number, number, number, number];
}

/**
 * Assigns one image's GTs to the anchors:
 * - padding anchors (outside `validShape`, mmdet valid flags) → ignored (−1);
 * - anchors whose IoF with a crowd box exceeds `assigner.crowdIofThr` → ignored (when > 0);
 * - IoU ≥ posIouThr → positive; < negIouThr → negative (label C); in between → ignored;
 *   low-quality matches per mmdet (every GT gets its best anchors).
 * GTs with zero width or height are dropped first: with minPosIou = 0 such a GT would claim
 * every anchor it does not overlap (mmdet quirk documented in @apdet/ops).
 */
export function anchorTargets(
  anchors: Float32Array,
  validFlags: Uint8Array,
  image: ImageAnnotations,
  options: TargetOptions,
): AnchorTargets {
  const { numClasses, assigner, stds } = options;
  const t = anchors.length / 4;
  const { boxes, labels } = keepProperGts(image, numClasses);
  const assign = assignMaxIou(
    { candidates: anchors, gts: boxes, gtLabels: labels, crowdBoxes: image.crowdBoxes ?? [], validFlags },
    {
      posIouThr: assigner.posIouThr,
      negIouThr: assigner.negIouThr,
      minPosIou: assigner.minPosIou,
      matchLowQuality: assigner.matchLowQuality,
      gtMaxAssignAll: true,
      ignoreIofThr: assigner.crowdIofThr,
    },
  );
  const out: AnchorTargets = {
    labels: new Int32Array(t),
    deltas: new Float32Array(4 * t),
    matchedBoxes: new Float32Array(4 * t),
    numPositives: 0,
  };
  const positives: number[] = [];
  for (let i = 0; i < t; i++) {
    const g = assign.gtIndex[i];
    if (g < 0) out.labels[i] = -1;
    else if (g === 0) out.labels[i] = numClasses;
    else {
      out.labels[i] = labels[g - 1];
      positives.push(i);
      for (let k = 0; k < 4; k++) out.matchedBoxes[4 * i + k] = boxes[4 * (g - 1) + k];
    }
  }
  out.numPositives = positives.length;
  if (positives.length === 0) return out;
  const posAnchors = new Float64Array(4 * positives.length);
  const posGts = new Float64Array(4 * positives.length);
  positives.forEach((a, j) => {
    for (let k = 0; k < 4; k++) {
      posAnchors[4 * j + k] = anchors[4 * a + k];
      posGts[4 * j + k] = out.matchedBoxes[4 * a + k];
    }
  });
  const encoded = encodeDeltas(posAnchors, posGts, { stds: [...stds] as [number, number, number, number] });
  positives.forEach((a, j) => out.deltas.set(encoded.subarray(4 * j, 4 * j + 4), 4 * a));
  return out;
}

/** Targets of a whole batch, images concatenated along the anchor axis (N = B·T). */
export interface BatchTargets {
  labels: Int32Array;
  deltas: Float32Array;
  matchedBoxes: Float32Array;
  numPositives: number;
  /** Per image, for inspection. */
  perImage: AnchorTargets[];
}

/**
 * Targets for every image of a batch padded to the feature sizes `featureSizes` (the anchors of
 * the padded input). Each image's valid flags come from its own `validShape`.
 */
export function batchTargets(
  generator: AnchorGenerator,
  anchorSet: { anchors: Float32Array; featureSizes: FeatureSize[] },
  images: readonly ImageAnnotations[],
  options: TargetOptions,
): BatchTargets {
  const perImage = images.map((image) =>
    anchorTargets(anchorSet.anchors, generator.validFlags(anchorSet.featureSizes, image.validShape), image, options),
  );
  const t = anchorSet.anchors.length / 4;
  const labels = new Int32Array(t * images.length);
  const deltas = new Float32Array(4 * t * images.length);
  const matchedBoxes = new Float32Array(4 * t * images.length);
  perImage.forEach((p, b) => {
    labels.set(p.labels, b * t);
    deltas.set(p.deltas, 4 * b * t);
    matchedBoxes.set(p.matchedBoxes, 4 * b * t);
  });
  return { labels, deltas, matchedBoxes, numPositives: perImage.reduce((n, p) => n + p.numPositives, 0), perImage };
}

/**
 * Per-(anchor, class) targets in {−1, 0, 1} (`[T·C]`, row-major) from the labels: 1 in the GT
 * class column of a positive, 0 elsewhere, −1 in EVERY column of an ignored anchor (docs/spec/paper-spec.md §9.1).
 * The loss registry derives the same matrix from the labels itself; this is for inspection and tests.
 */
export function classTargets(labels: Int32Array, numClasses: number): Int8Array {
  const out = new Int8Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0) out.fill(-1, i * numClasses, (i + 1) * numClasses);
    else if (l < numClasses) out[i * numClasses + l] = 1;
  }
  return out;
}

function keepProperGts(image: ImageAnnotations, numClasses: number): { boxes: Float64Array; labels: Int32Array } {
  const n = image.labels.length;
  if (image.boxes.length !== 4 * n)
    throw new RangeError(`anchorTargets: ${image.boxes.length / 4} boxes but ${n} labels`);
  const keep: number[] = [];
  for (let g = 0; g < n; g++) {
    const label = image.labels[g];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses)
      throw new RangeError(`anchorTargets: GT ${g} has label ${label}, expected an integer in [0, ${numClasses})`);
    const b = 4 * g;
    if (image.boxes[b + 2] > image.boxes[b] && image.boxes[b + 3] > image.boxes[b + 1]) keep.push(g);
  }
  const boxes = new Float64Array(4 * keep.length);
  const labels = new Int32Array(keep.length);
  keep.forEach((g, j) => {
    labels[j] = image.labels[g];
    for (let k = 0; k < 4; k++) boxes[4 * j + k] = image.boxes[4 * g + k];
  });
  return { boxes, labels };
}
