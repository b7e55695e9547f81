/**
 * RetinaNet inference post-processing on typed arrays (mmdet v2 `_get_bboxes_single` /
 * torchvision `postprocess_detections` semantics):
 * per level, every (anchor, class) pair with score > scoreThreshold, the top `preNmsTopK` of
 * them; decode their anchors' deltas; clip to the image's own extent; concatenate the levels;
 * class-aware NMS; keep the best `maxDetections`; map to original image coordinates.
 */
import { batchedNmsTyped, decodeDeltas } from '@apdet/ops';
import { boxesToOriginal, type Detections, type ImageGeometry } from '@apdet/detector';
import type { InferenceConfig } from './config/types.js';

export interface PostprocessInputs {
  /** `[T·C]` per-class probabilities, anchor-major. */
  scores: ArrayLike<number>;
  /** `[T·4]` predicted deltas. */
  deltas: ArrayLike<number>;
  /** `[T·4]` anchors (xyxy, input pixels). */
  anchors: ArrayLike<number>;
  /** First anchor index of each level, plus the total. */
  levelStart: readonly number[];
  numClasses: number;
  stds: readonly number[];
}

/** Post-processes one image (see the module comment). */
export function postprocessImage(inputs: PostprocessInputs, geometry: ImageGeometry, cfg: InferenceConfig): Detections {
  const { scores, deltas, anchors, levelStart, numClasses: c } = inputs;
  const total = levelStart[levelStart.length - 1];
  if (scores.length !== total * c || deltas.length !== 4 * total || anchors.length !== 4 * total) {
    throw new RangeError(
      `postprocessImage: ${total} anchors need ${total * c} scores and ${4 * total} deltas/anchor coordinates, got ${scores.length}, ${deltas.length}, ${anchors.length}`,
    );
  }
  const candidates: number[] = []; // flat (anchor·C + class) indices
  for (let l = 0; l + 1 < levelStart.length; l++)
    candidates.push(...levelTopK(scores, levelStart[l] * c, levelStart[l + 1] * c, cfg));
  const n = candidates.length;
  const candAnchors = new Float64Array(4 * n);
  const candDeltas = new Float64Array(4 * n);
  const candScores = new Float32Array(n);
  const candLabels = new Int32Array(n);
  candidates.forEach((flat, j) => {
    const a = Math.floor(flat / c);
    candScores[j] = scores[flat];
    candLabels[j] = flat - a * c;
    for (let k = 0; k < 4; k++) {
      candAnchors[4 * j + k] = anchors[4 * a + k];
      candDeltas[4 * j + k] = deltas[4 * a + k];
    }
  });
  const stds = [inputs.stds[0], inputs.stds[1], inputs.stds[2], inputs.stds[3]] as const;
  const decoded = Float32Array.from(
    decodeDeltas(candAnchors, candDeltas, { stds, maxShape: [geometry.validHeight, geometry.validWidth] }),
  );
  const keep = batchedNmsTyped(decoded, candScores, candLabels, cfg.nmsIouThreshold).slice(0, cfg.maxDetections);
  const boxes = new Float32Array(4 * keep.length);
  keep.forEach((i, j) => boxes.set(decoded.subarray(4 * i, 4 * i + 4), 4 * j));
  return {
    imageId: geometry.imageId,
    boxes: boxesToOriginal(boxes, geometry),
    scores: Float32Array.from(keep, (i) => candScores[i]),
    labels: Int32Array.from(keep, (i) => candLabels[i]),
  };
}

/** Flat indices in [from, to) with score > threshold, the best `preNmsTopK` (ties: lower index first). */
function levelTopK(scores: ArrayLike<number>, from: number, to: number, cfg: InferenceConfig): number[] {
  const above: number[] = [];
  for (let i = from; i < to; i++) if (scores[i] > cfg.scoreThreshold) above.push(i);
  if (above.length <= cfg.preNmsTopK) return above;
  above.sort((a, b) => scores[b] - scores[a] || a - b);
  return above.slice(0, cfg.preNmsTopK);
}
