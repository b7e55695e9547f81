/**
 * Proposals of a batch: the RPN outputs read to the host in ONE device read (objectness and deltas
 * packed together), split per image and level, and handed to `generateProposals` (proposals.ts:
 * decode, clip, per-level top-k and NMS, top-n). The read is detached by construction: nothing
 * computed from it flows back into the tape. It is the one extra read of a Faster R-CNN training
 * step (host NMS needs the scores), besides the training step's own packed read.
 */
import * as tf from '@tensorflow/tfjs';
import { generateProposals, type ProposalOptions, type Proposals, type RpnLevelOutput } from './proposals.js';
import type { RpnOutput } from './model/rpn-head.js';

/** Anchors of a padded input, all levels concatenated, with the first index of each level. */
export interface LevelAnchors {
  /** Flat xyxy `[T·4]`. */
  anchors: Float32Array;
  /** First anchor index of each level, plus the total T. */
  levelStart: readonly number[];
}

/**
 * Proposals of every image of a batch from the RPN outputs.
 *
 * @param validShapes each image's `[height, width]` inside the padded batch (proposals are clipped to it).
 * @param stds the RPN's box-coder stds.
 */
export function proposalsForBatch(
  rpn: RpnOutput,
  anchorSet: LevelAnchors,
  validShapes: readonly (readonly [number, number])[],
  stds: readonly [number, number, number, number],
  options: ProposalOptions,
): Proposals[] {
  const [b, t] = rpn.logits.shape;
  const packed = tf.tidy(() => tf.concat([tf.expandDims(rpn.logits, 2), rpn.deltas], 2));
  let values: Float32Array;
  try {
    values = packed.dataSync() as Float32Array; // [B, T, 5]: logit, dx, dy, dw, dh
  } finally {
    packed.dispose();
  }
  const { anchors, levelStart } = anchorSet;
  return validShapes.slice(0, b).map((shape, image) => {
    const levels: RpnLevelOutput[] = [];
    for (let l = 0; l + 1 < levelStart.length; l++) {
      const from = levelStart[l];
      const n = levelStart[l + 1] - from;
      const scores = new Float32Array(n);
      const deltas = new Float32Array(4 * n);
      for (let j = 0; j < n; j++) {
        const at = 5 * (image * t + from + j);
        scores[j] = values[at];
        deltas.set(values.subarray(at + 1, at + 5), 4 * j);
      }
      levels.push({ scores, deltas, anchors: anchors.subarray(4 * from, 4 * (from + n)) });
    }
    return generateProposals(levels, shape, stds, options);
  });
}
