/**
 * Loss wiring of Faster R-CNN (docs/spec/paper-spec.md §9.2): RPN targets per image, proposals on
 * the host, RoI targets per image, RoIAlign and the box head, then the registry loss once for the
 * `rpn` head (C = 1, every image's anchors concatenated) and once for the `roi` head (every
 * image's RoIs concatenated). The detector never branches on the loss: the samplers come from
 * `loss.sampler(head)`, and it supplies what `loss.needs(head)` declares (raw deltas and encoded
 * targets for `regression`, decoded boxes for `boxes`).
 */
import * as tf from '@tensorflow/tfjs';
import type { DetectorLoss, ImageAnnotations, LossContext, TrainBatch } from '@apdet/detector';
import {
  PAP_BOX_CODER_STDS,
  type DetectionLoss,
  type DetectionLossInputs,
  type HeadKind,
  type LossOutput,
} from '@apdet/losses';
import { decodeDeltasTensor, decodeUnitAnchor, type MaxIouAssignerOptions } from '@apdet/ops';
import { Rng } from '@apdet/rng';
import type { AssignerConfig } from './config/types.js';
import { classSpecificDeltas } from './model/bbox-head.js';
import type { FasterRCNN } from './model/faster-rcnn.js';
import { rpnTargets, type RpnTargets } from './rpn-targets.js';
import { roiTargets, type RoiTargets } from './roi-targets.js';
import { proposalsForBatch } from './rpn-proposals.js';

/** Rng streams of the two samplers: `Rng.from(seed, iter, image, STREAM)` (packages/rng/README.md). */
const RPN_SAMPLER_STREAM = 0;
const ROI_SAMPLER_STREAM = 1;

/**
 * Decodes deltas `[N, 4]` relative to a unit anchor centred at 0, as the official PAP RPN head
 * does (`paploss_rpn_head.py` `delta2bbox`, docs/spec/detectors.md A.3): with the PAP stds this is
 * @apdet/ops's `decodeUnitAnchor`, with other stds the same decoding with those stds. IoU/GIoU are
 * invariant to per-axis affine maps, so this frame gives the IoU of the boxes in pixels.
 */
export function decodeInAnchorFrame(deltas: tf.Tensor2D, stds: readonly number[]): tf.Tensor2D {
  if (stds.every((s, i) => s === PAP_BOX_CODER_STDS[i])) return decodeUnitAnchor(deltas);
  return tf.tidy(() => {
    const unit = tf.tile(tf.tensor2d([[-0.5, -0.5, 0.5, 0.5]]), [deltas.shape[0], 1]) as tf.Tensor2D;
    return decodeDeltasTensor(unit, deltas, { stds: [stds[0], stds[1], stds[2], stds[3]] });
  });
}

/** The assigner options of @apdet/ops for a stage's config (mmdet `gt_max_assign_all=True`). */
export function assignerOptions(a: AssignerConfig): MaxIouAssignerOptions {
  return {
    posIouThr: a.posIouThr,
    negIouThr: a.negIouThr,
    minPosIou: a.minPosIou,
    matchLowQuality: a.matchLowQuality,
    gtMaxAssignAll: true,
  };
}

/**
 * The registry inputs of the `rpn` head: objectness logits `[N, 1]`, labels `[N]` (0 object,
 * 1 background) and, as the loss needs them, the raw deltas with their encoded targets and both
 * decoded in the anchors' own frame ({@link decodeInAnchorFrame}). N counts the sampled anchors of
 * every image: the anchors labelled −1 (not sampled, padding, between the IoU thresholds) weigh
 * nothing in any registry loss (the ranking skips them, the normalisers count valid rows only),
 * so they are left out rather than carried through the loss as 256·B of B·T rows (mmdet keeps
 * them with label weight 0: the same value and gradients).
 */
