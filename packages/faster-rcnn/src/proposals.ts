/**
 * RPN proposal generation for one image, as mmdet 2.1 runs it in the paper's code
 * (fundamentalvision/Parameterized-AP-Loss `mmdet/models/dense_heads/paploss_rpn_head.py`
 * `_get_bboxes_single` L167–256, identical to `rpn_head.py` L79–168):
 *
 * 1. per level, the `preNmsTopK` anchors of highest objectness (L220–227);
 * 2. their deltas decoded against the anchors with the coder's stds and wh_ratio_clip 16/1000,
 *    clipped to the image (`bbox_coder.decode(…, max_shape=img_shape)`, L237–238;
 *    `delta_xywh_bbox_coder.py` L120–198);
 * 3. if `minSize > 0`, boxes with a side below it are dropped (`w >= min_bbox_size`, L241–251);
 * 4. NMS per level (`batched_nms` keyed by level, L253–255), IoU strictly above the threshold
 *    suppresses (`mmdet/ops/nms/src/cpu/nms_cpu.cpp` L59–60), widths +1-free (L21);
 * 5. the first `postNmsTopN` survivors of all levels in decreasing score order (L256).
 *
 * Where torchvision (`RegionProposalNetwork.filter_proposals`) differs, and what we do:
 * - it always drops boxes with a side < 1e-3 (`remove_small_boxes`): boxes clipped to zero width
 *   at the border survive in mmdet (min_bbox_size 0 in the paper's configs) and here;
 * - its coder clamps dw/dh only from above (`BoxCoder.decode_single`), mmdet and we clamp both
 *   sides to ±ln(1000/16);
 * - its default train post-NMS top-n is 2000 (mmdet 2.1: 1000); that is configuration here.
 * Tests: test/proposals.test.ts against tools/make-oracle.py (a transcription of the mmdet code
 * above on torch ops, plus filter_proposals itself for the documented differences).
 *
 * Ties: mmdet sorts sigmoid probabilities with an unstable sort. We order by the logit (the same
 * order wherever the float32 probabilities differ; logits also separate probabilities that round
 * to the same float32, e.g. 1.0) and break exact ties by the lower index (level first, then
 * anchor order), which is what a stable sort gives.
 */
import { batchedNmsTyped, decodeDeltas, stableDescendingOrder } from '@apdet/ops';

export interface ProposalOptions {
  /** Anchors kept per level before NMS (mmdet `nms_pre`; 2000 train / 1000 test). */
  preNmsTopK: number;
  /** Proposals kept per image after NMS (mmdet `nms_post`; 1000). */
  postNmsTopN: number;
  /** NMS IoU threshold, per level (0.7). */
  nmsIouThreshold: number;
  /** If > 0, proposals with width or height below it are dropped before NMS (mmdet `min_bbox_size`, 0). */
  minSize: number;
}

export interface RpnLevelOutput {
  /** objectness logits of one image at one level, in AnchorGenerator order (y, x, anchor), [T_l] */
  scores: Float32Array;
  /** deltas [T_l * 4] (dx, dy, dw, dh, normalised by stds) */
  deltas: Float32Array;
  /** anchors [T_l * 4] xyxy in input pixels */
  anchors: Float32Array;
}

export interface Proposals {
  /** [n*4] xyxy, clipped to the image, in decreasing score order. */
  boxes: Float32Array;
  /** [n], sigmoid probabilities of the objectness logits. */
  scores: Float32Array;
  /** [n], index of the level each proposal came from (0 = first entry of `levels`). */
  levels?: Int32Array;
}

/**
 * Proposals of one image from its per-level RPN outputs (see the module comment for the exact
 * mmdet 2.1 steps). `imageShape = [height, width]` of the image's valid (unpadded) region: boxes
 * are clipped to it. `stds` are the RPN coder's (`loss.boxCoderStds('rpn')` or the config's).
 *
 * @example
 * const { boxes, scores } = generateProposals(levels, [512, 512], [0.1, 0.1, 0.2, 0.2], {
 *   preNmsTopK: 2000, postNmsTopN: 1000, nmsIouThreshold: 0.7, minSize: 0,
 * });
 */
