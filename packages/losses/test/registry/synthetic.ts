// A small synthetic detector-like batch: anchors, GT boxes, labels (positive / negative /
// ignored), raw logits and raw box deltas, and the decoding a detector would do. Plain JS data
// plus a function that builds DetectionLossInputs from (logits, deltas) tensors, so tests can
// differentiate w.r.t. the raw inputs.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@apdet/rng';
import type { DetectionLossInputs, HeadKind } from '../../src/registry/index.js';

const STDS = [0.1, 0.1, 0.2, 0.2];
/** |log(16/1000)|, the DeltaXYWH coder's wh clamp. */
const WH_CLAMP = 4.135166556742356;

export interface SyntheticBatch {
  headKind: HeadKind;
  numClasses: number;
  n: number;
  /** int32 labels: class / numClasses = background / −1 = ignored. */
  labels: number[];
  anchors: number[][];
  gtBoxes: number[][];
  /** Encoded GT deltas (target of `regression`). */
  targetDeltas: number[][];
  /** Initial raw predictions. */
  logits: (k: number) => number[];
  deltas: number[];
}

export function encode(anchor: number[], box: number[]): number[] {
  const [ax, ay, aw, ah] = [
    (anchor[0] + anchor[2]) / 2,
    (anchor[1] + anchor[3]) / 2,
    anchor[2] - anchor[0],
    anchor[3] - anchor[1],
  ];
  const [gx, gy, gw, gh] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, box[2] - box[0], box[3] - box[1]];
  return [(gx - ax) / aw / STDS[0], (gy - ay) / ah / STDS[1], Math.log(gw / aw) / STDS[2], Math.log(gh / ah) / STDS[3]];
}

/** DeltaXYWH decoding with tfjs ops (differentiable w.r.t. deltas), no clipping to the image. */
export function decode(anchors: tf.Tensor2D, deltas: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [x1, y1, x2, y2] = tf.unstack(anchors, 1);
    const [dx, dy, dw, dh] = tf.unstack(tf.mul(deltas, tf.tensor1d(STDS)), 1);
    const aw = tf.sub(x2, x1);
    const ah = tf.sub(y2, y1);
    const cx = tf.add(tf.div(tf.add(x1, x2), 2), tf.mul(dx, aw));
    const cy = tf.add(tf.div(tf.add(y1, y2), 2), tf.mul(dy, ah));
    const w = tf.mul(aw, tf.exp(tf.clipByValue(dw, -WH_CLAMP, WH_CLAMP)));
    const h = tf.mul(ah, tf.exp(tf.clipByValue(dh, -WH_CLAMP, WH_CLAMP)));
    return tf.stack(
      [tf.sub(cx, tf.div(w, 2)), tf.sub(cy, tf.div(h, 2)), tf.add(cx, tf.div(w, 2)), tf.add(cy, tf.div(h, 2))],
      1,
    ) as tf.Tensor2D;
  });
}

/**
 * N samples: ~25 % positives (GT = jittered anchor), ~60 % negatives, the rest ignored
 * (none for DETR and RoI heads, which have no ignore band). `positives` forces a count.
 */
export function syntheticBatch(
  headKind: HeadKind,
  options: { n?: number; seed?: number; positives?: number } = {},
): SyntheticBatch {
  const random = Rng.from(options.seed ?? 1);
  const n = options.n ?? 24;
  const numClasses = headKind === 'rpn' ? 1 : 3;
  const ignoreAllowed = headKind === 'retina' || headKind === 'rpn';
  const labels: number[] = [];
  const anchors: number[][] = [];
  const gtBoxes: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = random.next() * 80;
    const y = random.next() * 80;
    const anchor = [x, y, x + 8 + random.next() * 24, y + 8 + random.next() * 24];
    anchors.push(anchor);
    const r = random.next();
    const positive = options.positives === undefined ? r < 0.25 : i < options.positives;
    if (positive) labels.push(Math.floor(random.next() * numClasses));
    else labels.push(ignoreAllowed && r > 0.85 ? -1 : numClasses);
    const [w, h] = [anchor[2] - anchor[0], anchor[3] - anchor[1]];
    const jitter = () => (random.next() - 0.5) * 0.4;
    gtBoxes.push(
      positive
        ? [anchor[0] + jitter() * w, anchor[1] + jitter() * h, anchor[2] + jitter() * w, anchor[3] + jitter() * h]
        : [0, 0, 0, 0],
    );
  }
  const targetDeltas = gtBoxes.map((g, i) =>
    labels[i] >= 0 && labels[i] < numClasses ? encode(anchors[i], g) : [0, 0, 0, 0],
  );
  const deltas = Array.from({ length: n * 4 }, () => (random.next() - 0.5) * 2);
  const logitsSeed = random.next();
  return {
    headKind,
    numClasses,
    n,
    labels,
    anchors,
    gtBoxes,
    targetDeltas,
    logits: (k) => {
      const r = Rng.from(Math.floor(logitsSeed * 1e9));
      return Array.from({ length: n * k }, () => (r.next() - 0.5) * 4 - 1);
    },
    deltas,
  };
}

/**
 * What a detector does: bundle (logits, deltas) with the batch's targets (both box forms, so any
 * loss can read what it needs).
 */
export function buildInputs(batch: SyntheticBatch, logits: tf.Tensor2D, deltas: tf.Tensor2D): DetectionLossInputs {
  const anchors = tf.tensor2d(batch.anchors);
  const inputs: DetectionLossInputs = {
    headKind: batch.headKind,
    numClasses: batch.numClasses,
    logits,
    labels: tf.tensor1d(batch.labels, 'int32'),
    // Detectors may always provide both; the loss reads what it needs.
    boxes: { pred: decode(anchors, deltas), target: tf.tensor2d(batch.gtBoxes) },
    regression: { pred: deltas, target: tf.tensor2d(batch.targetDeltas) },
  };
  return inputs;
}