export function rpnLossInputs(
  loss: DetectionLoss,
  logits: tf.Tensor2D,
  deltas: tf.Tensor3D,
  targets: readonly RpnTargets[],
  stds: readonly number[],
): DetectionLossInputs {
  const [b, t] = logits.shape;
  const rows: number[] = [];
  targets.forEach((r, i) => r.labels.forEach((label, a) => label >= 0 && rows.push(i * t + a)));
  const n = rows.length;
  const labels = new Int32Array(n);
  const targetDeltas = new Float32Array(4 * n);
  rows.forEach((row, j) => {
    const image = Math.floor(row / t);
    const a = row - image * t;
    labels[j] = targets[image].labels[a];
    targetDeltas.set(targets[image].deltas.subarray(4 * a, 4 * a + 4), 4 * j);
  });
  const index = tf.tensor1d(Int32Array.from(rows), 'int32');
  const pred = tf.gather(tf.reshape(deltas, [b * t, 4]), index) as tf.Tensor2D;
  const target = tf.tensor2d(targetDeltas, [n, 4]);
  return withBoxTerms(loss, 'rpn', {
    headKind: 'rpn',
    numClasses: 1,
    logits: tf.gather(tf.reshape(logits, [b * t, 1]), index) as tf.Tensor2D,
    labels: tf.tensor1d(labels, 'int32'),
    regression: { pred, target },
    boxes: () => ({ pred: decodeInAnchorFrame(pred, stds), target: decodeInAnchorFrame(target, stds) }),
  });
}

/**
 * The registry inputs of the `roi` head for K sampled RoIs: logits `[K, numLogits]`, labels `[K]`
 * (class, C background), and, as the loss needs them, the GT class's slice of the class-specific
 * deltas with its encoded target, and that slice decoded on its RoI in image coordinates (no
 * clipping, `reg_decoded_bbox=True` of the official head) with the matched GT box.
 */
export function roiLossInputs(
  loss: DetectionLoss,
  numClasses: number,
  head: { logits: tf.Tensor2D; deltas: tf.Tensor2D },
  targets: RoiTargets,
  stds: readonly [number, number, number, number],
): DetectionLossInputs {
  const k = targets.labels.length;
  const labels = tf.tensor1d(targets.labels, 'int32');
  const pred = classSpecificDeltas(head.deltas, labels, numClasses);
  const rois = tf.tensor2d(targets.rois, [k, 4]);
  return withBoxTerms(loss, 'roi', {
    headKind: 'roi',
    numClasses,
    logits: head.logits,
    labels,
    regression: { pred, target: tf.tensor2d(targets.deltas, [k, 4]) },
    boxes: () => ({ pred: decodeDeltasTensor(rois, pred, { stds }), target: tf.tensor2d(targets.gtBoxes, [k, 4]) }),
  });
}

/** Inputs with the box terms the loss reads: decoded boxes only when needed (they cost ops). */
function withBoxTerms(
  loss: DetectionLoss,
  head: HeadKind,
  o: Omit<DetectionLossInputs, 'boxes'> & { boxes: () => NonNullable<DetectionLossInputs['boxes']> },
): DetectionLossInputs {
  const needs = loss.needs(head);
  const inputs: DetectionLossInputs = {
    headKind: o.headKind,
    numClasses: o.numClasses,
    logits: o.logits,
    labels: o.labels,
  };
  if (needs.regression) inputs.regression = o.regression;
  if (needs.boxes) inputs.boxes = o.boxes();
  return inputs;
}

/** The GT boxes and labels of an image. */
function gtOf(a: ImageAnnotations): { boxes: ArrayLike<number>; labels: ArrayLike<number> } {
  return { boxes: a.boxes, labels: a.labels };
}

/** Every image's sampled RoI targets concatenated, with the image index of each RoI. */
function concatRoiTargets(perImage: readonly RoiTargets[]): RoiTargets & { imageIndex: Int32Array } {
  const k = perImage.reduce((n, r) => n + r.labels.length, 0);
  const out = {
    rois: new Float32Array(4 * k),
    labels: new Int32Array(k),
    deltas: new Float32Array(4 * k),
    gtBoxes: new Float32Array(4 * k),
    imageIndex: new Int32Array(k),
    numPositives: 0,
  };
  let at = 0;
  perImage.forEach((r, image) => {
    const n = r.labels.length;
    out.rois.set(r.rois, 4 * at);
    out.labels.set(r.labels, at);
    out.deltas.set(r.deltas, 4 * at);
    out.gtBoxes.set(r.gtBoxes, 4 * at);
    out.imageIndex.fill(image, at, at + n);
    out.numPositives += r.numPositives;
    at += n;
  });
  return out;
}