export function generateProposals(
  levels: readonly RpnLevelOutput[],
  imageShape: readonly [number, number],
  stds: readonly [number, number, number, number],
  o: ProposalOptions,
): Proposals {
  checkOptions(o, imageShape);
  const picked = levels.map((level, l) => pickTopK(level, l, o.preNmsTopK));
  const total = picked.reduce((n, p) => n + p.length, 0);
  const logits = new Float64Array(total);
  const anchors = new Float64Array(4 * total);
  const deltas = new Float64Array(4 * total);
  const levelIds = new Int32Array(total);
  let at = 0;
  picked.forEach((indices, l) => {
    const { scores, deltas: d, anchors: a } = levels[l];
    for (const i of indices) {
      logits[at] = scores[i];
      for (let k = 0; k < 4; k++) {
        anchors[4 * at + k] = a[4 * i + k];
        deltas[4 * at + k] = d[4 * i + k];
      }
      levelIds[at++] = l;
    }
  });
  // Float32 boxes, as mmdet's float32 tensors: NMS then decides near-threshold IoUs in float32.
  const boxes = Float32Array.from(decodeDeltas(anchors, deltas, { stds: [...stds], maxShape: imageShape }));
  const kept = keepLargeEnough(boxes, o.minSize);
  const nmsOrder = batchedNmsTyped(
    gatherBoxes(boxes, kept),
    kept.map((i) => logits[i]),
    kept.map((i) => levelIds[i]),
    o.nmsIouThreshold,
  );
  const chosen = nmsOrder.slice(0, o.postNmsTopN).map((j) => kept[j]);
  return {
    boxes: gatherBoxes(boxes, chosen),
    scores: Float32Array.from(chosen, (i) => sigmoid(logits[i])),
    levels: Int32Array.from(chosen, (i) => levelIds[i]),
  };
}

/** Indices of one level's `k` highest logits, best first (ties: lower index first). */
function pickTopK(level: RpnLevelOutput, l: number, k: number): Int32Array {
  const t = level.scores.length;
  if (level.deltas.length !== 4 * t || level.anchors.length !== 4 * t) {
    throw new RangeError(
      `generateProposals: level ${l} has ${t} scores but ${level.deltas.length / 4} deltas and ${level.anchors.length / 4} anchors`,
    );
  }
  return stableDescendingOrder(level.scores, `generateProposals: level ${l}`).subarray(0, k);
}

/** mmdet `min_bbox_size`: with a positive minimum keep boxes whose sides are both ≥ it. */
function keepLargeEnough(boxes: Float32Array, minSize: number): number[] {
  const n = boxes.length / 4;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    if (minSize <= 0 || (boxes[o + 2] - boxes[o] >= minSize && boxes[o + 3] - boxes[o + 1] >= minSize)) kept.push(i);
  }
  return kept;
}

function gatherBoxes(boxes: Float32Array, indices: readonly number[]): Float32Array {
  const out = new Float32Array(4 * indices.length);
  indices.forEach((i, j) => out.set(boxes.subarray(4 * i, 4 * i + 4), 4 * j));
  return out;
}

/** Logistic function, stable for large |x| (float64; callers round to float32). */
function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function checkOptions(o: ProposalOptions, imageShape: readonly [number, number]): void {
  for (const key of ['preNmsTopK', 'postNmsTopN'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new RangeError(`generateProposals: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!(o.nmsIouThreshold >= 0 && o.nmsIouThreshold <= 1))
    throw new RangeError(`generateProposals: nmsIouThreshold must be in [0, 1], got ${o.nmsIouThreshold}`);
  if (!(o.minSize >= 0)) throw new RangeError(`generateProposals: minSize must be ≥ 0, got ${o.minSize}`);
  if (!(imageShape[0] > 0 && imageShape[1] > 0))
    throw new RangeError(`generateProposals: imageShape must be two positive sizes, got [${imageShape.join(', ')}]`);
}
