/**
 * Inference of the RoI head for one image, mmdet 2.1 `BBoxHead.get_bboxes` + `multiclass_nms` as
 * the paper's code runs them (fundamentalvision/Parameterized-AP-Loss
 * `mmdet/models/roi_heads/bbox_heads/bbox_head.py` L187–224 for softmax heads,
 * `convfc_bbox_head.py` L517–555 with its local `multiclass_nms` L341–392 for the PAP sigmoid
 * head; `mmdet/core/post_processing/bbox_nms.py` L6–57):
 *
 * 1. class-specific decoding of every (RoI, class) pair with the coder stds and wh_ratio_clip
 *    16/1000, clipped to the image (`bbox_coder.decode(rois, bbox_pred, max_shape=img_shape)`);
 * 2. pairs with a probability strictly above `scoreThreshold` (`scores > score_thr`), in
 *    row-major (RoI, class) order (`valid_mask.nonzero()`);
 * 3. NMS per class (`batched_nms` keyed by class; IoU > threshold suppresses, +1-free widths);
 * 4. the first `maxDetections` in decreasing score order (`dets[:max_num]`).
 *
 * `probs` has no background column: the caller passes `loss.scores('roi', logits)` (softmax
 * without background for the CE baselines, sigmoid for `param-ap`), so both heads share this.
 *
 * Where torchvision (`RoIHeads.postprocess_detections`) differs: it also drops boxes with a side
 * < 1e-2 after clipping, and its coder clamps dw/dh only from above (`BoxCoder.decode_single`), so
 * a very negative dw gives a narrower box there. mmdet's `batched_nms` offsets the boxes of each
 * class by `label·(max + 1)`, which can move a float32 IoU by an ulp; we run exact per-class NMS.
 * Equal scores are visited in (RoI, class) order (a stable sort). Tests: test/roi-postprocess.test.ts.
 */
import { batchedNmsTyped, boxCount, decodeDeltas } from '@apdet/ops';

export interface RoiDetectionOptions {
  /** Minimum class probability, strict (0.05). */
  scoreThreshold: number;
  /** Per-class NMS IoU threshold (0.5). */
  nmsIouThreshold: number;
  /** Detections kept per image (100). */
  maxDetections: number;
}

/** Detections of one image in input pixels, decreasing score. */
export interface RoiDetections {
  /** [m*4] xyxy, clipped to the image. */
  boxes: Float32Array;
  /** [m] class probabilities. */
  scores: Float32Array;
  /** [m] classes in [0, C). */
  labels: Int32Array;
}

/**
 * Final detections of one image from the RoI head's outputs (module comment).
 *
 * @param probs `[n*C]` per-class probabilities, no background column.
 * @param deltas `[n*C*4]` class-specific deltas (class c of RoI i at `(i·C + c)·4`).
 * @param rois `[n*4]` the RoIs the head ran on (xyxy, input pixels).
 * @param imageShape `[height, width]` of the valid (unpadded) image: boxes are clipped to it.
 *
 * @example
 * const { boxes, scores, labels } = roiDetections(probs, deltas, rois, 80, [512, 512], [0.1, 0.1, 0.2, 0.2], {
 *   scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100,
 * });
 */
export function roiDetections(
  probs: Float32Array,
  deltas: Float32Array,
  rois: Float32Array,
  numClasses: number,
  imageShape: readonly [number, number],
  stds: readonly [number, number, number, number],
  o: RoiDetectionOptions,
): RoiDetections {
  const n = boxCount(rois, 'roiDetections(rois)');
  checkInputs(probs, deltas, n, numClasses, imageShape, o);
  const c = numClasses;
  const pairs: number[] = [];
  for (let p = 0; p < n * c; p++) if (probs[p] > o.scoreThreshold) pairs.push(p);
  const anchors = new Float64Array(4 * pairs.length);
  const pairDeltas = new Float64Array(4 * pairs.length);
  pairs.forEach((p, j) => {
    const roi = Math.floor(p / c);
    for (let k = 0; k < 4; k++) {
      anchors[4 * j + k] = rois[4 * roi + k];
      pairDeltas[4 * j + k] = deltas[4 * p + k];
    }
  });
  // Float32 boxes, as mmdet's float32 tensors: NMS then decides near-threshold IoUs in float32.
  const boxes = Float32Array.from(decodeDeltas(anchors, pairDeltas, { stds: [...stds], maxShape: imageShape }));
  const scores = Float32Array.from(pairs, (p) => probs[p]);
  const classes = Int32Array.from(pairs, (p) => p % c);
  const kept = batchedNmsTyped(boxes, scores, classes, o.nmsIouThreshold).slice(0, o.maxDetections);
  const out: RoiDetections = {
    boxes: new Float32Array(4 * kept.length),
    scores: Float32Array.from(kept, (j) => scores[j]),
    labels: Int32Array.from(kept, (j) => classes[j]),
  };
  kept.forEach((j, m) => out.boxes.set(boxes.subarray(4 * j, 4 * j + 4), 4 * m));
  return out;
}

function checkInputs(
  probs: Float32Array,
  deltas: Float32Array,
  n: number,
  c: number,
  imageShape: readonly [number, number],
  o: RoiDetectionOptions,
): void {
  if (!Number.isInteger(c) || c < 1)
    throw new RangeError(`roiDetections: numClasses must be a positive integer, got ${c}`);
  if (probs.length !== n * c)
    throw new RangeError(
      `roiDetections: probs must be [n*C] = ${n * c} for ${n} RoIs and ${c} classes, got ${probs.length}`,
    );
  if (deltas.length !== 4 * n * c)
    throw new RangeError(`roiDetections: deltas must be [n*C*4] = ${4 * n * c} (class-specific), got ${deltas.length}`);
  if (!(imageShape[0] > 0 && imageShape[1] > 0))
    throw new RangeError(`roiDetections: imageShape must be two positive sizes, got [${imageShape.join(', ')}]`);
  if (!Number.isInteger(o.maxDetections) || o.maxDetections < 1)
    throw new RangeError(`roiDetections: maxDetections must be a positive integer, got ${o.maxDetections}`);
  if (!(o.nmsIouThreshold >= 0 && o.nmsIouThreshold <= 1))
    throw new RangeError(`roiDetections: nmsIouThreshold must be in [0, 1], got ${o.nmsIouThreshold}`);
}