/**
 * The RPN targets of every image of a batch, on the anchors of the padded input
 * (`batch.images`' height and width). Each image's anchors outside its own `validShape` (the
 * batch padding) take no part: label −1, never sampled, never a low-quality match (mmdet 2.1
 * valid flags, fundamentalvision/Parameterized-AP-Loss `mmdet/models/dense_heads/anchor_head.py`
 * L171–172, L216–218; `allowed_border = −1` in the paper's configs, so no border rule). Sampling
 * is seeded by `(ctx.seed, ctx.iter, image, RPN stream)`.
 */
export function rpnTargetsForBatch(model: FasterRCNN, batch: TrainBatch, ctx: LossContext): RpnTargets[] {
  const [, height, width] = batch.images.shape;
  const anchorSet = model.anchors(height, width);
  const sampler = model.loss.sampler('rpn');
  return batch.annotations.map((a, i) =>
    rpnTargets(
      anchorSet.anchors,
      gtOf(a),
      a.validShape,
      {
        assigner: assignerOptions(model.config.rpn.assigner),
        sampler,
        stds: model.rpnStds,
        validFlags: model.anchorGenerator.validFlags(anchorSet.featureSizes, a.validShape),
      },
      Rng.from(ctx.seed, ctx.iter, i, RPN_SAMPLER_STREAM),
    ),
  );
}

/**
 * Faster R-CNN's training loss for a batch (see the module comment). Call inside the gradient
 * closure. Sampling is seeded by `(ctx.seed, ctx.iter, image, stage)`, so a resumed run draws the
 * same samples. Images without GT boxes train on negatives only.
 */
export function fasterRcnnLoss(model: FasterRCNN, batch: TrainBatch, ctx: LossContext): DetectorLoss {
  const [b, height, width] = batch.images.shape;
  if (batch.annotations.length !== b) {
    throw new Error(`FasterRCNN.computeLoss: ${batch.annotations.length} annotation sets for ${b} images`);
  }
  const c = model.config;
  const loss = model.loss;
  const pyramid = model.features(batch.images);
  const rpn = model.rpnHead.forward(pyramid);
  const anchorSet = model.anchors(height, width);
  const rpnT = rpnTargetsForBatch(model, batch, ctx);
  const validShapes = batch.annotations.map((a) => a.validShape);
  const proposals = proposalsForBatch(rpn, anchorSet, validShapes, model.rpnStds, c.rpn.train);
  const roiSampler = loss.sampler('roi');
  const perImage = proposals.map((p, i) =>
    roiTargets(
      p.boxes,
      gtOf(batch.annotations[i]),
      { assigner: assignerOptions(c.roi.assigner), sampler: roiSampler, numClasses: c.numClasses, stds: model.roiStds },
      Rng.from(ctx.seed, ctx.iter, i, ROI_SAMPLER_STREAM),
    ),
  );
  const roiT = concatRoiTargets(perImage);
  const head = model.roiHead.forward(model.roiFeatures(pyramid), { boxes: roiT.rois, imageIndex: roiT.imageIndex });
  const rpnOut = loss.compute(rpnLossInputs(loss, rpn.logits, rpn.deltas, rpnT, model.rpnStds));
  const roiOut = loss.compute(roiLossInputs(loss, c.numClasses, head, roiT, model.roiStds));
  const parts: Record<string, tf.Scalar> = { ...prefixed('rpn', rpnOut), ...prefixed('roi', roiOut) };
  return {
    total: tf.add(rpnOut.total, roiOut.total),
    parts,
    stats: {
      'rpn/positives': rpnT.reduce((n, r) => n + r.numPositives, 0),
      'roi/positives': roiT.numPositives,
      'roi/samples': roiT.labels.length,
    },
  };
}

function prefixed(head: HeadKind, out: LossOutput): Record<string, tf.Scalar> {
  return Object.fromEntries(Object.entries(out.parts).map(([name, value]) => [`${head}/${name}`, value]));
}
